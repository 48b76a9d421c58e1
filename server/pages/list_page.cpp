#include "server/pages/list_page.hpp"

#include "data/vocabulary/months.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "data/vocabulary/text.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"
#include "server/tiles/tile_handlers.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t max_rows = 2000;

geo::box bbox_parameter(const query_parameters& query, const data::map_snapshot& s) {
    auto text = query.get("bbox");
    if (!text || text->empty()) return s.bounds;
    double v[4] = {0, 0, 0, 0};
    auto parts = split_nonempty(*text, ',');
    bool ok = parts.size() == 4;
    for (std::size_t i = 0; ok && i < 4; ++i) {
        auto [end, error] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), v[i]);
        ok = error == std::errc() && end == parts[i].data() + parts[i].size() && std::isfinite(v[i]);
    }
    if (!ok || v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90)
        throw http_error(error_kind::bad_request, "bbox: want west,south,east,north in degrees, e.g. bbox=-1.2,52.6,-1.1,52.7");
    return geo::box(geo::lonlat(v[0], v[1]), geo::lonlat(v[2], v[3]));
}

// The page around the list: the site's quick exit (web/_exit-this-page.html, shared with the
// other pages: a link that works without JavaScript; the script adds Shift pressed three
// times) and its styles.
std::string page(const std::string& title, const std::string& body, const static_files& web) {
    return "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           html_escape(title) + " - crimemap</title>\n"
           "<meta name=\"description\" content=\"The crimes in an area of the crime map, by street and category, as a "
           "table: the map's text alternative.\">\n"
           // As on the other pages: no icon, so that browsers do not ask for /favicon.ico (a 404).
           "<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"" + web.url("style.css") + "\">\n"
           "<script type=\"module\" src=\"" + web.url("exit.js") + "\"></script>\n</head>\n<body class=\"list-page\">\n"
           "<a class=\"skip-link\" href=\"#main\">Skip to the list</a>\n" +
           web.part("_exit-this-page.html") + "<main id=\"main\">\n" + body + "</main>\n</body>\n</html>\n";
}

// The map showing the same box and filters: its query string and #zoom/lat/lng.
std::string map_link(const query_parameters& query, const geo::box& box) {
    std::string link = "/";
    char separator = '?';
    for (const char* name : {"from", "to", "category", "outcome"})
        if (auto value = query.get(name);
            value && !value->empty() && value->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789,-") == std::string::npos) {
            link += separator + std::string(name) + "=" + html_escape(*value);
            separator = '&';
        }
    double span = std::max(box.max_corner().x() - box.min_corner().x(), box.max_corner().y() - box.min_corner().y());
    int zoom = span <= 0 ? 16 : std::clamp(static_cast<int>(std::floor(std::log2(360.0 / span))), 1, 18);
    char hash[96];
    std::snprintf(hash, sizeof hash, "#%d/%.5f/%.5f", zoom, (box.min_corner().y() + box.max_corner().y()) / 2,
                  (box.min_corner().x() + box.max_corner().x()) / 2);
    return link + hash;
}

std::string six(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", value);
    return text;
}

}  // namespace

std::string html_escape(std::string_view text) { return data::escape_markup(text); }

response handle_list_page(const request& req, const query_parameters& query, const app_state& state) {
    const auto& s = *state.snapshot;
    response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "public, max-age=300");
    res.keep_alive(req.keep_alive());
    geo::crime_filter filter;
    geo::box box = s.bounds;
    try {
        filter = parse_crime_filter(query, s);
        box = bbox_parameter(query, s);
    } catch (const http_error& error) {
        res.result(http::status::bad_request);
        res.body() = page("The list could not be made", "<h1>The list could not be made</h1>\n<p>" + html_escape(error.what()) +
                                                             "</p>\n<p><a href=\"/\">Back to the map</a></p>\n",
                          state.web);
        res.prepare_payload();
        return res;
    }
    // Crimes by street name and category over the locations in the box.
    std::map<std::string_view, std::vector<std::uint32_t>> by_street;  // street → count per category
    std::uint64_t total = 0;
    auto min = geo::to_world(box.min_corner().x(), box.max_corner().y());
    auto max = geo::to_world(box.max_corner().x(), box.min_corner().y());
    s.crime_tiles.locations_in(min, max, [&](std::uint32_t l) {
        const auto& p = s.location_positions[l];
        if (p.x() < box.min_corner().x() || p.x() > box.max_corner().x() || p.y() < box.min_corner().y() ||
            p.y() > box.max_corner().y())
            return;
        std::vector<std::uint32_t>* counts = nullptr;
        for (auto i = s.crime_first[l]; i < s.crime_first[l + 1]; ++i) {
            const auto& c = s.crimes_by_location[i];
            if (c.month < filter.from || c.month > filter.to || !((filter.categories >> c.category) & 1u)) continue;
            auto group = c.outcome < s.outcome_label_groups.size() ? s.outcome_label_groups[c.outcome] : 0;
            if (!((filter.groups >> group) & 1u)) continue;
            if (!counts) {
                counts = &by_street[s.streets[s.location_streets[l]]];
                if (counts->empty()) counts->assign(s.categories.size(), 0);
            }
            ++(*counts)[c.category];
            ++total;
        }
    });
    std::string period = filter.from > filter.to || s.months.empty() ? "no months with data"
                         : filter.from == filter.to ? data::month_text(s.months[filter.from])
                                                    : data::month_text(s.months[filter.from]) + " to " +
                                                          data::month_text(s.months[filter.to]);
    std::string where = six(box.min_corner().y()) + ", " + six(box.min_corner().x()) + " to " + six(box.max_corner().y()) +
                        ", " + six(box.max_corner().x());
    std::string body = "<h1>Crimes in this area: " + html_escape(period) + "</h1>\n<p>" + std::to_string(total) +
                       (total == 1 ? " crime" : " crimes") + " on " + std::to_string(by_street.size()) +
                       (by_street.size() == 1 ? " street" : " streets") + " between " + where +
                       " (latitude, longitude). Locations are approximate: data.police.uk places each crime at a "
                       "nearby map point, not at an address.</p>\n<p><a href=\"" + map_link(query, box) +
                       "\">Back to the map of this area</a></p>\n";
    if (by_street.empty()) {
        body += "<p>No crimes match in this area and period.</p>\n";
    } else {
        body += "<table class=\"crime-list\">\n<caption>Crimes by street and category, " + html_escape(period) +
                "</caption>\n<thead><tr><th scope=\"col\">Street</th><th scope=\"col\">Category</th>"
                "<th scope=\"col\" class=\"number\">Crimes</th></tr></thead>\n<tbody>\n";
        std::size_t rows = 0;
        for (const auto& [street, counts] : by_street) {
            std::vector<std::size_t> order;
            for (std::size_t c = 0; c < counts.size(); ++c)
                if (counts[c]) order.push_back(c);
            std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return counts[a] > counts[b]; });
            for (std::size_t k = 0; k < order.size() && rows < max_rows; ++k, ++rows) {
                body += "<tr>";
                if (k == 0)
                    body += "<th scope=\"rowgroup\" rowspan=\"" + std::to_string(order.size()) + "\">" +
                            html_escape(street.empty() ? "(no street given)" : street) + "</th>";
                body += "<td>" + html_escape(s.categories[order[k]].name) + "</td><td class=\"number\">" +
                        std::to_string(counts[order[k]]) + "</td></tr>\n";
            }
            if (rows >= max_rows) break;
        }
        body += "</tbody>\n</table>\n";
        if (rows >= max_rows)
            body += "<p>The list stops at " + std::to_string(max_rows) + " rows: zoom in on the map for the rest.</p>\n";
    }
    // Gzipped when accepted (a list of 2,000 rows is some 150 KB of HTML), with an ETag of the
    // data and the query.
    std::string_view target(req.target().data(), req.target().size());
    return cacheable_response(req, page("Crimes in this area: " + period, body, state.web), "text/html; charset=utf-8",
                              s.data_version, target, 300);
}

}  // namespace crimemap::server
