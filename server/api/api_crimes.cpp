// Street-level crimes and outcomes, answered from the snapshot's crime records.

#include "data/vocabulary/categories.hpp"
#include "data/vocabulary/months.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "server/api/api_methods.hpp"
#include "server/http/errors.hpp"

#include <algorithm>
#include <tuple>

namespace crimemap::server::api {

response crimes_street(const call& c) {
    int date = date_parameter(c);
    // An unknown slug means all crime, as the original's (clients rely on it).
    auto category = category_index(c.snapshot, c.parts[1]);
    return c.reply_text(crimes_json_text(c.snapshot, area(c).crimes_in_month(c.snapshot, date, category)));
}

response crimes_at_location(const call& c) {
    int date = date_parameter(c);
    auto location = location_parameter(c);
    return c.reply_text(crimes_json_text(c.snapshot, crimes_in_month(c.snapshot, {location}, date, std::nullopt)));
}

response location_crimes(const call& c) {
    auto [from, to] = month_range_parameters(c);
    auto location = location_parameter(c);
    return c.reply_text(crimes_json_text(c.snapshot, crimes_in_months(c.snapshot, {location}, from, to, std::nullopt)));
}

response crimes_no_location(const call& c) {
    const auto& s = c.snapshot;
    int date = date_parameter(c);
    auto force = c.query.get("force");
    if (!force || force->empty()) throw http_error(error_kind::bad_request, "force: required, e.g. force=leicestershire");
    require_force(s, *force);
    std::optional<std::uint8_t> category;
    if (auto slug = c.query.get("category")) category = category_index(s, *slug);
    json list = json::array();
    if (auto m = month_index(s, date)) {
        auto key = [](const data::unlocated_crime& u) { return std::tie(u.force, u.record.month); };
        auto wanted = std::tie(*force, *m);
        auto first = std::partition_point(s.unlocated.begin(), s.unlocated.end(), [&](const auto& u) { return key(u) < wanted; });
        auto last = std::partition_point(first, s.unlocated.end(), [&](const auto& u) { return key(u) == wanted; });
        for (auto it = first; it != last; ++it)
            if (!category || it->record.category == *category) list.push_back(unlocated_json(s, *it));
    }
    return c.reply(list);
}

namespace {

// data.police.uk's codes for the outcome labels its examples show; any other label's code is
// its slug.
std::string outcome_code(std::string_view label) {
    if (label == "Investigation complete; no suspect identified") return "no-further-action";
    return data::slugify(label);
}

// One outcomes-file row: {"category": {"code", "name"}, "date", "person_id"}.
json outcome_json(const data::map_snapshot& s, std::size_t row) {
    const auto& label = s.outcome_types[row] < s.outcome_labels.size() ? s.outcome_labels[s.outcome_types[row]]
                                                                        : s.outcome_labels[0];
    return {{"category", {{"code", outcome_code(label)}, {"name", label}}},
            {"date", data::month_text(data::month_of_number(s.outcome_months[row]))},
            {"person_id", nullptr}};
}

}  // namespace

response outcomes_at_location(const call& c) {
    const auto& s = c.snapshot;
    int date = date_parameter(c);
    std::vector<std::uint32_t> locations;
    if (c.query.get("location_id")) {
        locations.push_back(location_parameter(c));
    } else {
        locations = area(c).locations(s);
    }
    // Outcome rows are indexed by store location id.
    std::vector<std::uint32_t> ids;
    for (auto l : locations) ids.push_back(static_cast<std::uint32_t>(s.location_ids[l]));
    std::sort(ids.begin(), ids.end());
    // The month's rows, then each location's run within them (both sorted).
    const auto& rows = s.outcomes_by_place;
    const auto& places = s.outcome_place_locations;
    const auto wanted = data::month_number(date);
    auto first_of_month = std::partition_point(rows.begin(), rows.end(), [&](std::uint32_t row) { return s.outcome_months[row] < wanted; });
    auto end_of_month = std::partition_point(first_of_month, rows.end(), [&](std::uint32_t row) { return s.outcome_months[row] == wanted; });
    const auto lo = static_cast<std::size_t>(first_of_month - rows.begin()), hi = static_cast<std::size_t>(end_of_month - rows.begin());
    std::vector<std::uint32_t> hits;
    for (auto l : ids) {
        auto first = std::lower_bound(places.begin() + static_cast<std::ptrdiff_t>(lo),
                                      places.begin() + static_cast<std::ptrdiff_t>(hi), l);
        for (auto i = static_cast<std::size_t>(first - places.begin()); i < hi && places[i] == l; ++i) hits.push_back(rows[i]);
        if (hits.size() > max_results)
            throw http_error(error_kind::too_many_results, "more than 10,000 outcomes match: ask for a smaller area");
    }
    json list = json::array();
    for (auto row : hits) {
        json item = outcome_json(s, row);
        auto crime = s.crime_with_key(s.outcome_keys[row]);
        if (!crime) continue;  // its crime is older than the months kept
        item["crime"] = crime_json(s, s.location_of_crime(*crime), *crime);
        item["crime"].erase("outcome_status");
        list.push_back(std::move(item));
    }
    return c.reply(list);
}

response outcomes_for_crime(const call& c) {
    const auto& s = c.snapshot;
    const auto id = c.parts[1];
    json crime;
    if (auto index = s.find_crime(id)) {
        crime = crime_json(s, s.location_of_crime(*index), *index);
    } else {
        auto it = std::find_if(s.unlocated.begin(), s.unlocated.end(), [&](const auto& u) { return u.persistent_id == id; });
        if (it == s.unlocated.end()) throw http_error(error_kind::not_found, "no crime with Crime ID '" + clip(id, 80) + "'");
        crime = unlocated_json(s, *it);
    }
    crime.erase("outcome_status");  // the outcomes list is the whole history
    json outcomes = json::array();
    auto [first, last] = s.outcomes_of(id);
    for (auto row = first; row < last; ++row) outcomes.push_back(outcome_json(s, row));
    return c.reply({{"outcomes", outcomes}, {"crime", crime}});
}

}  // namespace crimemap::server::api
