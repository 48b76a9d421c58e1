// Building a map_snapshot's arrays from the store: one pass over `locations` and `crimes`,
// then the sorts and indexes, in the named steps of snapshot_builder. load_snapshot
// (map_snapshot.cpp) calls it when there is no index file of the store's data to map.

#include "data/snapshot/snapshot_parts.hpp"

#include "data/store/store.hpp"
#include "data/vocabulary/crime_id.hpp"
#include "data/vocabulary/months.hpp"
#include "data/vocabulary/outcome_groups.hpp"

#include <algorithm>
#include <cstring>
#include <future>
#include <map>
#include <numeric>
#include <stdexcept>
#include <tuple>
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

// The same of a Crime ID column, without writing the digits of one stored as its bytes.
std::uint64_t stored_crime_id_key(const Statement& st, int column, std::string& scratch) {
    if (st.is_blob(column) && st.column_blob(column).size() == 32) {
        std::array<std::uint8_t, 32> bytes;
        std::memcpy(bytes.data(), st.column_blob(column).data(), 32);
        return detail::leading_key(bytes);
    }
    return detail::crime_id_key(crime_id_column(st, column, scratch));
}

// The load reads whole tables once: mapping the file saves copying every page through read().
void map_for_scanning(Database& db) {
    if (!db.is_postgresql()) db.exec("PRAGMA mmap_size=68719476736");
}

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
    select.stream_rows();
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

// Sets each crime's outcome_month: a merge of the crimes in Crime ID order with the outcome
// rows in key order, so no crime needs a search.
void mark_outcome_months(map_snapshot& s, const std::vector<std::pair<std::uint32_t, std::string>>& other_pids) {
    auto& crimes = s.crimes_by_location.build();
    const auto& keys = s.outcome_keys;
    std::size_t row = 0;
    for (auto index : s.crimes_by_pid) {
        auto key = detail::leading_key(s.crime_pids[index]);
        while (row < keys.size() && keys[row] < key) ++row;
        if (row == keys.size()) break;
        if (keys[row] != key) continue;
        auto last = row;
        while (last + 1 < keys.size() && keys[last + 1] == key) ++last;
        crimes[index].outcome_month = s.outcome_months[last];
    }
    for (const auto& [index, text] : other_pids)
        if (auto month = detail::latest_month(s, std::hash<std::string_view>{}(text)))
            crimes[index].outcome_month = month_number(month);
}

// Months are numbered as they are first seen through a table of slots, one for each month of
// the years 0 to 9999 (12 × 10,000); a YYYYMM's slot is its months since January of year 0.
constexpr std::size_t month_slots = 12 * 10000;
std::size_t month_slot_of(int yyyymm) {
    return static_cast<std::size_t>(yyyymm / 100 * 12 + yyyymm % 100 - 1) % month_slots;
}

// One build: what the steps hand on to each other, each part dropped once it is used up.
//
// Three tasks run beside the calling thread (build). They are race-free because each writes
// members that nothing else touches until it is joined, and reads only members finished
// before it starts:
// - outcome rows (load_outcome_rows, its own connection): writes nothing of the snapshot; its
//   result is taken by the Crime ID task.
// - stops (its own connection), from after index_locations until just before finish: reads
//   location_ids and location_positions (complete by then), writes only `stops`.
// - Crime IDs and outcome months, during the pyramid build: reads crimes_by_location and
//   crime_pids (complete after group_by_location) and writes crimes_by_pid, the outcome_*
//   members and each crime's outcome_month, while the calling thread writes only crime_tiles;
//   joined before attach_neighbourhoods, which reads none of them.
struct snapshot_builder {
    snapshot_builder(const std::string& path, Database& store) : store_path(path), db(store) {}

    const std::string& store_path;
    Database& db;  ///< in the caller's read transaction
    std::shared_ptr<map_snapshot> snapshot = std::make_shared<map_snapshot>();
    text_table_builder texts;
    std::vector<std::string> street_names;
    std::vector<std::int32_t> category_of_type;  // crime_types.id → category index
    std::vector<std::uint8_t> group_of_type;     // outcome_types.id → outcome group; 0 (no outcome) too

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

    std::vector<geo::world_point> points;
    std::vector<geo::crime_entry> entries;
    std::vector<crime_record> records;  // parallel to entries until sorted by location
    std::vector<std::array<std::uint8_t, 32>> pids;
    std::vector<std::pair<std::uint32_t, std::string>> other_pids, contexts;  // by entry index
    std::vector<std::int64_t> location_lsoa, location_neighbourhood_key;  // by pyramid location index
    std::vector<unlocated_row> unlocated_order;  // in id order; texts in unlocated_strings
    std::vector<std::string> unlocated_strings;  // force, persistent_id, context of each, in turn
    std::vector<std::int32_t> month_slot = std::vector<std::int32_t>(month_slots, -1);  // slot → month index
    std::vector<int> months_seen;  // by month index, in the order first seen

    std::shared_ptr<map_snapshot> build();

    void read_vocabulary();       // categories, outcome labels and their groups
    void read_locations();        // every location row by id, its street interned
    void reserve_crimes();        // the crime arrays sized once
    void read_crimes();           // each crime: a located one onto its map location, the others aside
    void number_months();         // month indexes in ascending month order
    void sort_unlocated();        // the crimes without a location, by force, month and id
    void index_locations();       // the map's bounds and each location id's pyramid index
    void group_by_location();     // crimes_by_location: by map location, then month, then id
    void attach_neighbourhoods(); // the store's small parts, each location's neighbourhood, the tallies
    void finish();                // streets, places and the text table
};

std::shared_ptr<map_snapshot> snapshot_builder::build() {
    map_for_scanning(db);
    auto outcome_rows_future = std::async(std::launch::async, load_outcome_rows, store_path);
    snapshot->data_version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'");
    texts.add("");
    read_vocabulary();
    read_locations();
    reserve_crimes();
    read_crimes();
    number_months();
    sort_unlocated();
    index_locations();
    // Stop and search positions, on their own connection while the crimes are indexed.
    auto stops = std::async(std::launch::async, [this] {
        auto stops_db = open_store_for_reading(store_path, false);
        detail::load_stop_entries(stops_db, *snapshot);
    });
    group_by_location();
    records = {};
    pids = {};
    // Beside the pyramid build: the Crime ID index, then each crime's latest outcome month.
    auto pid_index = std::async(std::launch::async, [this, &outcome_rows_future] {
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
    attach_neighbourhoods();
    stops.get();
    finish();
    return snapshot;
}

void snapshot_builder::read_vocabulary() {
    category_of_type = load_categories(db, snapshot->categories);
    snapshot->outcome_labels.assign(1, std::string());
    {
        Statement select(db, "SELECT id, label FROM outcome_types");
        while (select.step()) {
            auto id = static_cast<std::size_t>(select.column_int(0));
            if (snapshot->outcome_labels.size() <= id) snapshot->outcome_labels.resize(id + 1);
            snapshot->outcome_labels[id] = std::string(select.column_text(1));
        }
    }
    for (const auto& label : snapshot->outcome_labels) group_of_type.push_back(outcome_group_of(label));
    snapshot->outcome_label_groups = group_of_type;
}

void snapshot_builder::read_locations() {
    std::unordered_map<std::string, std::uint32_t> street_index;
    Statement select(db, "SELECT id, longitude, latitude, street, neighbourhood FROM locations");
    select.stream_rows();
    while (select.step()) {
        auto id = static_cast<std::size_t>(select.column_int(0));
        if (by_id.size() <= id) by_id.resize(id + 1, {0, 0, 0, not_in_store});
        auto street = select.column_text(3);
        auto [it, inserted] = street_index.try_emplace(std::string(street), 0);
        if (inserted) {
            it->second = static_cast<std::uint32_t>(street_names.size());
            street_names.emplace_back(street);
        }
        by_id[id] = {select.column_double(1), select.column_double(2), it->second, no_crime_yet,
                     select.is_null(4) ? -1 : select.column_int(4)};
    }
}

void snapshot_builder::reserve_crimes() {
    // Sized once: growing 18 million-element arrays by doubling costs more in page faults
    // and copies than the reading itself.
    auto most = static_cast<std::size_t>(db.query_int("SELECT max(id) FROM crimes", 0));
    entries.reserve(most);
    records.reserve(most);
    pids.reserve(most);
}

void snapshot_builder::read_crimes() {
    auto& location_ids = snapshot->location_ids.build();
    auto& location_streets = snapshot->location_streets.build();
    auto& location_positions = snapshot->location_positions.build();
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
    select.stream_rows();
    std::string scratch;
    while (select.step()) {
        auto month = static_cast<int>(select.column_int(1));
        const std::size_t slot = month_slot_of(month);
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

void snapshot_builder::number_months() {
    // Month indexes in ascending month order.
    std::vector<int> sorted = months_seen;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint16_t> remap(months_seen.size());
    for (std::size_t i = 0; i < months_seen.size(); ++i)
        remap[i] = static_cast<std::uint16_t>(std::lower_bound(sorted.begin(), sorted.end(), months_seen[i]) - sorted.begin());
    for (auto& e : entries) e.month = remap[e.month];
    for (auto& r : records) r.month = remap[r.month];
    for (auto& u : unlocated_order) u.record.month = remap[u.record.month];
    snapshot->months = std::move(sorted);
    snapshot->categories_by_month.assign(snapshot->months.size(), 0);
    for (const auto& e : entries) snapshot->categories_by_month[e.month] |= std::uint64_t{1} << e.category;
    snapshot->crimes = entries.size();
}

void snapshot_builder::sort_unlocated() {
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

void snapshot_builder::index_locations() {
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
}

void snapshot_builder::group_by_location() {
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
}

void snapshot_builder::attach_neighbourhoods() {
    auto neighbourhood_of_key = detail::load_store_parts(db, *snapshot);
    {
        auto& location_neighbourhood = snapshot->location_neighbourhood.build();
        location_neighbourhood.reserve(location_neighbourhood_key.size());
        for (auto key : location_neighbourhood_key) {
            auto found = neighbourhood_of_key.find(key);
            location_neighbourhood.push_back(found == neighbourhood_of_key.end() ? -1 : found->second);
        }
    }
    detail::tally_neighbourhoods(*snapshot);
}

void snapshot_builder::finish() {
    {
        text_table_builder streets;
        for (const auto& name : street_names) streets.add(name);
        snapshot->streets = streets.finish();
    }
    detail::build_places(db, *snapshot, location_lsoa, texts);
    snapshot->texts = texts.finish();
}

}  // namespace

std::shared_ptr<map_snapshot> detail::build_snapshot(const std::string& store_path, Database& db) {
    return snapshot_builder(store_path, db).build();
}

}  // namespace crimemap::data
