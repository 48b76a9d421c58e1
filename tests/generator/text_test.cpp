// generator/text.hpp: degrees with six decimals, padded numbers, names joined from parts.

#include "generator/text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace crimemap::generator;

TEST_CASE("degrees are written with exactly six decimals, as data.police.uk publishes them", "[generate]") {
    CHECK(degrees_text(-111497) == "-0.111497");
    CHECK(degrees_text(51500000) == "51.500000");
    CHECK(degrees_text(1) == "0.000001");
    CHECK(degrees_text(-1) == "-0.000001");
    CHECK(degrees_text(0) == "0.000000");
    CHECK(degrees_text(-179999999) == "-179.999999");
}

TEST_CASE("numbers are padded with zeros and grouped with commas", "[generate]") {
    CHECK(zero_padded(7, 3) == "007");
    CHECK(zero_padded(1234, 2) == "1234");
    CHECK(with_commas(0) == "0");
    CHECK(with_commas(999) == "999");
    CHECK(with_commas(1000) == "1,000");
    CHECK(with_commas(1234567) == "1,234,567");
}

TEST_CASE("names are joined from parts and slugs made as the API makes them", "[generate]") {
    CHECK(join({"Oak", "field", " ", "Road"}) == "Oakfield Road");
    CHECK(join({}).empty());
    CHECK(slug_of("Northshire Police") == "northshire-police");
}

TEST_CASE("the raw writers put two digits and text where they are told", "[generate]") {
    char buffer[16];
    char* end = write_two_digits(buffer, 7);
    end = append(end, ":");
    end = write_two_digits(end, 45);
    end = append(end, "");
    CHECK(std::string(buffer, end) == "07:45");
}
