// generator/neighbourhoods.cpp: each neighbourhood's people and its name.

#include "generator/force_builder.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace crimemap::generator;

TEST_CASE("neighbourhoods have names unique in their force and people in whole tens", "[generate]") {
    const std::vector<force_world> worlds = build_worlds(6, world_scale_of(20000, 12));
    for (const force_world& world : worlds) {
        INFO(world.spec->id);
        std::set<std::string> names;
        for (const neighbourhood& cell : world.neighbourhoods) {
            INFO(cell.id << " " << cell.name);
            CHECK_FALSE(cell.name.empty());
            CHECK(names.insert(cell.name).second);
            CHECK(cell.population % 10 == 0);
            CHECK(cell.population >= 300);  // farms and hamlets, at least
            CHECK((cell.main_town == none || cell.main_town < world.towns.size()));
            for (std::size_t k = 1; k < cell.towns.size(); ++k) {
                CHECK(world.towns[cell.towns[k - 1]].population >= world.towns[cell.towns[k]].population);
            }
        }
        // The city's own neighbourhood is named for its centre.
        const std::string city = world.towns.front().name;
        CHECK(names.count(city + " Central") == 1);
    }
}
