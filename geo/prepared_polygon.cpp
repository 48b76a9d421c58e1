#include "geo/prepared_polygon.hpp"

#include <boost/geometry/strategies/cartesian/side_by_triangle.hpp>
#include <boost/geometry/util/math.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crimemap::geo {

namespace {

// One edge's part in a point's winding number, by the rule of Boost.Geometry's cartesian winding
// strategy (the one covered_by uses) with a ray from the point across the band axis: `u` is the
// band axis, `v` the other. Coordinates count as equal within math::equals' epsilon, and the side
// of an edge is side_by_triangle's, on the coordinates as given (negated when the axes are
// exchanged, which mirrors the plane), so both ways round-off falls as covered_by's does.
struct winding {
    int count = 0;
    bool on_boundary = false;

    template <bool AlongY>
    void add(const lonlat& p, const lonlat& a, const lonlat& b) {
        auto u = [](const lonlat& q) { return AlongY ? q.y() : q.x(); };
        auto v = [](const lonlat& q) { return AlongY ? q.x() : q.y(); };
        namespace math = boost::geometry::math;
        const bool at_a = math::equals(u(a), u(p)), at_b = math::equals(u(b), u(p));
        if (at_a && at_b) {  // an edge along the ray's line: on it or not counted
            if ((v(a) <= v(p) && v(p) <= v(b)) || (v(b) <= v(p) && v(p) <= v(a))) on_boundary = true;
            return;
        }
        // Crossing the ray's line at an end counts half (±1), through the middle whole (±2).
        const int crossing = at_a ? (u(b) > u(p) ? 1 : -1)
                             : at_b ? (u(a) > u(p) ? -1 : 1)
                             : (u(a) < u(p) && u(b) > u(p)) ? 2
                             : (u(b) < u(p) && u(a) > u(p)) ? -2
                                                            : 0;
        if (crossing == 0) return;
        int side = 0;
        if (crossing == 1 || crossing == -1) {
            const auto& end = at_a ? a : b;
            side = math::equals(v(p), v(end)) ? 0 : v(p) < v(end) ? -crossing : crossing;
        } else {
            side = boost::geometry::strategy::side::side_by_triangle<>::apply(a, b, p);
            if (AlongY) side = -side;
        }
        if (side == 0) on_boundary = true;
        else if (side * crossing > 0) count += crossing;
    }
    /// 1 inside, 0 on the ring, -1 outside.
    [[nodiscard]] int code() const { return on_boundary ? 0 : count == 0 ? -1 : 1; }
};

// Boost.Geometry's covered_by skips a ring of fewer points (closed) without looking at it.
constexpr std::size_t minimum_ring_points = 4;
constexpr std::size_t max_bands = 1 << 16;

struct axis_extent {
    double start, end;
};

// Bands of one axis: which band a coordinate falls in, the same function for edges and points,
// so that an edge whose widened extent holds a coordinate is in that coordinate's band.
struct banding {
    double start, bands_per_unit;
    std::size_t bands;
    [[nodiscard]] std::size_t band_of(double v) const {
        double b = std::floor((v - start) * bands_per_unit);
        if (!(b > 0)) return 0;
        return std::min(bands - 1, static_cast<std::size_t>(b));
    }
};

}  // namespace

prepared_polygon::prepared_polygon(const polygon& shape, band_axis axis) {
    std::vector<const polygon::ring_type*> rings{&shape.outer()};
    for (const auto& hole : shape.inners()) rings.push_back(&hole);

    double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min, y_min = x_min, y_max = -x_min;
    double largest = 1;
    for (std::uint32_t r = 0; r < rings.size(); ++r) {
        const auto& ring = *rings[r];
        if (ring.size() < minimum_ring_points) continue;
        for (std::size_t i = 0; i < ring.size(); ++i) {
            const auto& p = ring[i];
            x_min = std::min(x_min, p.x()), x_max = std::max(x_max, p.x());
            y_min = std::min(y_min, p.y()), y_max = std::max(y_max, p.y());
            largest = std::max({largest, std::abs(p.x()), std::abs(p.y())});
            if (i > 0) edges_.push_back({ring[i - 1], p, r});
        }
    }
    if (edges_.empty()) return;  // covers nothing, as covered_by

    // Boost.Geometry takes coordinates within epsilon × max(1, |a|, |b|) for equal; widening
    // every extent by four times that keeps each edge in the band of every point it may count for.
    margin_ = 4 * std::numeric_limits<double>::epsilon() * largest;
    const std::size_t wanted_bands = std::clamp<std::size_t>(edges_.size(), 1, max_bands);
    auto make_banding = [&](axis_extent e, std::size_t bands) {
        return banding{e.start, static_cast<double>(bands) / (e.end - e.start), bands};
    };
    auto entries = [&](bool y, axis_extent e, std::size_t bands) {
        auto b = make_banding(e, bands);
        std::size_t n = 0;
        for (const auto& ed : edges_) {
            double a = y ? ed.from.y() : ed.from.x(), c = y ? ed.to.y() : ed.to.x();
            n += b.band_of(std::max(a, c) + margin_) - b.band_of(std::min(a, c) - margin_) + 1;
        }
        return n;
    };
    const axis_extent along_x{x_min - margin_, x_max + margin_};
    const axis_extent along_y{y_min - margin_, y_max + margin_};
    along_y_ = axis == band_axis::fewest_entries &&
               entries(true, along_y, wanted_bands) < entries(false, along_x, wanted_bands);
    const axis_extent extent = along_y_ ? along_y : along_x;

    // Edges that all cross one line (a star) would fill every band: fewer, wider bands then,
    // so the index stays within a few dozen entries an edge.
    const std::size_t entry_limit = 32 * edges_.size() + 1024;
    std::size_t bands = wanted_bands;
    while (bands > 1 && entries(along_y_, extent, bands) > entry_limit) bands /= 2;

    const auto b = make_banding(extent, bands);
    start_ = extent.start;
    end_ = extent.end;
    bands_per_unit_ = b.bands_per_unit;
    band_first_.assign(bands + 1, 0);
    auto bands_of = [&](const edge& ed) {
        double a = along_y_ ? ed.from.y() : ed.from.x(), c = along_y_ ? ed.to.y() : ed.to.x();
        return std::pair(b.band_of(std::min(a, c) - margin_), b.band_of(std::max(a, c) + margin_));
    };
    for (const auto& ed : edges_) {
        auto [lo, hi] = bands_of(ed);
        for (auto i = lo; i <= hi; ++i) ++band_first_[i + 1];
    }
    for (std::size_t i = 0; i < bands; ++i) band_first_[i + 1] += band_first_[i];
    band_edges_.resize(band_first_[bands]);
    std::vector<std::uint32_t> fill(band_first_.begin(), band_first_.end() - 1);
    for (std::uint32_t e = 0; e < edges_.size(); ++e) {
        auto [lo, hi] = bands_of(edges_[e]);
        for (auto i = lo; i <= hi; ++i) band_edges_[fill[i]++] = e;
    }
}

std::size_t prepared_polygon::band_of(double v) const {
    return banding{start_, bands_per_unit_, band_first_.size() - 1}.band_of(v);
}

int prepared_polygon::ring_code(const lonlat& p, std::uint32_t ring, const std::uint32_t*& next,
                                const std::uint32_t* end) const {
    winding w;
    for (; next != end && edges_[*next].ring == ring; ++next) {
        if (w.on_boundary) continue;
        if (along_y_) w.add<true>(p, edges_[*next].from, edges_[*next].to);
        else w.add<false>(p, edges_[*next].from, edges_[*next].to);
    }
    return w.code();
}

bool prepared_polygon::covers(const lonlat& p) const {
    if (edges_.empty()) return false;
    const double u = along_y_ ? p.y() : p.x();
    // Farther than the margin from every vertex along the axis: no edge can count it.
    if (!(u >= start_ && u <= end_)) return false;
    const auto band = band_of(u);
    const std::uint32_t* next = band_edges_.data() + band_first_[band];
    const std::uint32_t* const end = band_edges_.data() + band_first_[band + 1];
    // As boost::geometry::covered_by: inside the outer ring or on it, then not inside a hole
    // (a hole's edge is the boundary, so covered). A ring with no edge in the band counts -1.
    int outer = -1;
    if (next != end && edges_[*next].ring == 0) outer = ring_code(p, 0, next, end);
    if (outer != 1) return outer == 0;
    while (next != end) {
        int hole = ring_code(p, edges_[*next].ring, next, end);
        if (hole != -1) return hole == 0;
    }
    return true;
}

std::size_t prepared_polygon::fullest_band() const {
    std::size_t most = 0;
    for (std::size_t i = 0; i + 1 < band_first_.size(); ++i) most = std::max<std::size_t>(most, band_first_[i + 1] - band_first_[i]);
    return most;
}

}  // namespace crimemap::geo
