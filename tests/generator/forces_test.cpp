// generator/forces.cpp: the world grows with the crimes a month.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("the world grows with the crimes a month: more forces and more points", "[generate][density]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path();
    options.rows = 90000;
    options.months = 1;  // 90,000 crimes a month: a world of 180,000 points
    std::ostringstream log;
    generate(options, log);
    CHECK(force_ids(folder.path()).size() == 8);
    const point_census census = census_of(folder.path());
    const std::vector<std::uint64_t> counts = sorted_counts(census);
    INFO(counts.size() << " distinct points in one month, median " << counts[counts.size() / 2] << ", 99th percentile "
                       << counts[counts.size() * 99 / 100] << ", busiest " << counts.back());
    // One month of crime reaches fewer of the points than a year would; as in one month of
    // Essex's (13,139 crimes on 5,971 points), most points have one crime and the top 1% a dozen.
    CHECK(counts.size() >= 0.2 * 180000);
    CHECK(counts.size() <= 0.6 * 180000);
    CHECK(counts[counts.size() / 2] <= 2);
    CHECK(counts[counts.size() * 99 / 100] >= 5);
    CHECK(counts[counts.size() * 99 / 100] <= 25);
}
