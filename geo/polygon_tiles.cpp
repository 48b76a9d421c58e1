#include "geo/polygon_tiles.hpp"

#include "geo/outer_bounds.hpp"

#include <boost/geometry/algorithms/simplify.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include <cmath>
#include <limits>

namespace crimemap::geo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

constexpr double world_size = 4294967296.0;
// Zoom buckets with their own simplified copy; zooms above the last use full detail.
constexpr std::uint32_t simplified_zooms[] = {2, 4, 6, 8, 10, 12};

struct xy {
    double x, y;
};

// Sutherland–Hodgman against one edge of the clip box.
template <typename Inside, typename Cross>
void clip_edge(std::vector<xy>& ring, std::vector<xy>& out, Inside inside, Cross cross) {
    out.clear();
    if (ring.empty()) return;
    xy previous = ring.back();
    bool previous_in = inside(previous);
    for (const xy& current : ring) {
        bool current_in = inside(current);
        if (current_in) {
            if (!previous_in) out.push_back(cross(previous, current));
            out.push_back(current);
        } else if (previous_in) {
            out.push_back(cross(previous, current));
        }
        previous = current;
        previous_in = current_in;
    }
    ring.swap(out);
}

void clip_ring(std::vector<xy>& ring, double lo, double hi, std::vector<xy>& scratch) {
    auto at_x = [](double x) {
        return [x](const xy& a, const xy& b) { return xy{x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)}; };
    };
    auto at_y = [](double y) {
        return [y](const xy& a, const xy& b) { return xy{a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y}; };
    };
    clip_edge(ring, scratch, [lo](const xy& p) { return p.x >= lo; }, at_x(lo));
    clip_edge(ring, scratch, [hi](const xy& p) { return p.x <= hi; }, at_x(hi));
    clip_edge(ring, scratch, [lo](const xy& p) { return p.y >= lo; }, at_y(lo));
    clip_edge(ring, scratch, [hi](const xy& p) { return p.y <= hi; }, at_y(hi));
}

// Twice the surveyor's area in tile coordinates (y down): positive when clockwise on screen.
std::int64_t doubled_area(const std::vector<tile_point>& ring) {
    std::int64_t sum = 0;
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        const auto& a = ring[i];
        const auto& b = ring[(i + 1) % n];
        sum += std::int64_t{a.x} * b.y - std::int64_t{b.x} * a.y;
    }
    return sum;
}

}  // namespace

polygon_tiles::polygon_tiles(std::span<const multi_polygon> shapes) {
    version full{std::numeric_limits<std::uint32_t>::max(), {}};
    full.shapes.reserve(shapes.size());
    for (const auto& shape : shapes) {
        world_shape projected;
        for (const auto& part : shape) {
            world_polygon p;
            auto project_ring = [](const auto& ring, auto& target) {
                for (const auto& point : ring) {
                    auto w = to_world(point.x(), point.y());
                    target.emplace_back(static_cast<double>(w.x), static_cast<double>(w.y));
                }
            };
            project_ring(part.outer(), p.outer());
            for (const auto& inner : part.inners()) {
                p.inners().emplace_back();
                project_ring(inner, p.inners().back());
            }
            projected.push_back(std::move(p));
        }
        boxes_.push_back(outer_bounds(projected));
        full.shapes.push_back(std::move(projected));
    }
    for (std::uint32_t zoom : simplified_zooms) {
        // One tile unit at this zoom: invisible at it and at every zoom below.
        double tolerance = world_size / std::ldexp(4096.0, static_cast<int>(zoom));
        version simplified{zoom, {}};
        simplified.shapes.reserve(full.shapes.size());
        for (const auto& shape : full.shapes) {
            world_shape out;
            bg::simplify(shape, out, tolerance);
            simplified.shapes.push_back(std::move(out));
        }
        versions_.push_back(std::move(simplified));
    }
    versions_.push_back(std::move(full));
    std::vector<std::pair<world_box, std::uint32_t>> entries;
    for (std::uint32_t i = 0; i < boxes_.size(); ++i)
        if (!shapes[i].empty()) entries.emplace_back(boxes_[i], i);
    tree_ = decltype(tree_)(entries.begin(), entries.end());
}

void polygon_tiles::query(const tile_id& tile, std::uint32_t extent, std::uint32_t buffer,
                          const std::function<void(std::uint32_t, std::span<const std::vector<tile_point>>)>& emit) const {
    const version* detail = &versions_.back();
    for (const auto& v : versions_)
        if (tile.z <= v.max_zoom) {
            detail = &v;
            break;
        }
    const auto origin = tile_origin(tile);
    const double size = static_cast<double>(tile_size(tile));
    const double scale = extent / size;
    const double margin = size * buffer / extent;
    world_box area(world_xy(origin.x - margin, origin.y - margin),
                   world_xy(origin.x + size + margin, origin.y + size + margin));
    const double lo = -static_cast<double>(buffer), hi = static_cast<double>(extent + buffer);

    std::vector<std::vector<tile_point>> rings;
    std::vector<xy> ring, scratch;
    for (auto it = tree_.qbegin(bgi::intersects(area)); it != tree_.qend(); ++it) {
        const std::uint32_t id = it->second;
        rings.clear();
        auto add_ring = [&](const auto& source, bool exterior) {
            ring.clear();
            for (const auto& p : source) ring.push_back({(p.x() - origin.x) * scale, (p.y() - origin.y) * scale});
            if (ring.size() > 1 && ring.front().x == ring.back().x && ring.front().y == ring.back().y) ring.pop_back();
            clip_ring(ring, lo, hi, scratch);
            std::vector<tile_point> out;
            out.reserve(ring.size());
            for (const auto& p : ring) {
                tile_point q{static_cast<std::int32_t>(std::lround(p.x)), static_cast<std::int32_t>(std::lround(p.y))};
                if (out.empty() || !(out.back() == q)) out.push_back(q);
            }
            while (out.size() > 1 && out.front() == out.back()) out.pop_back();
            if (out.size() < 3) return false;
            auto area2 = doubled_area(out);
            if (area2 == 0) return false;
            if ((area2 > 0) != exterior) std::reverse(out.begin(), out.end());
            rings.push_back(std::move(out));
            return true;
        };
        for (const auto& part : detail->shapes[id]) {
            if (!add_ring(part.outer(), true)) continue;  // a vanished exterior takes its holes with it
            for (const auto& inner : part.inners()) add_ring(inner, false);
        }
        if (!rings.empty()) emit(id, rings);
    }
}

}  // namespace crimemap::geo
