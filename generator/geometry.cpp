#include "generator/geometry.hpp"

#include <algorithm>
#include <limits>

namespace crimemap::generator {

bool ring_contains(const ring& boundary, micro_point p) {
    bool inside = false;
    for (std::size_t i = 1; i < boundary.size(); ++i) {
        const micro_point a = boundary[i - 1];
        const micro_point b = boundary[i];
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const std::int64_t lhs = std::int64_t{p.lon - a.lon} * (b.lat - a.lat);
            const std::int64_t rhs = std::int64_t{p.lat - a.lat} * (b.lon - a.lon);
            if (b.lat > a.lat ? lhs < rhs : lhs > rhs) {
                inside = !inside;
            }
        }
    }
    return inside;
}

double distance_to_ring(const ring& boundary, micro_point p) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < boundary.size(); ++i) {
        const double ax = boundary[i - 1].lon;
        const double ay = boundary[i - 1].lat;
        const double dx = boundary[i].lon - ax;
        const double dy = boundary[i].lat - ay;
        const double length2 = dx * dx + dy * dy;
        double t = length2 > 0.0 ? ((p.lon - ax) * dx + (p.lat - ay) * dy) / length2 : 0.0;
        t = std::clamp(t, 0.0, 1.0);
        const double ex = ax + t * dx - p.lon;
        const double ey = ay + t * dy - p.lat;
        best = std::min(best, ex * ex + ey * ey);
    }
    return std::sqrt(best);
}

std::int64_t twice_signed_area(const ring& boundary) {
    std::int64_t sum = 0;
    for (std::size_t i = 1; i < boundary.size(); ++i) {
        sum +=
            std::int64_t{boundary[i - 1].lon} * boundary[i].lat - std::int64_t{boundary[i].lon} * boundary[i - 1].lat;
    }
    return sum;
}

std::pair<double, double> unit_at(double angle) {
    const double turn = 2.0 * pi;
    angle -= turn * std::floor((angle + pi) / turn);  // into [-pi, pi)
    const double c = std::clamp(series_cos(angle), -1.0, 1.0);
    const double s = std::sqrt(1.0 - c * c);
    return {c, angle < 0.0 ? -s : s};
}

std::string_view compass(double dx, double dy) {
    const double tan_22_5 = 0.41421356237;
    const bool east_west = std::abs(dy) < tan_22_5 * std::abs(dx);
    const bool north_south = std::abs(dx) < tan_22_5 * std::abs(dy);
    if (east_west) {
        return dx >= 0 ? "East" : "West";
    }
    if (north_south) {
        return dy >= 0 ? "North" : "South";
    }
    if (dy >= 0) {
        return dx >= 0 ? "North East" : "North West";
    }
    return dx >= 0 ? "South East" : "South West";
}

double line_length(const std::vector<frame_point>& line) {
    double length = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        length += length_of(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    }
    return length;
}

frame_point point_along(const std::vector<frame_point>& line, double arc) {
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double dx = line[i].x - line[i - 1].x, dy = line[i].y - line[i - 1].y;
        const double segment = length_of(dx, dy);
        if (arc <= segment && segment > 0.0) {
            const double t = std::max(arc, 0.0) / segment;
            return {line[i - 1].x + t * dx, line[i - 1].y + t * dy};
        }
        arc -= segment;
    }
    return line.back();
}

}  // namespace crimemap::generator
