// Each neighbourhood's people and its name, after the places it holds or lies by.

#include "generator/force_builder.hpp"
#include "generator/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

namespace crimemap::generator {

void force_builder::count_population() {
    // A place's residents are spread evenly over its street points.
    std::vector<double> people(world_.neighbourhoods.size(), 0.0);
    std::vector<std::vector<double>> people_by_town(world_.neighbourhoods.size(),
                                                    std::vector<double>(world_.towns.size(), 0.0));
    for (const map_point& point : world_.points) {
        const town& place = world_.towns[point.town];
        if (point.rural) {
            people[point.neighbourhood] += 150.0;
        } else if (point.street_index != no_street) {
            const double share = static_cast<double>(place.population) / static_cast<double>(place.residential_points);
            people[point.neighbourhood] += share;
            people_by_town[point.neighbourhood][point.town] += share;
        }
    }
    for (std::size_t n = 0; n < people.size(); ++n) {
        const std::vector<double>& by_town = people_by_town[n];
        const auto most = std::max_element(by_town.begin(), by_town.end());
        if (*most > 0.0) {
            world_.neighbourhoods[n].main_town = static_cast<std::size_t>(most - by_town.begin());
        }
        const double scattered = 300.0 + 2200.0 * random_.unit();  // farms and hamlets
        world_.neighbourhoods[n].population =
            static_cast<std::uint32_t>(std::llround((people[n] + scattered) / 10.0) * 10);
    }
}

void force_builder::name_neighbourhoods() {
    std::set<std::string> used;
    const double force_centre_x = width_ / 2.0;
    const double force_centre_y = height_ / 2.0;
    for (neighbourhood& cell : world_.neighbourhoods) {
        std::string name;
        const bool urban = cell.main_town != none && world_.towns[cell.main_town].size != town_size::village;
        const bool holds_centre =
            urban && std::find(cell.towns.begin(), cell.towns.end(), cell.main_town) != cell.towns.end();
        if (urban && !holds_centre) {
            // Part of a city or town whose centre is elsewhere.
            const town& place = world_.towns[cell.main_town];
            name = join({place.name, " ", compass(cell.centre_x - place.x, cell.centre_y - place.y)});
        } else if (urban) {
            const town& place = world_.towns[cell.main_town];
            name = place.size == town_size::city ? join({place.name, " Central"}) : place.name;
        } else if (!cell.towns.empty()) {
            const town& biggest = world_.towns[cell.towns.front()];
            if (cell.towns.size() > 1) {
                name = join({biggest.name, " and ", world_.towns[cell.towns[1]].name});
            } else {
                name = join({biggest.name, " and District"});
            }
        } else {
            // Outskirts of a city or town when one is close, else the countryside between
            // its two nearest villages.
            std::size_t near_town = none;
            double near_distance = std::numeric_limits<double>::infinity();
            std::array<std::size_t, 2> villages{none, none};
            std::array<double, 2> village_distance{std::numeric_limits<double>::infinity(),
                                                   std::numeric_limits<double>::infinity()};
            for (std::size_t t = 0; t < world_.towns.size(); ++t) {
                const town& place = world_.towns[t];
                const double d = length_of(place.x - cell.centre_x, place.y - cell.centre_y);
                if (place.size != town_size::village) {
                    if (d - place.radius < near_distance) {
                        near_distance = d - place.radius;
                        near_town = t;
                    }
                } else if (d < village_distance[0]) {
                    villages[1] = villages[0];
                    village_distance[1] = village_distance[0];
                    villages[0] = t;
                    village_distance[0] = d;
                } else if (d < village_distance[1]) {
                    villages[1] = t;
                    village_distance[1] = d;
                }
            }
            const double half_diagonal = length_of(cell.x_max - cell.x_min, cell.y_max - cell.y_min) / 2.0;
            if (near_town != none && near_distance < half_diagonal) {
                const town& place = world_.towns[near_town];
                name = join({place.name, " ", compass(cell.centre_x - place.x, cell.centre_y - place.y)});
            } else if (villages[1] != none) {
                name = join({world_.towns[villages[0]].name, " and ", world_.towns[villages[1]].name, " Rural"});
            } else {
                name = join({spec_.name.substr(0, spec_.name.find(' ')), " Rural"});
            }
        }
        if (used.count(name) != 0) {
            name = join({name, " ", compass(cell.centre_x - force_centre_x, cell.centre_y - force_centre_y)});
        }
        const std::string base = name;
        for (int suffix = 2; used.count(name) != 0; ++suffix) {
            name = join({base, " ", std::to_string(suffix)});
        }
        used.insert(name);
        cell.name = std::move(name);
    }
}

}  // namespace crimemap::generator
