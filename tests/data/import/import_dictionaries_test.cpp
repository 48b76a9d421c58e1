// The import's in-memory dictionaries (data/import/import_dictionaries.hpp).

#include "data/import/import_dictionaries.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using crimemap::data::detail::location_ids;
using crimemap::data::detail::text_ids;

TEST_CASE("map locations are told apart by their exact coordinates and their street") {
    location_ids ids;
    ids.insert({0.0, 51.5, 1}, 7);
    CHECK(ids.find({0.0, 51.5, 1}) == 7);
    CHECK(ids.find({-0.0, 51.5, 1}) == 0);  // another bit pattern, as the store keeps it
    CHECK(ids.find({std::nextafter(0.0, 1.0), 51.5, 1}) == 0);
    CHECK(ids.find({0.0, std::nextafter(51.5, 52.0), 1}) == 0);
    CHECK(ids.find({0.0, 51.5, 2}) == 0);
    ids.insert({-0.0, 51.5, 1}, 8);
    CHECK(ids.find({-0.0, 51.5, 1}) == 8);
    CHECK(ids.size() == 2);
}

TEST_CASE("a location table keeps every id as it grows past many huge pages") {
    location_ids ids;
    constexpr int n = 300000;  // grows through 1024 slots to 2^19 (16 MiB)
    for (int i = 0; i < n; ++i)
        ids.insert({-2 + i * 1e-6, 53 - (i % 977) * 1e-6, static_cast<std::uint32_t>(1 + i % 13)}, i + 1);
    CHECK(ids.size() == n);
    int wrong = 0;
    for (int i = 0; i < n; ++i) {
        wrong += ids.find({-2 + i * 1e-6, 53 - (i % 977) * 1e-6, static_cast<std::uint32_t>(1 + i % 13)}) != i + 1;
        wrong += ids.find({-2 + i * 1e-6, 53 - (i % 977) * 1e-6, static_cast<std::uint32_t>(14)}) != 0;
    }
    CHECK(wrong == 0);
}

TEST_CASE("text ids find each key and give the keys back in the order they came") {
    text_ids ids;
    CHECK(ids.find("On or near High Street") == 0);
    for (int i = 0; i < 5000; ++i) ids.insert("On or near Street " + std::to_string(i), i + 1);
    ids.insert("", 5001);  // stop and search points have no street
    CHECK(ids.find("On or near Street 0") == 1);
    CHECK(ids.find("On or near Street 4999") == 5000);
    CHECK(ids.find("") == 5001);
    CHECK(ids.find("On or near Street 5000") == 0);
    CHECK(ids.find("On or near Street 1") == 2);
    CHECK(ids.key(0) == "On or near Street 0");
    CHECK(ids.key(4999) == "On or near Street 4999");
    CHECK(ids.key(5000).empty());
    CHECK(ids.size() == 5001);
}
