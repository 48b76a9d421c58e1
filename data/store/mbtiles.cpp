#include "data/store/mbtiles.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>

namespace crimemap::data {

namespace {

// z in 5 bits, then x and y in 29 bits each: every tile up to zoom 29 has its own key.
std::uint64_t tile_key(std::uint64_t z, std::uint64_t x, std::uint64_t y) { return z << 58 | x << 29 | y; }

const char* const tile_query = "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3";

}  // namespace

struct mbtiles::reader {
    Database db;
    Statement select;
    explicit reader(const std::string& path) : db(path, Database::mode::read_only), select(db, prepared(db)) {}
    // The archive does not change while it is served: a connection keeps its shared lock (no
    // lock calls per tile) and reads through a memory map (no read call per page).
    static const char* prepared(Database& db) {
        db.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA mmap_size = 1099511627776");
        return tile_query;
    }
};

mbtiles::~mbtiles() = default;

std::unique_ptr<mbtiles::reader> mbtiles::open_reader() const { return std::make_unique<reader>(path_); }

mbtiles::mbtiles(std::string path, std::uint64_t memory_limit_bytes) : path_(std::move(path)) {
    auto fail = [&](const std::string& why) { return mbtiles_error(path_ + ": " + why); };
    namespace fs = std::filesystem;
    std::error_code error;
    auto status = fs::status(path_, error);
    if (error || !fs::exists(status)) throw fail("no such file");
    if (!fs::is_regular_file(status)) throw fail("not a file");
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw fail("cannot be read (permissions?)");
    char magic[16] = {};
    in.read(magic, sizeof magic);
    if (in.gcount() == 0) throw fail("the file is empty, not MBTiles");
    if (in.gcount() < 16 || std::string_view(magic, 16) != std::string_view("SQLite format 3\0", 16))
        throw fail("not MBTiles: not an SQLite database");
    const auto size = fs::file_size(path_, error);
    const auto modified = fs::last_write_time(path_, error).time_since_epoch().count();
    version_ = std::to_string(size) + "-" + std::to_string(modified);

    try {
        Database db(path_, Database::mode::read_only);
        auto has = [&](const char* name) {
            Statement find(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1");
            find.bind(1, std::string_view(name));
            return find.step();
        };
        for (const char* name : {"metadata", "tiles"})
            if (!has(name)) throw fail(std::string("not MBTiles: it has no '") + name + "' table");
        Statement rows(db, "SELECT name, value FROM metadata");
        while (rows.step())
            if (!rows.is_null(0) && !rows.is_null(1))
                metadata_[std::string(rows.column_text(0))] = std::string(rows.column_text(1));

        auto format = metadata_.find("format");
        if (format == metadata_.end()) throw fail("the metadata has no 'format' (want 'pbf' for vector tiles)");
        if (format->second != "pbf")
            throw fail("not a vector archive: its metadata format is '" + format->second.substr(0, 40) +
                       "' (want 'pbf')");
        auto json = metadata_.find("json");
        if (json == metadata_.end())
            throw fail("the metadata has no 'json' row with vector_layers (MBTiles 1.3 requires it for vector tiles)");
        auto doc = nlohmann::json::parse(json->second, nullptr, false);
        if (doc.is_discarded()) throw fail("metadata 'json' is not JSON");
        if (!doc.is_object() || !doc.contains("vector_layers") || !doc["vector_layers"].is_array())
            throw fail("metadata 'json' has no vector_layers array");

        auto zoom_of = [&](const char* name, const char* aggregate) {
            if (auto it = metadata_.find(name); it != metadata_.end()) {
                int value = -1;
                auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
                if (ec != std::errc() || end != it->second.data() + it->second.size() || value < 0 || value > 29)
                    throw fail(std::string("metadata '") + name + "' is '" + it->second.substr(0, 40) +
                               "', not a zoom from 0 to 29");
                return value;
            }
            return static_cast<int>(db.query_int(std::string("SELECT ") + aggregate + "(zoom_level) FROM tiles", -1));
        };
        min_zoom_ = zoom_of("minzoom", "MIN");
        max_zoom_ = zoom_of("maxzoom", "MAX");
        if (min_zoom_ < 0 || max_zoom_ < 0) throw fail("the archive holds no tiles");
        if (min_zoom_ > max_zoom_)
            throw fail("metadata minzoom " + std::to_string(min_zoom_) + " is above maxzoom " + std::to_string(max_zoom_));
        if (db.query_int("SELECT EXISTS (SELECT 1 FROM tiles)") == 0) throw fail("the archive holds no tiles");

        if (size <= memory_limit_bytes) {
            Statement all(db, "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles");
            while (all.step()) {
                auto z = all.column_int(0), x = all.column_int(1), row = all.column_int(2);
                if (z < 0 || z > 29 || x < 0 || row < 0 || x >> z || row >> z) continue;  // not a tile: never asked for
                auto bytes = all.column_blob(3);
                if (!bytes.empty()) memory_tiles_.emplace(tile_key(z, x, (std::int64_t{1} << z) - 1 - row), bytes);
            }
        } else {
            idle_.push_back(open_reader());  // checks that the tiles table has MBTiles' columns
        }
    } catch (const sqlite_error& e) {
        throw fail(std::string("cannot be read as MBTiles: ") + e.what());
    }
}

std::string mbtiles::tile(std::uint32_t z, std::uint32_t x, std::uint32_t y) const {
    if (!memory_tiles_.empty()) {
        auto it = memory_tiles_.find(tile_key(z, x, y));
        return it == memory_tiles_.end() ? std::string() : it->second;
    }
    std::unique_ptr<reader> r;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            r = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!r) r = open_reader();
    std::string out;
    {
        auto& select = r->select;
        select.reset();
        select.bind(1, std::int64_t{z}).bind(2, std::int64_t{x}).bind(3, (std::int64_t{1} << z) - 1 - y);
        if (select.step()) out = select.column_blob(0);
        select.reset();
    }
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(r));
    return out;
}

}  // namespace crimemap::data
