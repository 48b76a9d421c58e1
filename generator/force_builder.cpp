#include "generator/force_builder.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace crimemap::generator {

force_builder::force_builder(const force_spec& spec, std::size_t force_index, std::uint64_t seed, double growth,
                             double points, std::set<std::string>& used_place_names, std::uint32_t& next_lsoa_code)
    : spec_(spec),
      growth_(growth),
      points_wanted_(points),
      random_(seed, stream::geography, force_index),
      frame_(frame_of(spec)),
      width_(frame_.width_of(spec.east)),
      height_(frame_.height_of(spec.north)),
      used_place_names_(used_place_names),
      next_lsoa_code_(next_lsoa_code) {
    world_.spec = &spec;
}

force_world force_builder::build() {
    place_towns();
    build_neighbourhood_grid();
    locate_town_centres();
    const int lanes = static_cast<int>(std::lround(spec_.rural_lanes * growth_));
    double people = 0.0;
    for (const town& place : world_.towns) {
        people += place.population;
    }
    // What the lanes (2.5 points each) and hot spots leave goes to the places' streets.
    const double town_points = std::max(points_wanted_ - 2.5 * lanes - 150.0, 0.5 * points_wanted_);
    for (std::size_t t = 0; t < world_.towns.size(); ++t) {
        add_town_streets(t, std::max(8.0, town_points * world_.towns[t].population / people));
    }
    add_rural_lanes(lanes);
    for (street& road : world_.streets) {
        std::stable_sort(road.stops.begin(), road.stops.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    assign_lsoas();
    weigh_points();
    count_population();
    name_neighbourhoods();
    make_postcodes();
    make_blocks();
    return std::move(world_);
}

std::vector<force_world> build_worlds(std::uint64_t seed, const world_scale& scale) {
    std::vector<force_world> worlds;
    std::set<std::string> used_place_names;
    // Real LSOA codes stop near E01035800; starting at 50001 keeps invented ones apart.
    std::uint32_t next_lsoa_code = 50001;
    double people = 0.0;
    for (std::size_t f = 0; f < scale.forces; ++f) {
        people += nominal_population(force_specs[f]);
    }
    for (std::size_t f = 0; f < scale.forces; ++f) {
        const double points = scale.points * nominal_population(force_specs[f]) / people;
        worlds.push_back(
            force_builder(force_specs[f], f, seed, scale.growth, points, used_place_names, next_lsoa_code).build());
    }
    return worlds;
}

}  // namespace crimemap::generator
