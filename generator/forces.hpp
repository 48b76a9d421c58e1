#pragma once
// The invented police forces and how many of them, and how large, a run's world is.

#include "generator/geometry.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace crimemap::generator {

struct force_spec {
    std::string_view id;
    std::string_view name;
    std::string_view code;    ///< neighbourhood id prefix and postcode area; not a real area
    std::string_view domain;  ///< under the reserved .example top-level domain
    double west, south, east, north;
    int columns, rows;  ///< neighbourhood grid
    std::uint32_t city_population;
    int towns, villages, rural_lanes;
    std::uint32_t no_location_per_mille;
    std::uint32_t stops_per_mille;  ///< stop and searches per thousand street crimes
    std::string_view landscape;
};

// Rectangles over real English countryside, none overlapping, each 30-52 km across. The first
// five always exist; the others join in this order as the world grows (world_scale_of), up to
// the 43 forces data.police.uk publishes for in England and Wales.
extern const std::array<force_spec, 43> force_specs;

/// The force's flat frame: metres east and north of its south-west corner.
inline local_frame frame_of(const force_spec& spec) {
    return local_frame(spec.west, spec.south, (spec.south + spec.north) / 2.0);
}

// How the world grows with the run (world_scale_of): data.police.uk has about two map points for
// every crime of a month (some 500,000 crimes a month on about a million points over the years),
// so the world holds two map points per crime a month, never fewer than the smallest world's
// 36,000 (the demo's size). The first five forces come first; another joins for each further
// 23,500 points, up to all 43, and beyond that the forces grow, up to 4,000,000 points (four
// times data.police.uk's, to bound memory); busier runs put more crimes on each point. Each force's places grow in
// people with the square root of its growth and its streets in points with the growth itself.
inline constexpr double points_per_crime_a_month = 2.0;
inline constexpr double smallest_world_points = 36000.0;
inline constexpr double largest_world_points = 4000000.0;
inline constexpr double points_per_added_force = 23500.0;
inline constexpr double points_per_force_at_first = 7200.0;
inline constexpr std::size_t first_forces = 5;

/// How large the invented world is for a run.
struct world_scale {
    std::size_t forces = first_forces;
    double points = smallest_world_points;  ///< map points wanted, all forces together
    double growth = 1.0;                    ///< map points per force over the smallest world's
};

/// The world of a run of `rows` street crimes over `months` months.
world_scale world_scale_of(std::uint64_t rows, int months);

/// A force's people before growth, for sharing the world's points out between the forces.
double nominal_population(const force_spec& spec);

}  // namespace crimemap::generator
