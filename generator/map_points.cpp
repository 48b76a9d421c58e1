// The map points: on the streets' lines, named after their street, or the named hot spots of
// town centres; each with its LSOA, its weight for drawing crimes, and its published text.

#include "generator/force_builder.hpp"
#include "generator/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

namespace crimemap::generator {

namespace {

struct hot_spot_kind {
    std::string_view label;
    place_profile profile;
    std::array<int, 3> count;  ///< per city, town, village
};

constexpr std::array<hot_spot_kind, 13> hot_spot_kinds{{
    {"Shopping Area", place_profile::retail, {4, 1, 0}},
    {"Supermarket", place_profile::retail, {6, 2, 1}},
    {"Parking Area", place_profile::parking, {5, 2, 1}},
    {"Petrol Station", place_profile::parking, {3, 1, 0}},
    {"Nightclub", place_profile::night_time, {4, 1, 0}},
    {"Police Station", place_profile::night_time, {1, 1, 0}},
    {"Bus/Coach Station", place_profile::night_time, {1, 1, 0}},
    {"Pedestrian Subway", place_profile::night_time, {2, 0, 0}},
    {"Sports/Recreation Area", place_profile::residential, {3, 1, 1}},
    {"Hospital", place_profile::residential, {1, 0, 0}},
    {"Further/Higher Educational Building", place_profile::residential, {2, 1, 0}},
    {"Theatre/Concert Hall", place_profile::night_time, {1, 0, 0}},
    {"Conference/Exhibition Centre", place_profile::residential, {1, 0, 0}},
}};

}  // namespace

/// Adds a point at (x, y) when it lies well inside one neighbourhood; returns whether it did.
bool force_builder::try_add_point(double x, double y, map_point point) {
    const micro_point at = frame_.to_micro(x, y);
    const std::size_t cell = neighbourhood_of(at, boundary_margin_micro);
    if (cell == none) {
        return false;
    }
    point.at = at;
    point.x = x;
    point.y = y;
    point.neighbourhood = static_cast<std::uint32_t>(cell);
    if (point.street_index != no_street) {
        world_.streets[point.street_index].points.push_back(static_cast<std::uint32_t>(world_.points.size()));
    }
    world_.points.push_back(std::move(point));
    return true;
}

/// Adds a map point at `arc` metres along street s (or a few metres on, when that is too near
/// a neighbourhood boundary); returns whether it did.
bool force_builder::add_point_on(std::uint32_t s, double arc, map_point point) {
    const street& road = world_.streets[s];
    const double length = line_length(road.line);
    for (int attempt = 0; attempt < 6; ++attempt) {
        const double along = std::clamp(arc + 4.0 * attempt, 0.0, length);
        const frame_point at = point_along(road.line, along);
        if (try_add_point(at.x, at.y, point)) {
            world_.streets[s].stops.emplace_back(along, static_cast<std::uint32_t>(world_.points.size() - 1));
            return true;
        }
    }
    return false;
}

/// `count` map points spread along street s with some jitter, named after it.
void force_builder::add_street_points(std::uint32_t s, std::size_t count) {
    const street& road = world_.streets[s];
    const town& place = world_.towns[road.town];
    const double length = line_length(road.line);
    const bool shops = road.name == "High Street" || road.name == "Market Place";
    for (std::size_t k = 0; k < count; ++k) {
        map_point point;
        point.town = road.town;
        point.street_index = s;
        point.rural = road.rural;
        // Real data has a few points whose street has no name.
        point.location = !road.rural && random_.chance(0.03) ? "On or near " : join({"On or near ", road.name});
        const double arc =
            (static_cast<double>(k) + 0.5 + 0.35 * random_.centred()) * length / static_cast<double>(count);
        const frame_point at = point_along(road.line, arc);
        const double from_centre = length_of(at.x - place.x, at.y - place.y);
        if (!road.rural && place.size != town_size::village && shops && from_centre < 0.4 * place.radius) {
            point.profile = place_profile::retail;
        } else if (!road.rural && place.size != town_size::village && from_centre < 0.18 * place.radius) {
            point.profile = place_profile::town_centre;
        }
        if (add_point_on(s, arc, std::move(point)) && !road.rural) {
            ++world_.towns[road.town].residential_points;
        }
    }
}

/// The hot spots of place t ("On or near Supermarket"), on its main roads near its centre.
void force_builder::add_hot_spots(std::size_t t, const std::vector<std::uint32_t>& mains) {
    const town& place = world_.towns[t];
    const auto size_index = static_cast<std::size_t>(place.size);
    for (const hot_spot_kind& kind : hot_spot_kinds) {
        for (int k = 0; k < kind.count[size_index] && !mains.empty(); ++k) {
            map_point point;
            point.town = t;
            point.profile = kind.profile;
            point.location = join({"On or near ", kind.label});
            for (int attempt = 0; attempt < 20; ++attempt) {
                const std::uint32_t s = mains[random_.below(mains.size())];
                const double arc = world_.streets[s].kind == road_class::tertiary
                                       ? line_length(world_.streets[s].line) * random_.unit()
                                       : 0.3 * place.radius * random_.unit();
                if (add_point_on(s, arc, point)) break;
            }
        }
    }
}

void force_builder::assign_lsoas() {
    // An LSOA is a square of a grid laid over each place (sized for ~1,500 residents each),
    // or a 4 km square of countryside; it is named after the district, numbered in order.
    std::map<std::tuple<std::size_t, bool, long, long>, std::uint32_t> lsoa_of_square;
    std::vector<std::uint32_t> next_in_district(world_.towns.size(), 0);
    for (map_point& point : world_.points) {
        const town& place = world_.towns[point.town];
        long gx = 0;
        long gy = 0;
        if (point.rural) {
            gx = static_cast<long>(std::floor(point.x / 4000.0));
            gy = static_cast<long>(std::floor(point.y / 4000.0));
        } else {
            const double across = std::max(1.0, std::round(std::sqrt(place.population / 1500.0)));
            const double extent = 2.0 * (place.radius + place.spread);
            const double square = extent / across;
            const long last = static_cast<long>(across) - 1;
            gx = std::clamp(static_cast<long>(std::floor((point.x - place.x + extent / 2.0) / square)), 0L, last);
            gy = std::clamp(static_cast<long>(std::floor((point.y - place.y + extent / 2.0) / square)), 0L, last);
        }
        const auto key = std::make_tuple(point.town, point.rural, gx, gy);
        const auto found = lsoa_of_square.find(key);
        if (found != lsoa_of_square.end()) {
            point.lsoa_index = found->second;
            continue;
        }
        const std::size_t district = place.district;
        const std::uint32_t number = next_in_district[district]++;
        lsoa area;
        area.code = join({"E01", zero_padded(next_lsoa_code_++, 6)});
        area.name = join({world_.towns[district].name, " ", zero_padded(number / 5 + 1, 3),
                          std::string(1, static_cast<char>('A' + number % 5))});
        point.lsoa_index = static_cast<std::uint32_t>(world_.lsoas.size());
        lsoa_of_square.emplace(key, point.lsoa_index);
        world_.lsoas.push_back(std::move(area));
    }
}

void force_builder::weigh_points() {
    // Crime per resident grows with the size of the place. Each point's weight has a long
    // tail (most points see a crime or two a year, a few dozens) and falls away from its
    // place's centre; the hot spots share an eighth of a town's crime (a twelfth of a
    // village's), unevenly, so the busiest take thousands in a national run.
    std::vector<double> town_share(world_.towns.size(), 0.0);
    std::vector<double> street_sum(world_.towns.size(), 0.0);
    std::vector<double> hot_sum(world_.towns.size(), 0.0);
    double rural_sum = 0.0;
    double towns_total = 0.0;
    for (std::size_t t = 0; t < world_.towns.size(); ++t) {
        const double people = world_.towns[t].population;
        town_share[t] = people * (0.7 + 0.3 * people / 100000.0);
        towns_total += town_share[t];
    }
    for (map_point& point : world_.points) {
        const town& place = world_.towns[point.town];
        const double u = random_.unit();
        const double v = random_.unit();
        const double d = length_of(point.x - place.x, point.y - place.y) / (0.5 * place.radius);
        if (point.rural) {
            point.weight = 1.0 / ((0.03 + u) * (0.08 + v * v));
            rural_sum += point.weight;
        } else if (point.street_index == no_street) {
            point.weight = (10.0 + 300.0 * u * u) / (1.0 + d * d);
            hot_sum[point.town] += point.weight;
        } else {
            point.weight = 1.0 / ((0.03 + u) * (0.08 + v * v) * (1.0 + d * d));
            street_sum[point.town] += point.weight;
        }
    }
    const double rural_share = 0.06 * towns_total;
    std::vector<double> weights;
    weights.reserve(world_.points.size());
    for (map_point& point : world_.points) {
        const std::size_t t = point.town;
        const double hot_share =
            hot_sum[t] > 0.0 ? (world_.towns[t].size == town_size::village ? 1.0 / 12.0 : 1.0 / 8.0) : 0.0;
        if (point.rural) {
            point.weight *= rural_share / rural_sum;
        } else if (point.street_index == no_street) {
            point.weight *= town_share[t] * hot_share / hot_sum[t];
        } else {
            point.weight *= town_share[t] * (1.0 - hot_share) / street_sum[t];
        }
        weights.push_back(point.weight);
        world_.crime_weight += point.weight;
    }
    world_.sampler = alias_table(weights);
}

void force_builder::make_blocks() {
    char buffer[32];
    for (const map_point& point : world_.points) {
        const lsoa& area = world_.lsoas[point.lsoa_index];
        world_.crime_block_starts.push_back(static_cast<std::uint32_t>(world_.crime_blocks.size()));
        world_.crime_blocks.append(buffer, write_degrees(buffer, point.at.lon));
        world_.crime_blocks += ',';
        world_.crime_blocks.append(buffer, write_degrees(buffer, point.at.lat));
        world_.crime_blocks += ',';
        world_.crime_blocks += point.location;
        world_.crime_blocks += ',';
        world_.crime_blocks += area.code;
        world_.crime_blocks += ',';
        world_.crime_blocks += area.name;

        world_.stop_block_starts.push_back(static_cast<std::uint32_t>(world_.stop_blocks.size()));
        world_.stop_blocks.append(buffer, write_degrees(buffer, point.at.lat));
        world_.stop_blocks += ',';
        world_.stop_blocks.append(buffer, write_degrees(buffer, point.at.lon));
    }
    world_.crime_block_starts.push_back(static_cast<std::uint32_t>(world_.crime_blocks.size()));
    world_.stop_block_starts.push_back(static_cast<std::uint32_t>(world_.stop_blocks.size()));
}

}  // namespace crimemap::generator
