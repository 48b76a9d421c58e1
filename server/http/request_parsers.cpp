#include "server/http/request_parsers.hpp"

#include "data/vocabulary/months.hpp"
#include "server/http/errors.hpp"
#include "server/http/query_string.hpp"

#include <boost/geometry/algorithms/area.hpp>
#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/equals.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <charconv>
#include <cmath>
#include <string>

namespace crimemap::server {

namespace {

bool parse_number(std::string_view text, std::uint32_t& value) {
    if (text.empty() || text.size() > 10) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

void require_tile_layer(std::string_view layer) {
    using namespace tile_layers;
    if (layer != crimes && layer != neighbourhoods && layer != watch)
        throw http_error(error_kind::not_found, "no tile layer '" + std::string(layer.substr(0, 40)) + "'; layers: " +
                                                    std::string(crimes) + ", " + std::string(neighbourhoods) + ", " +
                                                    std::string(watch));
}

int parse_month_parameter(std::string_view value, std::string_view name) {
    auto month = data::parse_month(value);
    if (!month)
        throw http_error(error_kind::bad_request,
                         std::string(name) + ": '" + std::string(value.substr(0, 40)) + "' is not a month; want YYYY-MM");
    return *month;
}

tile_path parse_tile_path(std::string_view path) {
    auto parts = split_nonempty(path.substr(std::min(path.size(), std::string_view("/tiles/").size())), '/');
    if (!path.starts_with("/tiles/") || parts.size() != 4 || !parts[3].ends_with(".mvt"))
        throw http_error(error_kind::bad_request, "tile paths look like /tiles/{layer}/{z}/{x}/{y}.mvt");
    tile_path out{parts[0], {}};
    require_tile_layer(out.layer);
    parts[3].remove_suffix(4);
    if (!parse_number(parts[1], out.tile.z) || !parse_number(parts[2], out.tile.x) || !parse_number(parts[3], out.tile.y))
        throw http_error(error_kind::bad_request, "z, x and y must be whole numbers in /tiles/{layer}/{z}/{x}/{y}.mvt");
    if (!geo::is_valid(out.tile))
        throw http_error(error_kind::not_found, "no tile " + std::to_string(out.tile.z) + "/" + std::to_string(out.tile.x) +
                                                    "/" + std::to_string(out.tile.y) + ": zoom goes up to " +
                                                    std::to_string(geo::max_tile_zoom) + " and x, y below 2^zoom");
    return out;
}

std::int64_t parse_location_id(std::string_view text) {
    std::int64_t id = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id < 0)
        throw http_error(error_kind::bad_request, "location_id: want a whole number");
    return id;
}

bool parse_degrees(std::string_view text, double& value) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) return false;
    if (text.front() == '+') text.remove_prefix(1);
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

geo::polygon parse_poly(std::string_view rest) {
    geo::polygon polygon;
    const auto too_many = [] {
        return http_error(error_kind::bad_request, "poly: more than " + std::to_string(max_poly_points) +
                                                       " points; want at most " + std::to_string(max_poly_points) +
                                                       " (simplify the polygon)");
    };
    while (!rest.empty()) {
        // One more than the most, for a closing point that repeats the first.
        if (polygon.outer().size() > max_poly_points) throw too_many();
        auto colon = rest.find(':');
        auto pair = rest.substr(0, colon);
        auto comma = pair.find(',');
        double lat = 0, lng = 0;
        if (comma == std::string_view::npos || !parse_degrees(pair.substr(0, comma), lat) ||
            !parse_degrees(pair.substr(comma + 1), lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180)
            throw http_error(error_kind::bad_request, "poly: '" + std::string(pair.substr(0, 60)) +
                                                          "' is not lat,lng; want lat,lng:lat,lng:lat,lng...");
        polygon.outer().emplace_back(lng, lat);
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    if (polygon.outer().size() < 3) throw http_error(error_kind::bad_request, "poly: needs at least 3 points");
    if (polygon.outer().size() > max_poly_points && !boost::geometry::equals(polygon.outer().front(), polygon.outer().back()))
        throw too_many();
    boost::geometry::correct(polygon);  // closes the ring (unless the last point repeats the first) and orients it
    // "a:b:a" is closed already but only a line; collinear points are a line too.
    if (polygon.outer().size() < 4 || boost::geometry::area(polygon) == 0)
        throw http_error(error_kind::bad_request, "poly: the points enclose no area; want 3 points or more, not in one line");
    return polygon;
}

}  // namespace crimemap::server
