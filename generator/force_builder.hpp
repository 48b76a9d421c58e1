#pragma once
// Builds the invented world of a run, force by force. force_builder::build takes its steps in a
// fixed order from one random stream per force (stream::geography), so the same seed gives the
// same world; each step is defined in the file of what it makes.

#include "generator/forces.hpp"
#include "generator/geometry.hpp"
#include "generator/random.hpp"
#include "generator/world.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace crimemap::generator {

class street_cells;

/// Builds one force's towns, streets, map points, LSOAs, neighbourhoods and postcodes.
class force_builder {
public:
    /// `points` is how many map points the force should hold, about; `growth` as world_scale's.
    /// Place names and LSOA codes are unique across forces: the builders of a run share them.
    force_builder(const force_spec& spec, std::size_t force_index, std::uint64_t seed, double growth, double points,
                  std::set<std::string>& used_place_names, std::uint32_t& next_lsoa_code);

    /// The force's world; call once.
    force_world build();

private:
    // places.cpp: the city, towns and villages
    std::string invent_place_name();
    void place_towns();
    void add_town(town_size size, std::uint32_t population);

    // boundaries.cpp: the neighbourhoods' grid of boundaries
    std::vector<double> grid_widths(int count, double extent, double city_position);
    std::array<micro_point, 3> wiggle(frame_point from, frame_point to);
    void build_neighbourhood_grid();
    std::size_t neighbourhood_of(micro_point p, double margin) const;
    void locate_town_centres();

    // streets.cpp: the street network
    std::string invent_street_name(std::size_t t, std::size_t made, std::set<std::string>& used);
    std::string invent_close_name(std::set<std::string>& used);
    std::string main_road_name(std::size_t t, double ux, double uy, std::set<std::string>& used);
    std::vector<frame_point> grow_line(frame_point from, double ux, double uy, double length, double step, double bend,
                                       double centre_x, double centre_y, double reach, const street_cells* cells,
                                       std::uint32_t parent);
    std::uint32_t add_street(std::string name, std::size_t t, road_class kind, bool rural,
                             std::vector<frame_point> line);
    void add_town_streets(std::size_t t, double points_wanted);
    void add_rural_lanes(int lanes);

    // map_points.cpp: the map points on the streets, their LSOAs, weights and published text
    bool try_add_point(double x, double y, map_point point);
    bool add_point_on(std::uint32_t s, double arc, map_point point);
    void add_street_points(std::uint32_t s, std::size_t count);
    void add_hot_spots(std::size_t t, const std::vector<std::uint32_t>& mains);
    void assign_lsoas();
    void weigh_points();
    void make_blocks();

    // neighbourhoods.cpp: the neighbourhoods' people and names
    void count_population();
    void name_neighbourhoods();

    // postcodes.cpp
    void make_postcodes();

    const force_spec& spec_;
    double growth_;
    double points_wanted_;
    random_source random_;
    local_frame frame_;
    double width_;
    double height_;
    std::set<std::string>& used_place_names_;
    std::uint32_t& next_lsoa_code_;
    force_world world_;
};

/// Every force of a world of `scale`, in force_specs order.
std::vector<force_world> build_worlds(std::uint64_t seed, const world_scale& scale);

}  // namespace crimemap::generator
