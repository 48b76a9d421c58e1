#include "data/snapshot/map_snapshot.hpp"

#include "data/import/wkb.hpp"
#include "data/snapshot/snapshot_file.hpp"
#include "data/snapshot/snapshot_parts.hpp"
#include "data/snapshot/stored_index.hpp"
#include "data/store/postgres.hpp"
#include "data/store/store.hpp"
#include "data/vocabulary/crime_id.hpp"
#include "data/vocabulary/forces.hpp"
#include "data/vocabulary/months.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <numeric>
#include <tuple>
#include <map>
#include <unordered_map>

namespace crimemap::data {

std::uint64_t detail::leading_key(const std::array<std::uint8_t, 32>& bytes) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < 8; ++i) key = key << 8 | bytes[i];
    return key;
}

// The key outcomes and crimes are matched by: the Crime ID's first 8 bytes (they are
// SHA-256 digests, so these are uniform), or a string hash for other IDs.
std::uint64_t detail::crime_id_key(std::string_view text) {
    std::array<std::uint8_t, 32> bytes{};
    if (decode_crime_id(text, bytes)) return detail::leading_key(bytes);
    return std::hash<std::string_view>{}(text);
}

std::int32_t detail::latest_month(const map_snapshot& s, std::uint64_t key) {
    auto it = std::upper_bound(s.outcome_keys.begin(), s.outcome_keys.end(), key);
    if (it == s.outcome_keys.begin() || *(it - 1) != key) return 0;
    return month_of_number(s.outcome_months[static_cast<std::size_t>(it - s.outcome_keys.begin()) - 1]);
}

std::unordered_map<std::int64_t, std::int32_t> detail::load_store_parts(Database& db, map_snapshot& target) {
    auto* snapshot = &target;
    snapshot->neighbourhoods.clear();
    snapshot->forces.clear();
    snapshot->dataset_months.clear();
    snapshot->schemes.clear();
    snapshot->scheme_area_owner.clear();
    snapshot->scheme_points.clear();
    std::unordered_map<std::int64_t, std::int32_t> neighbourhood_of_key;
    {
        std::vector<geo::multi_polygon> shapes;
        Statement select(db, "SELECT force, id, coalesce(name, id), details, " + sql::wkb_of(db, "boundary") +
                                 ", key FROM neighbourhoods ORDER BY force, id");
        while (select.step()) {
            neighbourhood_of_key.emplace(select.column_int(5), static_cast<std::int32_t>(snapshot->neighbourhoods.size()));
            neighbourhood_info n{std::string(select.column_text(0)), std::string(select.column_text(1)),
                                 std::string(select.column_text(2)), nullptr, {}};
            if (!select.is_null(3)) n.details = nlohmann::json::parse(select.column_text(3), nullptr, false);
            if (n.details.is_discarded()) n.details = nullptr;
            geo::multi_polygon shape;
            if (!select.is_null(4)) shape = detail::multi_polygon_from_wkb(select.column_blob(4));
            if (!shape.empty()) n.outer.assign(shape.front().outer().begin(), shape.front().outer().end());
            snapshot->neighbourhoods.push_back(std::move(n));
            shapes.push_back(std::move(shape));
        }
        snapshot->neighbourhood_tiles = geo::polygon_tiles(shapes);
        snapshot->neighbourhood_index = geo::polygon_index(std::move(shapes));
    }
    {
        Statement select(db, "SELECT id, name, details FROM forces ORDER BY id");
        while (select.step()) {
            force_info f{std::string(select.column_text(0)), std::string(select.column_text(1)),
                         nlohmann::json::parse(select.column_text(2), nullptr, false)};
            if (f.details.is_discarded()) f.details = nlohmann::json{{"id", f.id}, {"name", f.name}};
            snapshot->forces.push_back(std::move(f));
        }
        // A force with data is listed whether or not a forces.json was imported (bulk
        // downloads carry none), under its known name.
        Statement with_data(db, "SELECT force FROM import_files UNION SELECT force FROM neighbourhoods ORDER BY 1");
        while (with_data.step()) {
            std::string id(with_data.column_text(0));
            auto at = std::lower_bound(snapshot->forces.begin(), snapshot->forces.end(), id,
                                       [](const force_info& f, const std::string& wanted) { return f.id < wanted; });
            if (at != snapshot->forces.end() && at->id == id) continue;
            const auto* known = find_known_force(id);
            std::string name = known ? std::string(known->name) : id;
            snapshot->forces.insert(at, force_info{id, name, nlohmann::json{{"id", id}, {"name", name}}});
        }
        // Months of street data, newest first, each with the forces that published stops.
        Statement months(db, "SELECT month, " + sql::comma_list(db, "CASE WHEN kind = 'stop-and-search' THEN force END", "force") +
                                 " FROM (SELECT DISTINCT month, kind, force FROM import_files ORDER BY force) sorted "
                                 "GROUP BY month HAVING count(*) FILTER (WHERE kind = 'street') > 0 ORDER BY month DESC");
        while (months.step()) {
            dataset_month m{static_cast<int>(months.column_int(0)), {}};
            auto list = months.column_text(1);
            while (!list.empty()) {
                auto comma = list.find(',');
                m.stop_and_search_forces.emplace_back(list.substr(0, comma));
                if (comma == std::string_view::npos) break;
                list.remove_prefix(comma + 1);
            }
            snapshot->dataset_months.push_back(std::move(m));
        }
        snapshot->last_updated = snapshot->dataset_months.empty() ? 0 : snapshot->dataset_months.front().month;
    }
    {
        std::vector<geo::multi_polygon> areas;
        std::vector<std::pair<geo::box, std::uint32_t>> boxes;
        Statement select(db, "SELECT id, name, status, " + sql::wkb_of(db, "area") +
                                 ", visibility FROM watch_schemes WHERE area IS NOT NULL ORDER BY id");
        while (select.step()) {
            auto index = static_cast<std::uint32_t>(snapshot->schemes.size());
            scheme_info scheme{std::string(select.column_text(0)), std::string(select.column_text(1)),
                               std::string(select.column_text(2)), {}, geo::lonlat(0, 0), std::string(select.column_text(4))};
            auto wkb = select.column_blob(3);
            if (auto point = detail::point_from_wkb(wkb)) {
                snapshot->scheme_points.emplace_back(geo::to_world(point->x(), point->y()), index);
                scheme.point = *point;
                boxes.emplace_back(geo::box(*point, *point), index);
            } else {
                scheme.area = detail::multi_polygon_from_wkb(wkb);
                areas.push_back(scheme.area);
                snapshot->scheme_area_owner.push_back(index);
                double west = 180, south = 90, east = -180, north = -90;
                for (const auto& polygon : scheme.area)
                    for (const auto& p : polygon.outer()) {
                        west = std::min(west, p.x());
                        east = std::max(east, p.x());
                        south = std::min(south, p.y());
                        north = std::max(north, p.y());
                    }
                geo::box box(geo::lonlat(west, south), geo::lonlat(east, north));
                scheme.point = geo::lonlat((box.min_corner().x() + box.max_corner().x()) / 2,
                                           (box.min_corner().y() + box.max_corner().y()) / 2);
                boxes.emplace_back(box, index);
            }
            snapshot->schemes.push_back(std::move(scheme));
        }
        snapshot->scheme_areas = geo::polygon_tiles(areas);
        snapshot->scheme_index = decltype(snapshot->scheme_index)(boxes.begin(), boxes.end());
    }
    detail::read_populations(*snapshot);
    return neighbourhood_of_key;
}

namespace {

// Each crime without a location, and each place, with its texts.
void attach_texts(map_snapshot& s) {
    s.unlocated.clear();
    s.unlocated.reserve(s.unlocated_rows.size());
    for (const auto& row : s.unlocated_rows)
        s.unlocated.push_back({row.record, s.texts[row.force], s.texts[row.persistent_id], s.texts[row.context]});
    s.places.clear();
    s.places.reserve(s.place_rows.size());
    for (const auto& row : s.place_rows)
        s.places.push_back({row.type, s.texts[row.name], s.texts[row.label], row.where, row.neighbourhood, row.crimes});
}

// Runs `executable index --index-file FILE` with the store in CRIMEMAP_DB (never on the command
// line, where a URI's password could be read by anyone) and waits for it.
void build_in_child(const std::string& executable, const std::string& store_path, const std::string& file) {
    std::vector<std::string> args{executable, "index", "--index-file", file};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string store_variable = "CRIMEMAP_DB=" + store_path;
    std::vector<char*> env;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "CRIMEMAP_DB=", 12) != 0) env.push_back(*e);
    env.push_back(store_variable.data());
    env.push_back(nullptr);
    pid_t child = 0;
    if (int error = posix_spawn(&child, executable.c_str(), nullptr, nullptr, argv.data(), env.data()); error != 0)
        throw std::runtime_error("cannot start " + executable + " index: " + std::strerror(error));
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error(std::string("waiting for the index builder: ") + std::strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(executable + " index of " + (pg::is_uri(store_path) ? pg::displayed(store_path) : store_path) + " failed (" +
                                 (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                    : "signal " + std::to_string(WTERMSIG(status))) +
                                 "; its messages are above)");
}

// An exclusive lock on a file beside the index file, held while one process builds it.
class build_lock {
public:
    explicit build_lock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ < 0) return;  // a folder we cannot write: the build's own write fails with the reason
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~build_lock() {
        if (fd_ >= 0) ::close(fd_);
    }
    build_lock(const build_lock&) = delete;
    build_lock& operator=(const build_lock&) = delete;

private:
    int fd_;
};

// A read transaction: the fingerprint, the store's parts and (when built here) the indexes
// all see one state of the store.
struct read_transaction {
    Database& db;
    explicit read_transaction(Database& d) : db(d) { db.exec("BEGIN"); }
    ~read_transaction() {
        try {
            db.exec("COMMIT");
        } catch (...) {
        }
    }
    read_transaction(const read_transaction&) = delete;
    read_transaction& operator=(const read_transaction&) = delete;
};

}  // namespace

std::string index_file_path(const std::string& store_path, const snapshot_options& options) {
    if (!options.index_path.empty()) return options.index_path;
    if (!pg::is_uri(store_path)) return store_path + ".index";
    // A store in PostgreSQL has no folder of its own: the user's cache, named after the database
    // (without its password), so replicas of one store on one machine share the file.
    const auto name = pg::without_password(store_path);
    std::uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
    std::filesystem::path folder;
    if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
        folder = cache;
    else if (const char* home = std::getenv("HOME"); home && *home)
        folder = std::filesystem::path(home) / ".cache";
    else
        folder = std::filesystem::temp_directory_path();
    folder /= "crimemap";
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return (folder / (std::string("postgresql-") + hex + ".index")).string();
}

namespace {

// Keeps the file just built in a store in PostgreSQL, for replicas on other machines. A copy
// that cannot be kept costs those replicas a build, not this one its index: logged, not thrown.
std::string keep_in_store(const std::string& store_path, const std::string& file,
                          const detail::index_fingerprint& fingerprint) {
    if (!pg::is_uri(store_path)) return {};
    try {
        return detail::store_index_file(store_path, file, fingerprint);
    } catch (const std::exception& error) {
        return std::string("no copy kept in the store: ") + error.what();
    }
}

}  // namespace

std::shared_ptr<const map_snapshot> load_snapshot(const std::string& store_path, const snapshot_options& options) {
    auto start = std::chrono::steady_clock::now();
    auto db = open_store_for_reading(store_path);
    std::optional<read_transaction> tx(std::in_place, db);
    const auto fingerprint = detail::read_fingerprint(db);
    const auto file = index_file_path(store_path, options);
    const bool in_postgresql = db.is_postgresql();
    std::string why_not;
    auto snapshot = detail::map_index_file(file, fingerprint, why_not);
    // A store in PostgreSQL may keep a copy of the file, built by a replica elsewhere: fetched
    // and mapped (which checks it) when there is one of the store's data now.
    std::string fetch_failed;
    auto fetch = [&]() -> std::shared_ptr<map_snapshot> {
        if (!in_postgresql) return nullptr;
        tx.emplace(db);
        const auto now = detail::read_fingerprint(db);
        tx.reset();
        try {
            std::string none;
            if (!detail::fetch_index_file(store_path, now, file, none)) {
                fetch_failed = none;
                return nullptr;
            }
        } catch (const std::exception& error) {
            fetch_failed = std::string("fetching the store's copy failed: ") + error.what();
            return nullptr;
        }
        tx.emplace(db);
        std::string unusable;
        auto fetched = detail::map_index_file(file, detail::read_fingerprint(db), unusable);
        tx.reset();
        if (!fetched) fetch_failed = "the store's copy cannot be used: " + unusable;
        return fetched;
    };
    if (snapshot) {
        snapshot->origin = "mapped " + file;
    } else if (!options.builder_executable.empty()) {
        // No read transaction open here while the child builds (minutes at national size):
        // it would hold back the store's checkpoints meanwhile.
        tx.reset();
        // Replicas of one store on one machine share the file: one builds it while the others
        // wait for the lock, then map what it built.
        build_lock lock(file + ".lock");
        tx.emplace(db);
        std::string again;
        snapshot = detail::map_index_file(file, detail::read_fingerprint(db), again);
        if (snapshot) {
            snapshot->origin = "mapped " + file + ", built meanwhile by another process";
        } else {
            tx.reset();
            snapshot = fetch();
            if (snapshot) {
                snapshot->origin = "fetched " + file + " from the store's copy (" + why_not + ")";
            } else {
                // Replicas on other machines too: one builds (and keeps a copy), the others wait, then fetch.
                std::optional<detail::store_build_lock> shared;
                if (in_postgresql) {
                    shared.emplace(store_path);
                    snapshot = fetch();
                }
                if (snapshot) {
                    snapshot->origin = "fetched " + file + " from the store's copy, kept meanwhile by another replica (" +
                                       why_not + ")";
                } else {
                    build_in_child(options.builder_executable, store_path, file);
                    tx.emplace(db);
                    snapshot = detail::map_index_file(file, detail::read_fingerprint(db), again);
                    if (!snapshot) throw std::runtime_error("the index file just built cannot be used: " + again);
                    snapshot->origin = "built " + file + " in a child process (" + why_not +
                                       (fetch_failed.empty() ? "" : "; " + fetch_failed) + ")";
                }
            }
        }
        if (!tx) tx.emplace(db);
    } else if ((snapshot = fetch())) {
        tx.emplace(db);
        snapshot->origin = "fetched " + file + " from the store's copy (" + why_not + ")";
    } else {
        if (!tx) tx.emplace(db);
        const auto now = detail::read_fingerprint(db);
        auto built = detail::build_snapshot(store_path, db);
        try {
            detail::write_index_file(file, *built, now);
            std::string again;
            snapshot = detail::map_index_file(file, now, again);
            if (!snapshot) throw std::runtime_error(again);
            snapshot->origin = "built " + file + " (" + why_not + (fetch_failed.empty() ? "" : "; " + fetch_failed) + ")";
            if (auto kept = keep_in_store(store_path, file, now); !kept.empty()) snapshot->origin += "; " + kept;
        } catch (const std::exception& error) {
            snapshot = std::move(built);
            snapshot->origin = std::string("built in memory, as the index file could not be written (") +
                               error.what() + "; " + why_not + ")";
        }
    }
    detail::load_store_parts(db, *snapshot);
    attach_texts(*snapshot);
    snapshot->data_version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
    snapshot->import_version = import_version(db);
    snapshot->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return snapshot;
}

built_index_file build_index_file(const std::string& store_path, const snapshot_options& options) {
    built_index_file out;
    {
        auto db = open_store_for_reading(store_path);
        read_transaction tx(db);
        const auto fingerprint = detail::read_fingerprint(db);
        auto built = detail::build_snapshot(store_path, db);
        out.path = index_file_path(store_path, options);
        detail::write_index_file(out.path, *built, fingerprint);
        built.reset();
        out.kept = keep_in_store(store_path, out.path, fingerprint);
    }
    return out;
}

std::uint32_t text_table_builder::add(std::string_view text) {
    chars_.insert(chars_.end(), text.begin(), text.end());
    ends_.push_back(chars_.size());
    return static_cast<std::uint32_t>(ends_.size() - 1);
}

text_table text_table_builder::finish() {
    text_table out;
    out.ends = std::move(ends_);
    out.chars = std::move(chars_);
    ends_ = {};
    chars_ = {};
    return out;
}

std::array<std::uint8_t, 32> map_snapshot::crime_pid(std::uint32_t index) const {
    if (pid_fd < 0) return crime_pids[index];
    std::array<std::uint8_t, 32> out{};
    auto offset = static_cast<off_t>(pid_offset + std::uint64_t{index} * sizeof out);
    if (::pread(pid_fd, out.data(), sizeof out, offset) != static_cast<ssize_t>(sizeof out))
        throw std::runtime_error(std::string("reading a Crime ID from the index file: ") + std::strerror(errno));
    return out;
}

std::vector<std::array<std::uint8_t, 32>> map_snapshot::crime_pids_of(const std::vector<std::uint32_t>& indexes) const {
    std::vector<std::array<std::uint8_t, 32>> out(indexes.size());
    if (pid_fd < 0) {
        for (std::size_t i = 0; i < indexes.size(); ++i) out[i] = crime_pids[indexes[i]];
        return out;
    }
    std::vector<std::uint32_t> order(indexes.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return indexes[a] < indexes[b]; });
    // Runs of crimes at most 64 apart are read whole: one call instead of one per crime.
    constexpr std::uint32_t gap = 64;
    std::vector<std::array<std::uint8_t, 32>> run;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i + 1;
        while (j < order.size() && indexes[order[j]] - indexes[order[j - 1]] <= gap) ++j;
        const std::uint32_t first = indexes[order[i]], last = indexes[order[j - 1]];
        run.resize(last - first + 1);
        const auto bytes = run.size() * sizeof run[0];
        auto offset = static_cast<off_t>(pid_offset + std::uint64_t{first} * sizeof run[0]);
        if (::pread(pid_fd, run.data(), bytes, offset) != static_cast<ssize_t>(bytes))
            throw std::runtime_error(std::string("reading Crime IDs from the index file: ") + std::strerror(errno));
        for (std::size_t k = i; k < j; ++k) out[order[k]] = run[indexes[order[k]] - first];
        i = j;
    }
    return out;
}

std::string_view map_snapshot::other_pid(std::uint32_t index) const {
    auto it = std::lower_bound(other_pids.begin(), other_pids.end(), index,
                               [](const crime_text& t, std::uint32_t i) { return t.crime < i; });
    return it != other_pids.end() && it->crime == index ? texts[it->text] : std::string_view();
}

std::string_view map_snapshot::context(std::uint32_t index) const {
    auto it = std::lower_bound(contexts.begin(), contexts.end(), index,
                               [](const crime_text& t, std::uint32_t i) { return t.crime < i; });
    return it != contexts.end() && it->crime == index ? texts[it->text] : std::string_view();
}

std::int32_t map_snapshot::outcome_month_of(std::string_view crime_id) const {
    if (crime_id.empty() || outcome_keys.empty()) return 0;
    return detail::latest_month(*this, detail::crime_id_key(crime_id));
}

std::int32_t map_snapshot::outcome_month(std::uint32_t index) const {
    auto number = crimes_by_location[index].outcome_month;
    return number ? month_of_number(number) : 0;
}

std::pair<std::size_t, std::size_t> map_snapshot::outcomes_of(std::string_view crime_id) const {
    if (crime_id.empty()) return {0, 0};
    auto range = std::equal_range(outcome_keys.begin(), outcome_keys.end(), detail::crime_id_key(crime_id));
    return {static_cast<std::size_t>(range.first - outcome_keys.begin()),
            static_cast<std::size_t>(range.second - outcome_keys.begin())};
}

std::optional<std::uint32_t> map_snapshot::find_crime(std::string_view crime_id) const {
    std::array<std::uint8_t, 32> bytes{};
    if (decode_crime_id(crime_id, bytes)) {
        auto it = std::lower_bound(crimes_by_pid.begin(), crimes_by_pid.end(), bytes,
                                   [&](std::uint32_t index, const auto& key) { return crime_pid(index) < key; });
        if (it != crimes_by_pid.end() && crime_pid(*it) == bytes) return *it;
        return std::nullopt;
    }
    for (const auto& t : other_pids)
        if (texts[t.text] == crime_id) return t.crime;
    return std::nullopt;
}

std::optional<std::uint32_t> map_snapshot::crime_with_key(std::uint64_t key) const {
    auto it = std::lower_bound(crimes_by_pid.begin(), crimes_by_pid.end(), key,
                               [&](std::uint32_t index, std::uint64_t k) { return detail::leading_key(crime_pid(index)) < k; });
    if (it != crimes_by_pid.end() && detail::leading_key(crime_pid(*it)) == key) return *it;
    for (const auto& t : other_pids)
        if (std::hash<std::string_view>{}(texts[t.text]) == key) return t.crime;
    return std::nullopt;
}

std::uint32_t map_snapshot::location_of_crime(std::uint32_t index) const {
    auto it = std::upper_bound(crime_first.begin(), crime_first.end(), index);
    return static_cast<std::uint32_t>(it - crime_first.begin()) - 1;
}

}  // namespace crimemap::data
