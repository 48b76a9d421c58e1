// generator/places.cpp: each force's city, towns and villages.

#include "generator/force_builder.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace crimemap::generator;

TEST_CASE("each force has its city first, then its towns and villages, none overlapping", "[generate]") {
    const std::vector<force_world> worlds = build_worlds(3, world_scale_of(20000, 12));
    REQUIRE(worlds.size() == first_forces);
    std::set<std::string> names;
    for (const force_world& world : worlds) {
        const force_spec& spec = *world.spec;
        INFO(spec.id);
        REQUIRE(world.towns.size() == static_cast<std::size_t>(1 + spec.towns + spec.villages));
        CHECK(world.towns.front().size == town_size::city);
        const local_frame frame = frame_of(spec);
        for (std::size_t t = 0; t < world.towns.size(); ++t) {
            const town& place = world.towns[t];
            INFO(place.name);
            CHECK(place.size == (t == 0                                      ? town_size::city
                                 : t <= static_cast<std::size_t>(spec.towns) ? town_size::town
                                                                             : town_size::village));
            CHECK(names.insert(place.name).second);  // unique across the forces
            for (std::size_t i = 2; i < place.name.size(); ++i) {
                CHECK_FALSE((place.name[i] == place.name[i - 1] && place.name[i] == place.name[i - 2]));
            }
            CHECK(place.x > 0.0);
            CHECK(place.y > 0.0);
            CHECK(place.x < frame.width_of(spec.east));
            CHECK(place.y < frame.height_of(spec.north));
            const town& district = world.towns[place.district];
            CHECK(district.size != town_size::village);
            if (place.size != town_size::village) CHECK(place.district == t);
            for (std::size_t other = 0; other < t; ++other) {
                const town& there = world.towns[other];
                CHECK(length_of(there.x - place.x, there.y - place.y) > there.radius + place.radius);
            }
        }
    }
}

TEST_CASE("the same seed builds the same places, another seed others", "[generate]") {
    const world_scale scale = world_scale_of(20000, 12);
    auto names_of = [&](std::uint64_t seed) {
        std::vector<std::string> names;
        for (const force_world& world : build_worlds(seed, scale))
            for (const town& place : world.towns)
                names.push_back(place.name);
        return names;
    };
    CHECK(names_of(9) == names_of(9));
    CHECK(names_of(9) != names_of(10));
}
