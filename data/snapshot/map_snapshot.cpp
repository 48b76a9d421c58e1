#include "data/snapshot/map_snapshot.hpp"

#include "data/vocabulary/crime_id.hpp"
#include "data/vocabulary/forces.hpp"

#include "data/snapshot/snapshot_parts.hpp"
#include "data/import/wkb.hpp"
#include "data/vocabulary/months.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "data/store/store.hpp"

#include "data/snapshot/snapshot_file.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <optional>
#include <numeric>
#include <tuple>
#include <map>
#include <unordered_map>

namespace crimemap::data {

namespace {

// crime_types.id → category index, and the category list sorted by slug.
std::vector<std::int32_t> load_categories(Database& db, std::vector<category_info>& categories) {
    std::map<std::string, std::string> names;  // slug → label (highest id wins: the newest label)
    std::vector<std::pair<std::int64_t, std::string>> types;
    Statement select(db, "SELECT id, label, slug FROM crime_types ORDER BY id");
    while (select.step()) {
        names[std::string(select.column_text(2))] = std::string(select.column_text(1));
        types.emplace_back(select.column_int(0), std::string(select.column_text(2)));
    }
    if (names.size() > geo::max_categories)
        throw std::runtime_error("the store has " + std::to_string(names.size()) + " crime categories; at most " +
                                 std::to_string(geo::max_categories) + " can be mapped");
    for (auto& [slug, name] : names) categories.push_back({slug, name});
    std::vector<std::int32_t> by_type;
    for (const auto& [id, slug] : types) {
        if (by_type.size() <= static_cast<std::size_t>(id)) by_type.resize(static_cast<std::size_t>(id) + 1, -1);
        auto it = std::find_if(categories.begin(), categories.end(), [&](const auto& c) { return c.slug == slug; });
        by_type[static_cast<std::size_t>(id)] = static_cast<std::int32_t>(it - categories.begin());
    }
    return by_type;
}

std::uint64_t leading_key(const std::array<std::uint8_t, 32>& bytes) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < 8; ++i) key = key << 8 | bytes[i];
    return key;
}

// The key outcomes and crimes are matched by: the Crime ID's first 8 bytes (they are
// SHA-256 digests, so these are uniform), or a string hash for other IDs.
std::uint64_t crime_id_key(std::string_view text) {
    std::array<std::uint8_t, 32> bytes{};
    if (decode_crime_id(text, bytes)) return leading_key(bytes);
    return std::hash<std::string_view>{}(text);
}

// The same of a Crime ID column, without writing the digits of one stored as its bytes.
std::uint64_t stored_crime_id_key(const Statement& st, int column, std::string& scratch) {
    if (st.is_blob(column) && st.column_blob(column).size() == 32) {
        std::array<std::uint8_t, 32> bytes;
        std::memcpy(bytes.data(), st.column_blob(column).data(), 32);
        return leading_key(bytes);
    }
    return crime_id_key(crime_id_column(st, column, scratch));
}

// The load reads whole tables once: mapping the file saves copying every page through read().
void map_for_scanning(Database& db) { db.exec("PRAGMA mmap_size=68719476736"); }

// Every outcomes-file row with a Crime ID, sorted by key and month.
struct outcome_rows {
    std::vector<std::uint64_t> keys;
    std::vector<std::uint16_t> months;  // month_number
    std::vector<std::uint16_t> types;
    std::vector<std::uint32_t> by_place, place_locations;
};

// Read on its own connection and thread while the crimes load.
outcome_rows load_outcome_rows(const std::string& store_path) {
    auto db = open_store_for_reading(store_path, false);
    map_for_scanning(db);
    struct row {
        std::uint64_t key;
        std::int32_t month;
        std::uint16_t type;
        std::int64_t location;
    };
    std::vector<row> rows;
    rows.reserve(static_cast<std::size_t>(db.query_int("SELECT max(id) FROM outcomes", 0)));  // growing costs page faults
    Statement select(db, "SELECT persistent_id, month, outcome_type, location FROM outcomes "
                         "WHERE persistent_id IS NOT NULL");
    std::string scratch;
    while (select.step())
        rows.push_back({stored_crime_id_key(select, 0, scratch), static_cast<std::int32_t>(select.column_int(1)),
                        static_cast<std::uint16_t>(select.is_null(2) ? 0 : select.column_int(2)),
                        select.is_null(3) ? -1 : select.column_int(3)});
    // Stable: rows of one crime in one month keep the order they were published in.
    std::stable_sort(rows.begin(), rows.end(), [](const row& a, const row& b) {
        return a.key != b.key ? a.key < b.key : a.month < b.month;
    });
    outcome_rows out;
    out.keys.reserve(rows.size());
    out.months.reserve(rows.size());
    out.types.reserve(rows.size());
    std::vector<std::int64_t> locations;
    locations.reserve(rows.size());
    for (const auto& r : rows) {
        out.keys.push_back(r.key);
        out.months.push_back(month_number(r.month));
        out.types.push_back(r.type);
        locations.push_back(r.location);
    }
    rows = {};
    detail::index_outcome_places(out.months, locations, out.by_place, out.place_locations);
    return out;
}

std::int32_t latest_month(const map_snapshot& s, std::uint64_t key) {
    auto it = std::upper_bound(s.outcome_keys.begin(), s.outcome_keys.end(), key);
    if (it == s.outcome_keys.begin() || *(it - 1) != key) return 0;
    return month_of_number(s.outcome_months[static_cast<std::size_t>(it - s.outcome_keys.begin()) - 1]);
}

// Sets each crime's outcome_month: a merge of the crimes in Crime ID order with the outcome
// rows in key order, so no crime needs a search.
void mark_outcome_months(map_snapshot& s, const std::vector<std::pair<std::uint32_t, std::string>>& other_pids) {
    auto& crimes = s.crimes_by_location.build();
    const auto& keys = s.outcome_keys;
    std::size_t row = 0;
    for (auto index : s.crimes_by_pid) {
        auto key = leading_key(s.crime_pids[index]);
        while (row < keys.size() && keys[row] < key) ++row;
        if (row == keys.size()) break;
        if (keys[row] != key) continue;
        auto last = row;
        while (last + 1 < keys.size() && keys[last + 1] == key) ++last;
        crimes[index].outcome_month = s.outcome_months[last];
    }
    for (const auto& [index, text] : other_pids)
        if (auto month = latest_month(s, std::hash<std::string_view>{}(text)))
            crimes[index].outcome_month = month_number(month);
}

// Neighbourhoods (with their boundaries' tiles and index), forces, the months of data and the
// Watch schemes: small, and edited through the app, so read from the store at every load.
// Returns neighbourhoods.key → index into snapshot.neighbourhoods.
std::unordered_map<std::int64_t, std::int32_t> load_store_parts(Database& db, map_snapshot& snapshot);

}  // namespace

namespace {

// Every index, built from the store (in the caller's read transaction on `db`), its arrays owned.
//
// Three tasks run beside this thread. They are race-free because each writes members that
// nothing else touches until it is joined, and reads only members finished before it starts:
// - outcome rows (load_outcome_rows, its own connection): writes nothing of the snapshot; its
//   result is taken by the Crime ID task.
// - stops (its own connection), from after the locations until just before the streets:
//   reads location_ids and location_positions (complete by then), writes only `stops`.
// - Crime IDs and outcome months, during the pyramid build: reads crimes_by_location and
//   crime_pids (complete by then) and writes crimes_by_pid, the outcome_* members and each
//   crime's outcome_month, while this thread writes only crime_tiles; joined before
//   load_store_parts, which reads none of them.
std::shared_ptr<map_snapshot> build_snapshot(const std::string& store_path, Database& db) {
    map_for_scanning(db);
    auto outcome_rows_future = std::async(std::launch::async, load_outcome_rows, store_path);
    auto snapshot = std::make_shared<map_snapshot>();
    snapshot->data_version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
    text_table_builder texts;
    texts.add("");
    std::vector<std::string> street_names;
    auto& location_ids = snapshot->location_ids.build();
    auto& location_streets = snapshot->location_streets.build();
    auto& location_positions = snapshot->location_positions.build();
    std::vector<unlocated_crime> unlocated;
    std::vector<std::string> unlocated_strings;  // force, persistent_id, context of each, in turn

    auto category_of_type = load_categories(db, snapshot->categories);
    snapshot->outcome_labels.assign(1, std::string());
    {
        Statement select(db, "SELECT id, label FROM outcome_types");
        while (select.step()) {
            auto id = static_cast<std::size_t>(select.column_int(0));
            if (snapshot->outcome_labels.size() <= id) snapshot->outcome_labels.resize(id + 1);
            snapshot->outcome_labels[id] = std::string(select.column_text(1));
        }
    }
    std::vector<std::uint8_t> group_of_type;  // outcome_types.id → outcome group; 0 (no outcome) too
    for (const auto& label : snapshot->outcome_labels) group_of_type.push_back(outcome_group_of(label));
    snapshot->outcome_label_groups = group_of_type;

    // All locations by id (ids are dense row ids); only those with crimes are kept.
    // A location row's pyramid index before it has one: in the store but no crime has used
    // it yet (no_crime_yet), or a hole in the ids that no row fills (not_in_store).
    static constexpr std::int32_t no_crime_yet = -1, not_in_store = -2;
    struct location_row {
        double longitude, latitude;
        std::uint32_t street;
        std::int32_t index = no_crime_yet;  // pyramid location index once a crime uses it
        std::int64_t neighbourhood = -1;  // neighbourhoods.key
    };
    std::vector<location_row> by_id;
    std::unordered_map<std::string, std::uint32_t> street_index;
    {
        Statement select(db, "SELECT id, longitude, latitude, street, neighbourhood FROM locations");
        while (select.step()) {
            auto id = static_cast<std::size_t>(select.column_int(0));
            if (by_id.size() <= id) by_id.resize(id + 1, {0, 0, 0, not_in_store});
            auto street = select.column_text(3);
            auto [it, inserted] = street_index.try_emplace(std::string(street), 0);
            if (inserted) {
                it->second = static_cast<std::uint32_t>(street_names.size());
                street_names.emplace_back(street);
            }
            by_id[id] = {select.column_double(1), select.column_double(2), it->second, -1,
                         select.is_null(4) ? -1 : select.column_int(4)};
        }
    }

    std::vector<geo::world_point> points;
    std::vector<geo::crime_entry> entries;
    std::vector<crime_record> records;  // parallel to entries until sorted by location
    std::vector<std::array<std::uint8_t, 32>> pids;
    {
        // Sized once: growing 18 million-element arrays by doubling costs more in page faults
        // and copies than the reading itself.
        auto most = static_cast<std::size_t>(db.query_int("SELECT max(id) FROM crimes", 0));
        entries.reserve(most);
        records.reserve(most);
        pids.reserve(most);
    }
    std::vector<std::pair<std::uint32_t, std::string>> other_pids, contexts;  // by entry index
    std::vector<std::int64_t> location_lsoa, location_neighbourhood_key;  // by pyramid location index
    std::vector<unlocated_row> unlocated_order;  // in id order; texts in unlocated_strings
    std::vector<std::int32_t> month_slot(12 * 10000, -1);  // YYYYMM → month index, filled below
    std::vector<int> months_seen;
    {
        std::unordered_map<std::int64_t, std::string> force_of_file;
        // import_files.id → index into street_forces, for the box of each force's crimes.
        std::vector<std::int32_t> street_force_of_file;
        std::vector<bool> force_has_box;
        {
            Statement files(db, "SELECT id, force, month FROM import_files WHERE kind = 'street' ORDER BY force");
            auto& forces = snapshot->street_forces;
            while (files.step()) {
                auto id = files.column_int(0);
                std::string force(files.column_text(1));
                auto month = static_cast<int>(files.column_int(2));
                if (forces.empty() || forces.back().force != force)
                    forces.push_back({force, month, geo::box(geo::lonlat(0, 0), geo::lonlat(0, 0))});
                forces.back().last_month = std::max(forces.back().last_month, month);
                if (id >= 0 && id < (std::int64_t{1} << 24)) {
                    if (static_cast<std::size_t>(id) >= street_force_of_file.size())
                        street_force_of_file.resize(static_cast<std::size_t>(id) + 1, -1);
                    street_force_of_file[static_cast<std::size_t>(id)] = static_cast<std::int32_t>(forces.size() - 1);
                }
                force_of_file.emplace(id, std::move(force));
            }
            force_has_box.assign(forces.size(), false);
        }
        Statement select(db, "SELECT location, month, crime_type, last_outcome, id, persistent_id, context, file, lsoa "
                             "FROM crimes");
        std::string scratch;
        while (select.step()) {
            auto month = static_cast<int>(select.column_int(1));
            std::size_t slot = static_cast<std::size_t>(month / 100 * 12 + month % 100 - 1) % month_slot.size();
            if (month_slot[slot] < 0) {
                month_slot[slot] = static_cast<std::int32_t>(months_seen.size());
                months_seen.push_back(month);
            }
            if (select.is_null(0)) {
                ++snapshot->crimes_without_location;
                unlocated_row crime;
                crime.record.id = select.column_int(4);
                crime.record.month = static_cast<std::uint16_t>(month_slot[slot]);
                auto type = static_cast<std::size_t>(select.column_int(2));
                crime.record.category =
                    static_cast<std::uint8_t>(type < category_of_type.size() ? category_of_type[type] : 0);
                crime.record.outcome = select.is_null(3) ? 0 : static_cast<std::uint16_t>(select.column_int(3));
                crime.record.pid_kind = select.is_null(5) ? crime_id_kind::none : crime_id_kind::text;
                auto file = force_of_file.find(select.column_int(7));
                unlocated_strings.emplace_back(file == force_of_file.end() ? std::string() : file->second);
                unlocated_strings.emplace_back(crime_id_column(select, 5, scratch));
                unlocated_strings.emplace_back(select.is_null(6) ? std::string() : std::string(select.column_text(6)));
                unlocated_order.push_back(crime);
                continue;
            }
            auto id = static_cast<std::size_t>(select.column_int(0));
            if (id >= by_id.size() || by_id[id].index == not_in_store) continue;  // a dangling reference: not on the map
            auto& location = by_id[id];
            if (location.index == no_crime_yet) {
                location.index = static_cast<std::int32_t>(points.size());
                points.push_back(geo::to_world(location.longitude, location.latitude));
                location_ids.push_back(static_cast<std::int64_t>(id));
                location_streets.push_back(location.street);
                location_positions.emplace_back(location.longitude, location.latitude);
                location_lsoa.push_back(-1);
                location_neighbourhood_key.push_back(location.neighbourhood);
            }
            if (auto file = static_cast<std::size_t>(select.column_int(7)); file < street_force_of_file.size()) {
                if (auto f = street_force_of_file[file]; f >= 0) {
                    auto& box = snapshot->street_forces[static_cast<std::size_t>(f)].bounds;
                    geo::lonlat point(location.longitude, location.latitude);
                    if (!force_has_box[static_cast<std::size_t>(f)]) {
                        box = geo::box(point, point);
                        force_has_box[static_cast<std::size_t>(f)] = true;
                    } else {
                        boost::geometry::expand(box, point);
                    }
                }
            }
            if (location_lsoa[static_cast<std::size_t>(location.index)] < 0 && !select.is_null(8))
                location_lsoa[static_cast<std::size_t>(location.index)] = select.column_int(8);
            auto type = static_cast<std::size_t>(select.column_int(2));
            auto outcome = select.is_null(3) ? 0u : static_cast<std::size_t>(select.column_int(3));
            auto category = static_cast<std::uint8_t>(type < category_of_type.size() ? category_of_type[type] : 0);
            entries.push_back({static_cast<std::uint32_t>(location.index), static_cast<std::uint16_t>(month_slot[slot]),
                               category,
                               outcome < group_of_type.size() ? group_of_type[outcome] : unknown_outcome_group()});
            crime_record record;
            record.id = select.column_int(4);
            record.month = static_cast<std::uint16_t>(month_slot[slot]);
            record.category = category;
            record.outcome = static_cast<std::uint16_t>(outcome);
            auto index = static_cast<std::uint32_t>(records.size());
            pids.emplace_back();
            if (select.is_blob(5) && select.column_blob(5).size() == 32) {
                std::memcpy(pids.back().data(), select.column_blob(5).data(), 32);
                record.pid_kind = crime_id_kind::packed;
            } else if (!select.is_null(5)) {
                auto pid = crime_id_column(select, 5, scratch);
                if (decode_crime_id(pid, pids.back())) {
                    record.pid_kind = crime_id_kind::packed;
                } else {
                    record.pid_kind = crime_id_kind::text;
                    other_pids.emplace_back(index, std::string(pid));
                }
            }
            if (!select.is_null(6) && !select.column_text(6).empty())
                contexts.emplace_back(index, std::string(select.column_text(6)));
            records.push_back(record);
        }
    }
    // Month indexes in ascending month order.
    std::vector<int> sorted = months_seen;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint16_t> remap(months_seen.size());
    for (std::size_t i = 0; i < months_seen.size(); ++i)
        remap[i] = static_cast<std::uint16_t>(std::lower_bound(sorted.begin(), sorted.end(), months_seen[i]) - sorted.begin());
    for (auto& e : entries) e.month = remap[e.month];
    for (auto& r : records) r.month = remap[r.month];
    for (auto& u : unlocated_order) u.record.month = remap[u.record.month];
    {
        std::vector<std::uint32_t> order(unlocated_order.size());
        std::iota(order.begin(), order.end(), 0u);
        auto force = [&](std::uint32_t i) -> const std::string& { return unlocated_strings[3 * std::size_t{i}]; };
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            const auto &x = unlocated_order[a].record, &y = unlocated_order[b].record;
            return std::tie(force(a), x.month, x.id) < std::tie(force(b), y.month, y.id);
        });
        std::map<std::string, std::uint32_t> force_texts;  // a few forces, many crimes
        auto& rows = snapshot->unlocated_rows.build();
        rows.reserve(order.size());
        for (auto i : order) {
            auto row = unlocated_order[i];
            auto [it, added] = force_texts.try_emplace(force(i), 0);
            if (added) it->second = texts.add(force(i));
            row.force = it->second;
            const auto& pid = unlocated_strings[3 * std::size_t{i} + 1];
            const auto& context = unlocated_strings[3 * std::size_t{i} + 2];
            row.persistent_id = pid.empty() ? 0 : texts.add(pid);
            row.context = context.empty() ? 0 : texts.add(context);
            rows.push_back(row);
        }
        unlocated_order = {};
        unlocated_strings = {};
    }
    snapshot->months = std::move(sorted);
    snapshot->categories_by_month.assign(snapshot->months.size(), 0);
    for (const auto& e : entries) snapshot->categories_by_month[e.month] |= std::uint64_t{1} << e.category;
    snapshot->crimes = entries.size();

    if (!points.empty()) {
        double west = 180, south = 90, east = -180, north = -90;
        for (const auto& row : by_id) {
            if (row.index < 0) continue;
            west = std::min(west, row.longitude);
            east = std::max(east, row.longitude);
            south = std::min(south, row.latitude);
            north = std::max(north, row.latitude);
        }
        snapshot->bounds = geo::box(geo::lonlat(west, south), geo::lonlat(east, north));
    }
    {
        auto& index_by_id = snapshot->location_index_by_id.build();
        index_by_id.assign(by_id.size(), -1);
        for (std::size_t id = 0; id < by_id.size(); ++id)
            if (by_id[id].index >= 0) index_by_id[id] = by_id[id].index;
    }
    by_id = {};

    // Stop and search positions, on their own connection while the crimes are indexed.
    auto stops = std::async(std::launch::async, [&] {
        auto stops_db = open_store_for_reading(store_path, false);
        detail::load_stop_entries(stops_db, *snapshot);
    });
    // Crimes grouped by location, then by month: two stable counting sorts, by month and then
    // by location. They were read in id order, so each month's crimes stay in id order too.
    {
        const std::size_t n = points.size();
        std::vector<std::uint32_t> month_first(snapshot->months.size() + 1, 0);
        for (const auto& r : records) ++month_first[r.month + 1u];
        std::partial_sum(month_first.begin(), month_first.end(), month_first.begin());
        std::vector<std::uint32_t> by_month(records.size());
        for (std::uint32_t i = 0; i < records.size(); ++i) by_month[month_first[records[i].month]++] = i;
        std::vector<std::uint32_t> first(n + 1, 0);
        for (const auto& e : entries) ++first[e.location + 1];
        std::partial_sum(first.begin(), first.end(), first.begin());
        std::vector<std::uint32_t> order(records.size()), cursor(first.begin(), first.end() - 1);
        for (auto i : by_month) order[cursor[entries[i].location]++] = i;
        by_month = {};
        std::vector<std::uint32_t> position(records.size());
        auto& crimes = snapshot->crimes_by_location.build();
        auto& crime_pids = snapshot->crime_pids.build();
        crimes.reserve(records.size());
        crime_pids.reserve(records.size());
        for (std::uint32_t k = 0; k < order.size(); ++k) {
            position[order[k]] = k;
            crimes.push_back(records[order[k]]);
            crime_pids.push_back(pids[order[k]]);
        }
        for (auto& [index, text] : other_pids) index = position[index];
        for (auto& [index, text] : contexts) index = position[index];
        std::sort(other_pids.begin(), other_pids.end());
        std::sort(contexts.begin(), contexts.end());
        auto& other = snapshot->other_pids.build();
        for (const auto& [index, text] : other_pids) other.push_back({index, texts.add(text)});
        auto& with_context = snapshot->contexts.build();
        for (const auto& [index, text] : contexts) with_context.push_back({index, texts.add(text)});
        contexts = {};
        snapshot->crime_first = std::move(first);
    }
    records = {};
    pids = {};
    // Beside the pyramid build: the Crime ID index, then each crime's latest outcome month.
    auto pid_index = std::async(std::launch::async, [&] {
        detail::index_crime_ids(*snapshot);
        auto outcomes = outcome_rows_future.get();
        snapshot->outcome_keys = std::move(outcomes.keys);
        snapshot->outcome_months = std::move(outcomes.months);
        snapshot->outcome_types = std::move(outcomes.types);
        snapshot->outcomes_by_place = std::move(outcomes.by_place);
        snapshot->outcome_place_locations = std::move(outcomes.place_locations);
        mark_outcome_months(*snapshot, other_pids);
    });
    snapshot->crime_tiles = geo::crime_pyramid(points, std::move(entries));
    pid_index.get();

    auto neighbourhood_of_key = load_store_parts(db, *snapshot);
    {
        auto& location_neighbourhood = snapshot->location_neighbourhood.build();
        location_neighbourhood.reserve(location_neighbourhood_key.size());
        for (auto key : location_neighbourhood_key) {
            auto found = neighbourhood_of_key.find(key);
            location_neighbourhood.push_back(found == neighbourhood_of_key.end() ? -1 : found->second);
        }
    }
    detail::tally_neighbourhoods(*snapshot);
    stops.get();
    {
        text_table_builder streets;
        for (const auto& name : street_names) streets.add(name);
        snapshot->streets = streets.finish();
    }
    detail::build_places(db, *snapshot, location_lsoa, texts);
    snapshot->texts = texts.finish();
    return snapshot;
}

std::unordered_map<std::int64_t, std::int32_t> load_store_parts(Database& db, map_snapshot& target) {
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
        Statement select(db, "SELECT force, id, coalesce(name, id), details, AsBinary(boundary), key "
                             "FROM neighbourhoods ORDER BY force, id");
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
        Statement months(db, "SELECT month, group_concat(CASE WHEN kind = 'stop-and-search' THEN force END, ',') "
                             "FROM (SELECT DISTINCT month, kind, force FROM import_files ORDER BY force) "
                             "GROUP BY month HAVING sum(kind = 'street') > 0 ORDER BY month DESC");
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
        Statement select(db, "SELECT id, name, status, AsBinary(area), visibility FROM watch_schemes "
                             "WHERE area IS NOT NULL ORDER BY id");
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

// Runs `executable index --db STORE --index-file FILE` and waits for it.
void build_in_child(const std::string& executable, const std::string& store_path, const std::string& file) {
    std::vector<std::string> args{executable, "index", "--db", store_path, "--index-file", file};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    if (int error = posix_spawn(&child, executable.c_str(), nullptr, nullptr, argv.data(), environ); error != 0)
        throw std::runtime_error("cannot start " + executable + " index: " + std::strerror(error));
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error(std::string("waiting for the index builder: ") + std::strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(executable + " index --db " + store_path + " failed (" +
                                 (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                    : "signal " + std::to_string(WTERMSIG(status))) +
                                 "; its messages are above)");
}

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
    return options.index_path.empty() ? store_path + ".index" : options.index_path;
}

std::shared_ptr<const map_snapshot> load_snapshot(const std::string& store_path, const snapshot_options& options) {
    auto start = std::chrono::steady_clock::now();
    auto db = open_store_for_reading(store_path);
    std::optional<read_transaction> tx(std::in_place, db);
    const auto fingerprint = detail::read_fingerprint(db);
    const auto file = index_file_path(store_path, options);
    std::string why_not;
    auto snapshot = detail::map_index_file(file, fingerprint, why_not);
    if (snapshot) {
        snapshot->origin = "mapped " + file;
    } else if (!options.builder_executable.empty()) {
        // No read transaction open here while the child builds (minutes at national size):
        // it would hold back the store's checkpoints meanwhile.
        tx.reset();
        build_in_child(options.builder_executable, store_path, file);
        tx.emplace(db);
        std::string again;
        snapshot = detail::map_index_file(file, detail::read_fingerprint(db), again);
        if (!snapshot) throw std::runtime_error("the index file just built cannot be used: " + again);
        snapshot->origin = "built " + file + " in a child process (" + why_not + ")";
    } else {
        auto built = build_snapshot(store_path, db);
        try {
            detail::write_index_file(file, *built, fingerprint);
            std::string again;
            snapshot = detail::map_index_file(file, fingerprint, again);
            if (!snapshot) throw std::runtime_error(again);
            snapshot->origin = "built " + file + " (" + why_not + ")";
        } catch (const std::exception& error) {
            snapshot = std::move(built);
            snapshot->origin = std::string("built in memory, as the index file could not be written (") +
                               error.what() + "; " + why_not + ")";
        }
    }
    load_store_parts(db, *snapshot);
    attach_texts(*snapshot);
    snapshot->data_version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
    snapshot->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return snapshot;
}

std::string build_index_file(const std::string& store_path, const snapshot_options& options) {
    auto db = open_store_for_reading(store_path);
    read_transaction tx(db);
    const auto fingerprint = detail::read_fingerprint(db);
    auto built = build_snapshot(store_path, db);
    const auto file = index_file_path(store_path, options);
    detail::write_index_file(file, *built, fingerprint);
    return file;
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
    return latest_month(*this, crime_id_key(crime_id));
}

std::int32_t map_snapshot::outcome_month(std::uint32_t index) const {
    auto number = crimes_by_location[index].outcome_month;
    return number ? month_of_number(number) : 0;
}

std::pair<std::size_t, std::size_t> map_snapshot::outcomes_of(std::string_view crime_id) const {
    if (crime_id.empty()) return {0, 0};
    auto range = std::equal_range(outcome_keys.begin(), outcome_keys.end(), crime_id_key(crime_id));
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
                               [&](std::uint32_t index, std::uint64_t k) { return leading_key(crime_pid(index)) < k; });
    if (it != crimes_by_pid.end() && leading_key(crime_pid(*it)) == key) return *it;
    for (const auto& t : other_pids)
        if (std::hash<std::string_view>{}(texts[t.text]) == key) return t.crime;
    return std::nullopt;
}

std::uint32_t map_snapshot::location_of_crime(std::uint32_t index) const {
    auto it = std::upper_bound(crime_first.begin(), crime_first.end(), index);
    return static_cast<std::uint32_t>(it - crime_first.begin()) - 1;
}

}  // namespace crimemap::data
