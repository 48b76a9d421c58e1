// Our extensions to the API: area summaries and the search box.

#include "data/snapshot/area_summary.hpp"
#include "data/vocabulary/months.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "data/snapshot/search.hpp"
#include "server/api/api_methods.hpp"
#include "server/http/errors.hpp"

#include <boost/geometry/algorithms/centroid.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <algorithm>
#include <cmath>

namespace crimemap::server::api {

namespace {

// Figures a person reads, to two places as docs/api.md shows them (86.55, not 86.5546218487395).
double two_places(double value) { return std::round(value * 100) / 100; }

json per_thousand(std::uint64_t crimes, std::int64_t population) {
    if (population <= 0) return nullptr;
    return two_places(static_cast<double>(crimes) * 1000.0 / static_cast<double>(population));
}

json force_figure(const data::map_snapshot& s, std::string_view force, int month) {
    auto rate = data::force_crime_rate(s, force, month);
    return {{"id", force},
            {"population", rate.population > 0 ? json(rate.population) : json(nullptr)},
            {"crimes", rate.crimes},
            {"crimes_per_1000", per_thousand(rate.crimes, rate.population)}};
}

json summary_json(const data::map_snapshot& s, const data::area_summary& a) {
    json out;
    out["month"] = data::month_text(a.month);
    out["month_has_data"] = a.month_has_data;
    out["total"] = a.total;
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < a.by_category.size(); ++i)
        if (a.by_category[i] > 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return a.by_category[x] > a.by_category[y]; });
    json categories = json::array();
    for (auto i : order)
        categories.push_back({{"category", s.categories[i].slug}, {"name", s.categories[i].name}, {"count", a.by_category[i]}});
    out["by_category"] = std::move(categories);

    json months = json::array(), has_data = json::array(), totals = json::array(), trend = json::array();
    for (std::size_t m = 0; m < data::trend_months; ++m) {
        months.push_back(data::month_text(a.trend_month[m]));
        has_data.push_back(a.trend_has_data[m]);
        std::uint32_t total = 0;
        for (const auto& counts : a.trend) total += counts[m];
        totals.push_back(a.trend_has_data[m] ? json(total) : json(nullptr));
    }
    for (std::size_t i = 0; i < a.trend.size(); ++i) {
        if (std::all_of(a.trend[i].begin(), a.trend[i].end(), [](auto n) { return n == 0; })) continue;
        json counts = json::array();
        for (std::size_t m = 0; m < data::trend_months; ++m)
            counts.push_back(a.trend_has_data[m] ? json(a.trend[i][m]) : json(nullptr));
        trend.push_back({{"category", s.categories[i].slug}, {"name", s.categories[i].name}, {"counts", counts}});
    }
    out["trend"] = {{"months", months}, {"has_data", has_data}, {"total", totals}, {"categories", trend}};

    json outcomes = json::array();
    const auto groups = data::outcome_groups();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (a.by_outcome_group[g] == 0) continue;
        outcomes.push_back({{"status", groups[g].slug},
                            {"name", groups[g].name},
                            {"count", a.by_outcome_group[g]},
                            {"share", two_places(static_cast<double>(a.by_outcome_group[g]) / a.total)}});
    }
    out["outcomes"] = std::move(outcomes);

    json busiest = json::array();
    for (const auto& [l, count] : a.busiest) {
        const auto& p = s.location_positions[l];
        busiest.push_back({{"location_id", s.location_ids[l]},
                           {"street", s.streets[s.location_streets[l]]},
                           {"latitude", p.y()},
                           {"longitude", p.x()},
                           {"count", count}});
    }
    out["busiest_locations"] = std::move(busiest);
    return out;
}

}  // namespace

response summary(const call& c) {
    const auto& s = c.snapshot;
    int date = date_parameter(c);
    json out;
    if (c.parts.size() == 3) {
        auto n = find_neighbourhood(s, c.parts[1], c.parts[2]);
        const auto& info = s.neighbourhoods[n];
        std::span<const std::uint32_t> locations(s.neighbourhood_locations.data() + s.neighbourhood_location_first[n],
                                                 s.neighbourhood_location_first[n + 1] - s.neighbourhood_location_first[n]);
        auto a = data::summarise_area(s, locations, date);
        out["area"] = {{"type", "neighbourhood"}, {"force", info.force}, {"neighbourhood", info.id}, {"name", info.name}};
        json body = summary_json(s, a);
        out.update(body);
        auto population = s.neighbourhood_population[n];
        out["rate"] = {{"population", population > 0 ? json(population) : json(nullptr)},
                       {"crimes_per_1000", per_thousand(a.total, population)},
                       {"force", force_figure(s, info.force, date)}};
        return c.reply(out);
    }
    area where(c);
    auto locations = where.locations(s);
    auto a = data::summarise_area(s, locations, date);
    geo::lonlat centre(where.lng(), where.lat());
    if (where.is_polygon()) {
        boost::geometry::centroid(where.polygon(), centre);
        out["area"] = {{"type", "polygon"}, {"points", where.polygon().outer().size() - 1}};
    } else {
        out["area"] = {{"type", "circle"}, {"latitude", where.lat()}, {"longitude", where.lng()}, {"radius_m", one_mile_m}};
    }
    out.update(summary_json(s, a));
    // Residents are published per neighbourhood only, so an arbitrary area has no rate of its
    // own; the force covering its centre gives the comparison.
    json force = nullptr;
    if (auto n = s.neighbourhood_index.find(centre)) force = force_figure(s, s.neighbourhoods[*n].force, date);
    out["rate"] = {{"population", nullptr}, {"crimes_per_1000", nullptr}, {"force", force}};
    return c.reply(out);
}

namespace {

json where_json(const data::map_snapshot& s, const geo::lonlat& p, std::int32_t neighbourhood) {
    json out = {{"latitude", p.y()}, {"longitude", p.x()}, {"force", nullptr}, {"neighbourhood", nullptr},
                {"neighbourhood_name", nullptr}};
    if (neighbourhood >= 0) {
        const auto& n = s.neighbourhoods[static_cast<std::size_t>(neighbourhood)];
        out["force"] = n.force;
        out["neighbourhood"] = n.id;
        out["neighbourhood_name"] = n.name;
    }
    return out;
}

}  // namespace

response search(const call& c) {
    const auto& s = c.snapshot;
    auto q = c.query.get("q");
    if (!q || q->find_first_not_of(' ') == std::string::npos)
        throw http_error(error_kind::bad_request, "q: required: a postcode or a place name");
    if (q->size() > 100) throw http_error(error_kind::bad_request, "q: longer than 100 characters");
    json list = json::array();
    if (auto postcode = data::normalise_postcode(*q); !postcode.empty()) {
        auto db = c.store.acquire();
        auto hit = data::find_postcode(*db, postcode);
        auto spaced = postcode.substr(0, postcode.size() - 3) + " " + postcode.substr(postcode.size() - 3);
        if (!hit) throw http_error(error_kind::not_found, "no postcode " + spaced + " in the postcode table");
        auto n = s.neighbourhood_index.find(hit->where);
        json item = {{"type", "postcode"}, {"label", hit->label}};
        item.update(where_json(s, hit->where, n ? static_cast<std::int32_t>(*n) : -1));
        list.push_back(std::move(item));
        return c.reply(list);
    }
    static constexpr const char* kinds[] = {"town", "neighbourhood", "street"};
    for (const auto* p : data::search_places(s, *q, 10)) {
        json item = {{"type", kinds[static_cast<int>(p->type)]}, {"label", p->label}};
        item.update(where_json(s, p->where, p->neighbourhood));
        list.push_back(std::move(item));
    }
    return c.reply(list);
}

response neighbourhood_at(const call& c) {
    auto [lat, lng] = lat_lng_parameters(c, "");
    auto found = c.snapshot.neighbourhood_index.find(geo::lonlat(lng, lat));
    // Outside every boundary is an answer, not an error: the map asks at every move.
    if (!found) return c.reply({{"force", nullptr}, {"neighbourhood", nullptr}, {"name", nullptr}});
    const auto& n = c.snapshot.neighbourhoods[*found];
    // The name /api/{force}/{id} gives: the published details' own, else the boundary's.
    std::string name = n.name.empty() ? n.id : n.name;
    if (n.details.is_object()) {
        if (auto it = n.details.find("name"); it != n.details.end() && it->is_string()) name = it->get<std::string>();
    }
    return c.reply({{"force", n.force}, {"neighbourhood", n.id}, {"name", name}});
}

}  // namespace crimemap::server::api
