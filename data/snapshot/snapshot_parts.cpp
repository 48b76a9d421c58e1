#include "data/snapshot/snapshot_parts.hpp"
#include "data/vocabulary/text.hpp"

#include <boost/geometry/algorithms/centroid.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>

namespace crimemap::data::detail {

void index_crime_ids(map_snapshot& s) {
    // Crime IDs are SHA-256 digests, so their first two bytes spread them evenly: a counting
    // sort on those, then a small sort per bucket.
    constexpr std::size_t buckets = 1 << 16;
    std::vector<std::uint32_t> first(buckets + 1, 0);
    auto bucket = [&](std::uint32_t i) { return std::size_t{s.crime_pids[i][0]} << 8 | s.crime_pids[i][1]; };
    const auto n = static_cast<std::uint32_t>(s.crimes_by_location.size());
    for (std::uint32_t i = 0; i < n; ++i)
        if (s.crimes_by_location[i].pid_kind == crime_id_kind::packed) ++first[bucket(i) + 1];
    for (std::size_t b = 0; b < buckets; ++b) first[b + 1] += first[b];
    auto& by_pid = s.crimes_by_pid.build();
    by_pid.assign(first.back(), 0);
    std::vector<std::uint32_t> cursor(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i)
        if (s.crimes_by_location[i].pid_kind == crime_id_kind::packed) by_pid[cursor[bucket(i)]++] = i;
    for (std::size_t b = 0; b < buckets; ++b)
        std::sort(by_pid.begin() + first[b], by_pid.begin() + first[b + 1],
                  [&](std::uint32_t a, std::uint32_t c) { return s.crime_pids[a] < s.crime_pids[c]; });
}

void index_outcome_places(const std::vector<std::uint16_t>& months, const std::vector<std::int64_t>& row_locations,
                          std::vector<std::uint32_t>& by_place, std::vector<std::uint32_t>& place_locations) {
    struct entry {
        std::uint16_t month;
        std::uint32_t location, row;
    };
    std::vector<entry> entries;
    entries.reserve(row_locations.size());
    for (std::uint32_t row = 0; row < row_locations.size(); ++row) {
        auto id = row_locations[row];
        if (id >= 0 && id <= std::numeric_limits<std::uint32_t>::max())
            entries.push_back({months[row], static_cast<std::uint32_t>(id), row});
    }
    std::sort(entries.begin(), entries.end(), [](const entry& a, const entry& b) {
        return std::tie(a.month, a.location, a.row) < std::tie(b.month, b.location, b.row);
    });
    by_place.reserve(entries.size());
    place_locations.reserve(entries.size());
    for (const auto& e : entries) {
        by_place.push_back(e.row);
        place_locations.push_back(e.location);
    }
}

void tally_neighbourhoods(map_snapshot& s) {
    const std::size_t count = s.neighbourhoods.size(), months = s.months.size();
    auto& location_first = s.neighbourhood_location_first.build();
    location_first.assign(count + 1, 0);
    for (auto n : s.location_neighbourhood)
        if (n >= 0) ++location_first[static_cast<std::size_t>(n) + 1];
    for (std::size_t n = 0; n < count; ++n) location_first[n + 1] += location_first[n];
    auto& locations = s.neighbourhood_locations.build();
    locations.assign(location_first.back(), 0);
    std::vector<std::uint32_t> cursor(location_first.begin(), location_first.end() - 1);
    auto& month_crimes = s.neighbourhood_month_crimes.build();
    month_crimes.assign(count * months, 0);
    for (std::uint32_t l = 0; l < s.location_neighbourhood.size(); ++l) {
        auto n = s.location_neighbourhood[l];
        if (n < 0) continue;
        locations[cursor[static_cast<std::size_t>(n)]++] = l;
        auto* row = &month_crimes[static_cast<std::size_t>(n) * months];
        for (auto i = s.crime_first[l]; i < s.crime_first[l + 1]; ++i) ++row[s.crimes_by_location[i].month];
    }
}

void read_populations(map_snapshot& s) {
    const std::size_t count = s.neighbourhoods.size();
    s.neighbourhood_population.assign(count, -1);
    for (std::size_t n = 0; n < count; ++n) {
        const auto& details = s.neighbourhoods[n].details;
        if (!details.is_object()) continue;
        auto it = details.find("population");
        if (it == details.end()) continue;
        // Published as a string ("1000"); a number is taken too.
        if (it->is_number_integer()) {
            s.neighbourhood_population[n] = it->get<std::int64_t>();
        } else if (it->is_string()) {
            const auto& text = it->get_ref<const std::string&>();
            if (!text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }) &&
                text.size() < 12)
                s.neighbourhood_population[n] = std::stoll(text);
        }
        if (s.neighbourhood_population[n] == 0) s.neighbourhood_population[n] = -1;  // 0 means "not given"
    }
}

void load_stop_entries(Database& db, map_snapshot& s) {
    // Stop and search points are published at the same anonymised map points as crimes;
    // a stop at a crime location's exact point is shown at that location.
    std::unordered_map<std::uint64_t, std::int64_t> crime_location_at;
    auto point_key = [](double lon, double lat) {
        return static_cast<std::uint64_t>(std::llround((lon + 180) * 1e6)) << 32 |
               static_cast<std::uint64_t>(std::llround((lat + 90) * 1e6));
    };
    for (std::size_t l = 0; l < s.location_positions.size(); ++l)
        crime_location_at.emplace(point_key(s.location_positions[l].x(), s.location_positions[l].y()), s.location_ids[l]);
    auto& stops = s.stops.build();
    Statement select(db, "SELECT stops.id, import_files.month, stops.location, locations.longitude, locations.latitude "
                         "FROM stops JOIN import_files ON import_files.id = stops.file "
                         "JOIN locations ON locations.id = stops.location");
    select.stream_rows();
    while (select.step()) {
        stop_entry e;
        e.row = select.column_int(0);
        e.month = static_cast<std::int32_t>(select.column_int(1));
        e.where = geo::lonlat(select.column_double(3), select.column_double(4));
        auto crime_location = crime_location_at.find(point_key(e.where.x(), e.where.y()));
        e.location_id = crime_location == crime_location_at.end() ? select.column_int(2) : crime_location->second;
        stops.push_back(e);
    }
    std::sort(stops.begin(), stops.end(), [](const stop_entry& a, const stop_entry& b) {
        return std::tie(a.month, a.location_id, a.row) < std::tie(b.month, b.location_id, b.row);
    });
}

namespace {

// "Colchester 012B" → "Colchester": an LSOA name is its district's name and a code.
std::string_view district_of(std::string_view lsoa_name) {
    auto space = lsoa_name.rfind(' ');
    if (space == std::string_view::npos || space == 0) return {};
    auto code = lsoa_name.substr(space + 1);
    if (code.size() != 4 || !std::isdigit(static_cast<unsigned char>(code[0])) ||
        !std::isalpha(static_cast<unsigned char>(code[3])))
        return {};
    return lsoa_name.substr(0, space);
}

// Running centre of some locations, weighted by their crimes.
struct centre {
    double lon = 0, lat = 0;
    std::uint32_t crimes = 0;
    std::map<std::int32_t, std::uint32_t> neighbourhoods;  // neighbourhood → crimes
    void add(const geo::lonlat& p, std::uint32_t weight, std::int32_t neighbourhood) {
        lon += p.x() * weight;
        lat += p.y() * weight;
        crimes += weight;
        neighbourhoods[neighbourhood] += weight;
    }
    [[nodiscard]] geo::lonlat where() const { return {lon / crimes, lat / crimes}; }
    [[nodiscard]] std::int32_t main_neighbourhood() const {
        return std::max_element(neighbourhoods.begin(), neighbourhoods.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; })
            ->first;
    }
};

}  // namespace

void build_places(Database& db, map_snapshot& s, const std::vector<std::int64_t>& location_lsoa, text_table_builder& texts) {
    struct built {
        place::kind type;
        std::string name, label;
        geo::lonlat where;
        std::int32_t neighbourhood;
        std::uint32_t crimes;
    };
    std::vector<built> places;
    std::unordered_map<std::int64_t, std::string> district_of_lsoa;
    {
        Statement select(db, "SELECT id, name FROM lsoas");
        while (select.step())
            if (auto district = district_of(select.column_text(1)); !district.empty())
                district_of_lsoa.emplace(select.column_int(0), std::string(district));
    }
    std::map<std::string, centre> towns;
    std::map<std::pair<std::string_view, std::string>, centre> streets;  // (street, town)
    for (std::uint32_t l = 0; l < s.location_positions.size(); ++l) {
        auto crimes = s.crime_first[l + 1] - s.crime_first[l];
        if (crimes == 0) continue;
        std::string town;
        if (auto d = district_of_lsoa.find(location_lsoa[l]); d != district_of_lsoa.end()) town = d->second;
        const auto& where = s.location_positions[l];
        auto n = s.location_neighbourhood[l];
        if (!town.empty()) towns[town].add(where, crimes, n);
        std::string_view street = s.streets[s.location_streets[l]];
        if (street.starts_with("On or near ")) street.remove_prefix(11);
        if (street.empty() || street == "No Location") continue;
        streets[{street, town}].add(where, crimes, n);
    }
    for (const auto& [name, c] : towns)
        places.push_back({place::kind::town, lower(name), name, c.where(), c.main_neighbourhood(), c.crimes});
    for (const auto& [key, c] : streets) {
        const auto& [street, town] = key;
        std::string label(street);
        if (!town.empty()) label += ", " + town;
        places.push_back({place::kind::street, lower(street), label, c.where(), c.main_neighbourhood(), c.crimes});
    }
    for (std::size_t n = 0; n < s.neighbourhoods.size(); ++n) {
        const auto& info = s.neighbourhoods[n];
        geo::lonlat where(0, 0);
        if (info.outer.size() >= 4) {
            geo::polygon ring;
            ring.outer().assign(info.outer.begin(), info.outer.end());
            boost::geometry::centroid(ring, where);
        } else if (s.neighbourhood_location_first.size() > n + 1 &&
                   s.neighbourhood_location_first[n] == s.neighbourhood_location_first[n + 1]) {
            continue;  // nowhere to show it
        }
        // A published centre wins over the boundary's.
        if (info.details.is_object() && info.details.contains("centre")) {
            const auto& c = info.details["centre"];
            try {
                where = geo::lonlat(std::stod(c.value("longitude", "")), std::stod(c.value("latitude", "")));
            } catch (const std::exception&) {
            }
        }
        if (where.x() == 0 && where.y() == 0) continue;
        std::uint32_t crimes = 0;
        for (std::size_t m = 0; m < s.months.size(); ++m) crimes += s.neighbourhood_month_crimes[n * s.months.size() + m];
        places.push_back({place::kind::neighbourhood, lower(info.name), info.name, where, static_cast<std::int32_t>(n), crimes});
    }
    std::stable_sort(places.begin(), places.end(), [](const built& a, const built& b) { return a.name < b.name; });
    auto& rows = s.place_rows.build();
    for (const auto& p : places) rows.push_back({p.where, texts.add(p.name), texts.add(p.label), p.neighbourhood, p.crimes, p.type});
}

}  // namespace crimemap::data::detail
