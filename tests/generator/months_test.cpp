// generator/months.hpp: the months of a run and the dates in its files.

#include "generator/months.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator;

TEST_CASE("a month knows its text and its days, leap years included", "[generate]") {
    const month_stamp february = stamp_of(2024 * 12 + 1);
    CHECK(february.text == "2024-02");
    CHECK(february.year == 2024);
    CHECK(february.month == 2);
    CHECK(february.days == 29);
    CHECK(stamp_of(2023 * 12 + 1).days == 28);
    CHECK(stamp_of(1900 * 12 + 1).days == 28);
    CHECK(stamp_of(2000 * 12 + 1).days == 29);
    CHECK(stamp_of(2024 * 12 + 3).days == 30);
}

TEST_CASE("a run's months end at its last month, oldest first, across a year's end", "[generate]") {
    const std::vector<month_stamp> months = months_ending(202401, 3);
    REQUIRE(months.size() == 3);
    CHECK(months[0].text == "2023-11");
    CHECK(months[1].text == "2023-12");
    CHECK(months[2].text == "2024-01");
    CHECK(date_time_text(months[2], 5, 9, 30) == "2024-01-05T09:30:00");
}
