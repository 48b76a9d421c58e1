// generator/random.hpp: the one kind of random numbers, and the weighted picks made from it.

#include "generator/random.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <vector>

using namespace crimemap::generator;

TEST_CASE("a random source repeats itself for the same seed, stream and keys, and for no other", "[generate]") {
    auto first_draws = [](random_source random) {
        std::vector<std::uint64_t> draws;
        for (int i = 0; i < 8; ++i) draws.push_back(random.next());
        return draws;
    };
    const auto draws = first_draws(random_source(1, stream::street, 2, 3));
    CHECK(draws == first_draws(random_source(1, stream::street, 2, 3)));
    CHECK(draws != first_draws(random_source(2, stream::street, 2, 3)));
    CHECK(draws != first_draws(random_source(1, stream::stops, 2, 3)));
    CHECK(draws != first_draws(random_source(1, stream::street, 3, 2)));
    CHECK(draws != first_draws(random_source(1, stream::street, 2, 4)));
}

TEST_CASE("a random source's numbers stay in their ranges and reach both ends", "[generate]") {
    random_source random(7, stream::geography);
    std::set<int> seen;
    for (int i = 0; i < 10000; ++i) {
        const double u = random.unit();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        const double c = random.centred();
        REQUIRE(c >= -1.0);
        REQUIRE(c < 1.0);
        REQUIRE(random.below(5) < 5);
        const int b = random.between(-2, 2);
        REQUIRE(b >= -2);
        REQUIRE(b <= 2);
        seen.insert(b);
        const auto [x, y] = random.in_disc();
        REQUIRE(x * x + y * y <= 1.0);
    }
    CHECK(seen == std::set<int>{-2, -1, 0, 1, 2});
}

TEST_CASE("a weighted choice picks each index in proportion to its weight, never a zero weight", "[generate]") {
    const weighted_choice choice{1, 0, 3, 6};
    random_source random(3, stream::details);
    std::array<int, 4> counts{};
    constexpr int draws = 100000;
    for (int i = 0; i < draws; ++i) ++counts.at(choice.pick(random));
    CHECK(counts[1] == 0);
    CHECK(counts[0] == Approx(0.1 * draws).epsilon(0.05));
    CHECK(counts[2] == Approx(0.3 * draws).epsilon(0.03));
    CHECK(counts[3] == Approx(0.6 * draws).epsilon(0.02));
    CHECK_THROWS_AS(weighted_choice({0, 0}), std::logic_error);
}

TEST_CASE("a label choice picks its labels by their weights", "[generate]") {
    const label_choice choice{{"often", 9}, {"never", 0}, {"seldom", 1}};
    random_source random(4, stream::schemes);
    int often = 0;
    for (int i = 0; i < 10000; ++i) {
        const std::string_view label = choice.pick(random);
        REQUIRE(label != "never");
        often += label == "often";
    }
    CHECK(often == Approx(9000).epsilon(0.03));
}

TEST_CASE("the alias table picks map points in proportion to their weights, one draw each", "[generate]") {
    const std::vector<double> weights{0.5, 0.0, 2.0, 1.5, 6.0};
    const alias_table table(weights);
    random_source random(5, stream::street);
    std::vector<int> counts(weights.size());
    constexpr int draws = 200000;
    for (int i = 0; i < draws; ++i) ++counts.at(table.pick(random.next()));
    CHECK(counts[1] == 0);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i] == 0.0) continue;
        INFO("index " << i);
        CHECK(counts[i] == Approx(weights[i] / 10.0 * draws).epsilon(0.04));
    }
}
