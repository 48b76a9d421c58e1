#include "data/watch/watch_finder.hpp"

#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/algorithms/distance.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

namespace crimemap::data {

namespace {

constexpr double earth_radius_m = 6371008.8;

// Metres from `from` to the scheme, on a plane tangent at `from` (exact enough within tens of km).
double metres_to(const scheme_info& s, const geo::lonlat& from) {
    const double per_degree = earth_radius_m * std::numbers::pi / 180;
    const double x_scale = per_degree * std::cos(from.y() * std::numbers::pi / 180);
    auto project = [&](const geo::lonlat& p) { return geo::lonlat((p.x() - from.x()) * x_scale, (p.y() - from.y()) * per_degree); };
    if (s.area.empty()) {
        auto p = project(s.point);
        return std::hypot(p.x(), p.y());
    }
    geo::multi_polygon projected;
    for (const auto& polygon : s.area) {
        geo::polygon out;
        for (const auto& p : polygon.outer()) out.outer().push_back(project(p));
        for (const auto& ring : polygon.inners()) {
            out.inners().emplace_back();
            for (const auto& p : ring) out.inners().back().push_back(project(p));
        }
        projected.push_back(std::move(out));
    }
    return boost::geometry::distance(geo::lonlat(0, 0), projected);
}

}  // namespace

std::vector<scheme_hit> find_watch_schemes(const map_snapshot& s, geo::lonlat where, std::size_t nearest) {
    namespace bgi = boost::geometry::index;
    std::vector<scheme_hit> covering, others;
    std::set<std::uint32_t> seen;
    for (auto it = s.scheme_index.qbegin(bgi::covers(where)); it != s.scheme_index.qend(); ++it) {
        const auto& scheme = s.schemes[it->second];
        if (scheme.visibility == "hidden" || scheme.area.empty()) continue;
        if (boost::geometry::covered_by(where, scheme.area)) {
            covering.push_back({it->second, true, 0});
            seen.insert(it->second);
        }
    }
    // Nearest boxes first (in degrees, so a few more than asked), then by true distance.
    const std::size_t ask = nearest + covering.size() + 8;
    for (auto it = s.scheme_index.qbegin(bgi::nearest(where, static_cast<unsigned>(ask))); it != s.scheme_index.qend(); ++it) {
        const auto& scheme = s.schemes[it->second];
        if (seen.count(it->second) || scheme.visibility == "hidden") continue;
        others.push_back({it->second, false, metres_to(scheme, where)});
    }
    std::sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.distance_m < b.distance_m; });
    if (others.size() > nearest) others.resize(nearest);
    std::sort(covering.begin(), covering.end(), [&](const auto& a, const auto& b) { return s.schemes[a.scheme].id < s.schemes[b.scheme].id; });
    covering.insert(covering.end(), others.begin(), others.end());
    return covering;
}

}  // namespace crimemap::data
