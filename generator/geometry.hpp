#pragma once
// Coordinates of the invented world: WGS84 micro-degrees as published, and flat metres within
// a force. Only operations IEEE 754 rounds exactly (+ - * /, std::sqrt, rounding to integers),
// so that every platform computes the same points.

#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::generator {

/// WGS84 longitude and latitude in micro-degrees: the six decimals data.police.uk publishes.
struct micro_point {
    std::int32_t lon = 0;
    std::int32_t lat = 0;
};

/// A closed ring: the first point is repeated at the end.
using ring = std::vector<micro_point>;

constexpr double pi = 3.14159265358979323846;

/// cos(x) by its Taylor series; exact to double precision for |x| <= pi/2 and free of libm,
/// so every platform derives the same metres-per-degree factor.
constexpr double series_cos(double x) {
    double term = 1.0;
    double sum = 1.0;
    for (int k = 1; k <= 14; ++k) {
        term *= -x * x / static_cast<double>((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

/// A flat frame in metres east and north of a force's south-west corner. Good to a fraction of
/// a per cent over 80 km, which is all invented geography needs.
class local_frame {
public:
    static constexpr double metres_per_degree_latitude = 111200.0;

    local_frame(double west, double south, double mid_latitude)
        : west_(west),
          south_(south),
          metres_per_degree_longitude_(metres_per_degree_latitude * series_cos(mid_latitude * pi / 180.0)) {}

    micro_point to_micro(double x, double y) const {
        return {static_cast<std::int32_t>(std::llround((west_ + x / metres_per_degree_longitude_) * 1e6)),
                static_cast<std::int32_t>(std::llround((south_ + y / metres_per_degree_latitude) * 1e6))};
    }

    double width_of(double east) const { return (east - west_) * metres_per_degree_longitude_; }
    double height_of(double north) const { return (north - south_) * metres_per_degree_latitude; }

private:
    double west_;
    double south_;
    double metres_per_degree_longitude_;
};

/// A point in a force's flat frame: metres east and north of its south-west corner.
struct frame_point {
    double x = 0.0;
    double y = 0.0;
};

/// Even-odd test with exact integer arithmetic.
bool ring_contains(const ring& boundary, micro_point p);

/// Distance from p to the nearest edge, in micro-degrees (planar; used only as a safety margin).
double distance_to_ring(const ring& boundary, micro_point p);

/// Twice the signed area; positive for a counter-clockwise ring.
std::int64_t twice_signed_area(const ring& boundary);

/// Euclidean length with std::sqrt only (std::hypot may differ between maths libraries).
inline double length_of(double dx, double dy) {
    return std::sqrt(dx * dx + dy * dy);
}

/// The unit vector at `angle` radians from east, by series_cos and std::sqrt (no libm).
std::pair<double, double> unit_at(double angle);

/// "North", "South East", ... for a direction in metres east and north.
std::string_view compass(double dx, double dy);

/// The square of side `size` metres that holds `v` along one axis of a force's frame.
inline std::int64_t square_index(double v, double size) {
    return static_cast<std::int64_t>(std::floor(v / size));
}

/// One hash key for the square (cx, cy).
inline std::uint64_t square_key(std::int64_t cx, std::int64_t cy) {
    return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint32_t>(cy);
}

/// Length of a polyline in metres.
double line_length(const std::vector<frame_point>& line);

/// The point `arc` metres along a polyline (clamped to its ends).
frame_point point_along(const std::vector<frame_point>& line, double arc);

}  // namespace crimemap::generator
