// The places of a force: a city, towns and villages with invented names, spread apart.

#include "generator/force_builder.hpp"
#include "generator/names.hpp"
#include "generator/text.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace crimemap::generator {

std::string force_builder::invent_place_name() {
    for (;;) {
        std::string name = join({random_.pick(name_starts), random_.pick(name_ends)});
        // "Pell" + "ley" reads "Pelley": no letter three times in a row.
        for (std::size_t i = 2; i < name.size(); ++i) {
            if (name[i] == name[i - 1] && name[i] == name[i - 2]) {
                name.erase(i, 1);
                --i;
            }
        }
        if (used_place_names_.insert(name).second) {
            return name;
        }
    }
}

void force_builder::place_towns() {
    const double people = std::sqrt(growth_);
    auto grown = [&](double population) { return static_cast<std::uint32_t>(std::llround(population * people)); };
    add_town(town_size::city, grown(spec_.city_population));
    for (int i = 0; i < spec_.towns; ++i) {
        const double u = random_.unit();
        add_town(town_size::town, grown(18000 + u * u * 57000.0));
    }
    for (int i = 0; i < spec_.villages; ++i) {
        const double u = random_.unit();
        add_town(town_size::village, grown(700 + u * u * 5000.0));
    }
    // Villages belong to the district of the nearest city or town; postcode districts are
    // numbered city first (four of them), then in order of founding.
    int next_postcode_district = 1;
    for (std::size_t t = 0; t < world_.towns.size(); ++t) {
        town& place = world_.towns[t];
        place.postcode_district = next_postcode_district;
        next_postcode_district += place.size == town_size::city ? 4 : 1;
        if (place.size != town_size::village) {
            place.district = t;
            continue;
        }
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t other = 0; other < world_.towns.size(); ++other) {
            const town& candidate = world_.towns[other];
            if (candidate.size == town_size::village) {
                continue;
            }
            const double d = length_of(candidate.x - place.x, candidate.y - place.y);
            if (d < best) {
                best = d;
                place.district = other;
            }
        }
    }
}

void force_builder::add_town(town_size size, std::uint32_t population) {
    town place;
    place.name = invent_place_name();
    place.size = size;
    place.population = population;
    place.radius = 900.0 * std::sqrt(population / 10000.0);
    place.spread = 0.25 * place.radius;
    const double margin = place.radius + 2500.0;
    double gap = size == town_size::village ? 1500.0 : 5000.0;
    for (int attempt = 0;; ++attempt) {
        if (attempt > 0 && attempt % 200 == 0) {
            gap /= 2.0;  // a crowded force: let places sit closer rather than loop forever
        }
        if (size == town_size::city) {
            place.x = width_ * (0.3 + 0.4 * random_.unit());
            place.y = height_ * (0.3 + 0.4 * random_.unit());
        } else {
            place.x = margin + (width_ - 2.0 * margin) * random_.unit();
            place.y = margin + (height_ - 2.0 * margin) * random_.unit();
        }
        bool clear = true;
        for (const town& other : world_.towns) {
            if (length_of(other.x - place.x, other.y - place.y) < other.radius + place.radius + gap) {
                clear = false;
                break;
            }
        }
        if (clear) {
            break;
        }
    }
    world_.towns.push_back(std::move(place));
}

}  // namespace crimemap::generator
