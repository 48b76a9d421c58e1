// libFuzzer target for the basemap's paths as the router hands them over: a basemap tile
// (/tiles/basemap/{z}/{x}/{y}.mvt, server/tiles/basemap_handlers.cpp), a glyph range
// (/fonts/{fontstack}/{start}-{end}.pbf: comma-separated, URL-encoded stacks, glyph code of
// server/tiles/glyphs.cpp and the stored ranges of server/tiles/basemap_style.cpp) and a local style's sprite
// (/basemap/...). Set up once: a two-zoom MBTiles in a temp file, the fonts under
// /usr/share/fonts, a local style with a sprite and two stored ranges.
// Every path goes to all three handlers. The answer is 200, 204 or 304, or an http_error of
// bad_request or not_found (nothing else escapes); a tile answered is inside the archive's grid
// and the one stored; a glyph range answered starts at a multiple of 256, ends 255 later, and
// names that range; a stack resolves to installed fonts only; an ETag answered gives a 304.
// Input: the path, then optionally a newline and an Accept-Encoding value.

#include "data/store/mbtiles.hpp"
#include "data/store/sqlite.hpp"
#include "server/tiles/basemap_handlers.hpp"
#include "server/tiles/basemap_style.hpp"
#include "server/http/errors.hpp"
#include "server/tiles/glyphs.hpp"
#include "server/http/http_caching.hpp"

#include <boost/beast/http/field.hpp>
#include <protozero/pbf_reader.hpp>
#include <uriparser/Uri.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>
#include <set>
#include <string>

using namespace crimemap;
using namespace crimemap::server;
namespace http = boost::beast::http;

namespace {

// The archive's tiles: z0 and z1 (x1 y1 missing, for a 204), XYZ rows.
const std::string world = "world tile", north_west = "north-west tile", north_east = "north-east tile",
                  south_west = "south-west tile";

std::filesystem::path make_temp_dir() {
    std::string name = (std::filesystem::temp_directory_path() / "crimemap-basemap-fuzz-XXXXXX").string();
    if (!mkdtemp(name.data())) std::abort();
    return name;
}

void write(const std::filesystem::path& file, std::string_view bytes) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
}

struct setup {
    std::filesystem::path dir = make_temp_dir();
    std::unique_ptr<data::mbtiles> archive;
    std::unique_ptr<glyph_library> glyphs;
    std::unique_ptr<local_style> style;
    std::set<std::string> fonts;
    setup() {
        const std::string path = (dir / "basemap.mbtiles").string();
        {
            data::Database db(path, data::Database::mode::create);
            db.exec("CREATE TABLE metadata (name TEXT, value TEXT);"
                    "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);");
            db.exec("INSERT INTO metadata VALUES ('format', 'pbf'), ('minzoom', '0'), ('maxzoom', '1'),"
                    "('json', '{\"vector_layers\":[{\"id\":\"place\",\"fields\":{}}]}')");
            data::Statement tile(db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)");
            auto put = [&](int z, int x, int row, const std::string& bytes) {
                tile.bind(1, std::int64_t{z}).bind(2, std::int64_t{x}).bind(3, std::int64_t{row});
                tile.bind_blob(4, bytes.data(), bytes.size()).run();
            };
            put(0, 0, 0, gzip(world));
            put(1, 0, 1, gzip(north_west));
            put(1, 1, 1, north_east);  // stored bare
            put(1, 0, 0, gzip(south_west));
        }
        archive = std::make_unique<data::mbtiles>(path, 0);  // read through SQLite, as a large one is
        glyphs = std::make_unique<glyph_library>("/usr/share/fonts");
        for (const auto& name : glyphs->font_names()) fonts.insert(name);
        write(dir / "style.json", R"({"version": 8, "sources": {}, "layers": []})");
        write(dir / "assets/sprite.json", R"({"dot": {"x": 0, "y": 0, "width": 1, "height": 1, "pixelRatio": 1}})");
        write(dir / "assets/sprite.png", "\x89PNG not really");
        write(dir / "assets/fonts/Stored Sans Regular/0-255.pbf", gzip("stored range 0"));
        write(dir / "assets/fonts/Stored Sans Regular/256-511.pbf", "stored range 256");
        style = std::make_unique<local_style>(dir / "style.json", dir / "assets");
    }
    ~setup() {
        std::error_code error;
        std::filesystem::remove_all(dir, error);
    }
};

const setup& fixture() {
    static const setup instance;
    return instance;
}

// A whole number in a path as the handlers read it: digits only (leading zeros too), below 2^32.
bool whole(std::string_view digits, std::uint32_t& value) {
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits.size() > 10) return false;
    auto v = std::stoull(std::string(digits));
    if (v > 0xffffffffULL) return false;
    value = static_cast<std::uint32_t>(v);
    return true;
}

std::string answered_body(const response& res) {
    auto encoding = res[http::field::content_encoding];
    return encoding == "gzip" ? gunzip(res.body(), 64 << 20) : std::string(res.body());
}

void check_status(const response& res) {
    auto status = res.result_int();
    if (status != 200 && status != 204 && status != 304) std::abort();
}

// The answer again with its ETag: a 304.
template <typename Handler>
void check_revalidation(const request& req, const response& res, Handler handler) {
    auto etag = res[http::field::etag];
    if (res.result_int() != 200 || etag.empty()) return;
    request again = req;
    again.set(http::field::if_none_match, etag);
    if (handler(again).result_int() != 304) std::abort();
}

void tile(const request& req, const std::string& path) {
    const auto& f = fixture();
    // Well formed: /tiles/basemap/ then three whole numbers between slashes, then .mvt.
    std::vector<std::string_view> parts;
    std::string_view rest(path);
    const bool prefixed = rest.starts_with("/tiles/basemap/") && rest.ends_with(".mvt");
    if (prefixed) {
        rest = rest.substr(15, rest.size() - 15 - 4);
        for (std::size_t slash; (slash = rest.find('/')) != std::string_view::npos; rest.remove_prefix(slash + 1))
            parts.push_back(rest.substr(0, slash));
        parts.push_back(rest);
    }
    std::uint32_t z = 0, x = 0, y = 0;
    const bool well_formed = prefixed && path.size() >= 19 && parts.size() == 3 && whole(parts[0], z) &&
                             whole(parts[1], x) && whole(parts[2], y);
    const bool in_grid = well_formed && z <= 1 && (x >> z) == 0 && (y >> z) == 0;
    auto handler = [&](const request& r) { return handle_basemap_tile(r, path, *f.archive); };
    try {
        auto res = handler(req);
        check_status(res);
        if (!in_grid) std::abort();
        const std::string* stored = z == 0 ? &world
                                    : x == 0 && y == 0 ? &north_west
                                    : x == 1 && y == 0 ? &north_east
                                    : x == 0 && y == 1 ? &south_west
                                                       : nullptr;
        if (res.result_int() == 204 ? stored != nullptr : !stored || answered_body(res) != *stored) std::abort();
        check_revalidation(req, res, handler);
    } catch (const http_error& error) {
        if (error.kind() != (!well_formed ? error_kind::bad_request : error_kind::not_found)) std::abort();
        if (in_grid) std::abort();
    }
}

void glyph_range(const request& req, const std::string& path) {
    const auto& f = fixture();
    auto handler = [&](const request& r) { return handle_glyphs(r, path, *f.glyphs, f.style.get()); };
    try {
        auto res = handler(req);
        check_status(res);
        // What was answered: /fonts/STACK/START-END.pbf, STACK one segment.
        std::string_view whole_path(path);
        if (!whole_path.starts_with("/fonts/") || !whole_path.ends_with(".pbf")) std::abort();
        auto slash = whole_path.rfind('/');
        if (slash <= 7) std::abort();  // a stack of one byte at least
        auto range = whole_path.substr(slash + 1, whole_path.size() - slash - 1 - 4);
        auto dash = range.find('-');
        std::uint32_t start = 0, last = 0;
        if (dash == std::string_view::npos || !whole(range.substr(0, dash), start) || !whole(range.substr(dash + 1), last))
            std::abort();
        if (start % 256 != 0 || last != start + 255 || start > 0x10ff00) std::abort();
        std::string stack(whole_path.substr(7, slash - 7));
        if (stack.find('/') != std::string::npos) std::abort();
        stack.push_back('\0');
        stack.resize(static_cast<std::size_t>(uriUnescapeInPlaceExA(stack.data(), URI_FALSE, URI_BR_DONT_TOUCH) -
                                              stack.data()));
        if (stack.empty() || stack.size() > 400) std::abort();
        auto resolved = f.glyphs->resolve(stack);
        if (resolved.empty()) std::abort();
        for (const auto& name : resolved)
            if (!f.fonts.contains(name)) std::abort();
        if (res.result_int() == 200) {
            auto body = answered_body(res);
            if (body.starts_with("stored range ")) {
                if (body != "stored range " + std::to_string(start)) std::abort();
            } else {
                // glyphs.proto: stack (1) { name (1), range (2), glyph (3)... }
                protozero::pbf_reader glyphs(body);
                if (!glyphs.next(1)) std::abort();
                auto fontstack = glyphs.get_message();
                std::string answered_stack, answered_range;
                while (fontstack.next()) {
                    if (fontstack.tag() == 1) answered_stack = fontstack.get_string();
                    else if (fontstack.tag() == 2) answered_range = fontstack.get_string();
                    else fontstack.skip();
                }
                if (answered_stack != stack || answered_range != std::to_string(start) + "-" + std::to_string(last)) std::abort();
            }
        }
        check_revalidation(req, res, handler);
    } catch (const http_error& error) {
        if (error.kind() != error_kind::bad_request) std::abort();
    }
}

void sprite(const request& req, const std::string& path) {
    const auto& f = fixture();
    auto handler = [&](const request& r) { return handle_sprite(r, path, *f.style); };
    try {
        auto res = handler(req);
        check_status(res);
        if (path != "/basemap/sprite.json" && path != "/basemap/sprite.png") std::abort();
        check_revalidation(req, res, handler);
    } catch (const http_error& error) {
        if (error.kind() != error_kind::not_found) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto newline = input.find('\n');
    const std::string path(input.substr(0, newline));
    request req{http::verb::get, path, 11};
    if (newline != std::string_view::npos) {
        std::string accept;  // printable bytes only, as the parser lets through
        for (char c : input.substr(newline + 1))
            if (c >= ' ' && c != 0x7f) accept += c;
        req.set(http::field::accept_encoding, accept);
    }
    tile(req, path);
    glyph_range(req, path);
    sprite(req, path);
    return 0;
}
