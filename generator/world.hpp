#pragma once
// What the generator invents for one force, before any file is written: its places, streets,
// map points, LSOAs, neighbourhoods and postcodes (force_world), built by force_builder.

#include "generator/forces.hpp"
#include "generator/geometry.hpp"
#include "generator/random.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::generator {

enum class town_size : std::uint8_t { city, town, village };

/// What kind of place a map point is; it shifts the mix of crime types recorded there.
enum class place_profile : std::uint8_t { residential, retail, night_time, parking, town_centre };

inline constexpr std::uint32_t no_street = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint32_t no_location = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// Points closer than this to a neighbourhood boundary are moved: about 0.5 m, far more than
// any reader's rounding, so every reader agrees which neighbourhood holds a point.
inline constexpr double boundary_margin_micro = 5.0;

struct town {
    std::string name;
    town_size size = town_size::village;
    double x = 0.0;  ///< metres in the force's frame
    double y = 0.0;
    double radius = 0.0;
    double spread = 0.0;  ///< how far its streets reach beyond its radius
    std::uint32_t population = 0;
    std::size_t district = 0;   ///< the city or town whose name its LSOAs carry
    int postcode_district = 0;  ///< a city has four, from this one up
    std::size_t residential_points = 0;
};

/// OpenStreetMap's highway classes, as the --osm file tags the streets.
enum class road_class : std::uint8_t { primary, secondary, tertiary, residential, unclassified };

struct street {
    std::string name;
    std::size_t town = 0;
    bool rural = false;
    road_class kind = road_class::residential;
    double x = 0.0;  ///< the middle of its line
    double y = 0.0;
    std::vector<frame_point> line;      ///< its polyline, at least two vertices
    std::vector<std::uint32_t> points;  ///< map points named after it, in order along it
    /// Every map point on it (those named after it and hot spots beside it) with its distance
    /// along the line in metres, in order: the --osm way passes through each.
    std::vector<std::pair<double, std::uint32_t>> stops;
    std::string postcode;  ///< the first of its postcodes; empty when it has none
};

struct map_point {
    micro_point at;
    double x = 0.0;
    double y = 0.0;
    std::size_t town = 0;
    std::uint32_t street_index = no_street;
    bool rural = false;
    std::uint32_t lsoa_index = 0;
    std::uint32_t neighbourhood = 0;
    place_profile profile = place_profile::residential;
    double weight = 0.0;
    std::string location;  ///< "On or near ..." as published
};

struct lsoa {
    std::string code;
    std::string name;
};

struct neighbourhood {
    std::string id;
    std::string name;
    ring boundary;
    double x_min = 0.0, y_min = 0.0, x_max = 0.0, y_max = 0.0;  ///< bounds in metres
    std::int32_t lon_min = 0, lat_min = 0, lon_max = 0, lat_max = 0;
    double centre_x = 0.0;
    double centre_y = 0.0;
    micro_point centre;
    std::uint32_t population = 0;
    std::vector<std::size_t> towns;                                   ///< places whose centre lies in it, largest first
    std::size_t main_town = std::numeric_limits<std::size_t>::max();  ///< where most residents live
};

struct postcode_entry {
    std::string postcode;
    std::int64_t easting = 0;
    std::int64_t northing = 0;
};

/// Everything about one invented force that the monthly files draw from.
struct force_world {
    const force_spec* spec = nullptr;
    std::vector<town> towns;
    std::vector<street> streets;
    std::vector<map_point> points;
    std::vector<lsoa> lsoas;
    std::vector<neighbourhood> neighbourhoods;
    std::vector<postcode_entry> postcodes;
    alias_table sampler;
    double crime_weight = 0.0;
    // Each point's published text, laid end to end: "lon,lat,On or near X,E01...,Name 001A" for
    // street and outcome rows, "lat,lon" for stop and search rows.
    std::string crime_blocks;
    std::vector<std::uint32_t> crime_block_starts;
    std::string stop_blocks;
    std::vector<std::uint32_t> stop_block_starts;

    std::string_view crime_block(std::uint32_t point) const {
        if (point == no_location) {
            return ",,No Location,,";
        }
        return std::string_view(crime_blocks)
            .substr(crime_block_starts[point], crime_block_starts[point + 1] - crime_block_starts[point]);
    }

    std::string_view stop_block(std::uint32_t point) const {
        if (point == no_location) {
            return ",";
        }
        return std::string_view(stop_blocks)
            .substr(stop_block_starts[point], stop_block_starts[point + 1] - stop_block_starts[point]);
    }
};

}  // namespace crimemap::generator
