// generator/postcodes.cpp and british_national_grid.hpp: postcodes.csv and the projection.

#include "generated_sample.hpp"
#include "generator/british_national_grid.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("postcodes are unique upper-case units on the National Grid inside the forces", "[generate]") {
    const std::vector<std::string> lines = read_lines(sample().folder.path() / "postcodes" / "postcodes.csv");
    REQUIRE(lines.size() > 1);
    std::set<std::string> seen;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::vector<std::string> f = split_row(lines[i]);
        REQUIRE(f.size() >= 3);
        const std::string& postcode = f[0];
        INFO(postcode);
        CHECK(seen.insert(postcode).second);
        const std::size_t space = postcode.find(' ');
        REQUIRE(space != std::string::npos);
        CHECK(postcode.size() - space == 4);  // " 9XX"
        CHECK(std::all_of(postcode.begin(), postcode.end(), [](char c) {
            return c == ' ' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        }));
        const long easting = std::stol(f[1]);
        const long northing = std::stol(f[2]);
        // England's land on the National Grid.
        CHECK(easting > 130000);
        CHECK(easting < 660000);
        CHECK(northing > 10000);
        CHECK(northing < 660000);
    }
    CHECK(seen.size() == sample().summary.postcodes);
}

TEST_CASE("the National Grid projection matches the Ordnance Survey's worked example", "[generate]") {
    using crimemap::generator::osgb36_to_grid;
    using crimemap::generator::wgs84_to_british_grid;
    // OS "A guide to coordinate systems in Great Britain", annex C: 52°39'27.2531"N 1°43'4.5177"E.
    const auto worked = osgb36_to_grid(52.0 + 39.0 / 60.0 + 27.2531 / 3600.0, 1.0 + 43.0 / 60.0 + 4.5177 / 3600.0);
    CHECK(worked.easting == Approx(651409.903).margin(0.01));
    CHECK(worked.northing == Approx(313177.270).margin(0.01));
    // Elizabeth Tower, Westminster: about TQ 30268 79640 on the grid.
    const auto tower = wgs84_to_british_grid(51.5007292, -0.1246254);
    CHECK(tower.easting == Approx(530268.0).margin(30.0));
    CHECK(tower.northing == Approx(179640.0).margin(30.0));
}
