// generator/details.cpp: neighbourhood details and forces.json.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("neighbourhood details have the API's shape plus people, priorities and events", "[generate]") {
    const fs::path& root = sample().folder.path();
    std::uint64_t neighbourhoods = 0;
    for (const std::string& force : force_ids(root)) {
        for (const boundary& area : read_boundaries(root, force)) {
            const fs::path file = root / "neighbourhoods" / force / (area.id + ".json");
            INFO(file.string());
            REQUIRE(fs::is_regular_file(file));
            const nlohmann::json details = nlohmann::json::parse(read_file(file));
            ++neighbourhoods;
            CHECK(details.at("id") == area.id);
            CHECK(!details.at("name").get<std::string>().empty());
            CHECK(details.at("population").is_string());
            CHECK(details.at("centre").at("latitude").is_string());
            CHECK(details.at("centre").at("longitude").is_string());
            CHECK(details.at("contact_details").is_object());
            CHECK(details.at("locations").is_array());
            CHECK(details.at("links").is_array());
            CHECK(details.at("url_force").is_string());
            CHECK(details.at("description").is_string());
            for (const auto& person : details.at("people")) {
                CHECK(person.at("name").is_string());
                CHECK(person.at("rank").is_string());
                CHECK(person.contains("bio"));
                CHECK(person.at("contact_details").is_object());
            }
            for (const auto& priority : details.at("priorities")) {
                CHECK(priority.at("issue").is_string());
                CHECK(priority.contains("action"));
                CHECK(priority.at("issue-date").is_string());
            }
            for (const auto& event : details.at("events")) {
                for (const char* key : {"title", "type", "description", "address", "start_date", "end_date"}) {
                    CHECK(event.at(key).is_string());
                }
                CHECK(event.at("contact_details").is_object());
            }
        }
    }
    CHECK(neighbourhoods == sample().summary.neighbourhoods);
}

TEST_CASE("forces.json lists each force with its engagement methods", "[generate]") {
    const nlohmann::json forces = nlohmann::json::parse(read_file(sample().folder.path() / "forces.json"));
    REQUIRE(forces.is_array());
    std::set<std::string> ids;
    for (const auto& force : forces) {
        ids.insert(force.at("id").get<std::string>());
        for (const char* key : {"name", "description", "url", "telephone"}) {
            CHECK(force.at(key).is_string());
        }
        REQUIRE(force.at("engagement_methods").is_array());
        for (const auto& method : force.at("engagement_methods")) {
            CHECK(method.at("title").is_string());
            CHECK(method.at("url").is_string());
        }
        CHECK(fs::is_directory(sample().folder.path() / "boundaries" / force.at("id").get<std::string>()));
    }
    CHECK(ids.size() == forces.size());
}
