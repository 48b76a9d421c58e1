// generator/crimes.cpp: street rows, their encodings, and the density of crimes on the map points.

#include "generator/crimes.hpp"

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("street rows add up to the rows asked for and follow the published encodings", "[generate]") {
    const fs::path& root = sample().folder.path();
    const nlohmann::json forces = nlohmann::json::parse(read_file(root / "forces.json"));
    const std::set<std::string> crime_types{"Anti-social behaviour", "Bicycle theft", "Burglary",
                                            "Criminal damage and arson", "Drugs", "Other theft",
                                            "Possession of weapons", "Public order", "Robbery",
                                            "Shoplifting", "Theft from the person", "Vehicle crime",
                                            "Violence and sexual offences", "Other crime"};
    std::uint64_t rows = 0;
    std::uint64_t anti_social = 0;
    std::uint64_t no_location = 0;
    std::set<std::string> ids;
    for (const std::string& month : sample_month_names) {
        for (const auto& force : forces) {
            const std::string id = force.at("id").get<std::string>();
            const std::string name = force.at("name").get<std::string>();
            const std::string text = read_file(monthly_file(root, month, id, "street"));
            CHECK(text.find('\r') == std::string::npos);
            CHECK(text.find('"') == std::string::npos);
            for (const std::vector<std::string>& f : data_rows(monthly_file(root, month, id, "street"), 12)) {
                ++rows;
                CHECK(f[1] == month);
                CHECK(f[2] == name);
                CHECK(f[3] == name);
                CHECK(crime_types.count(f[9]) == 1);
                CHECK(f[11].empty());
                if (f[9] == "Anti-social behaviour") {
                    ++anti_social;
                    CHECK(f[0].empty());
                    CHECK(f[10].empty());
                } else {
                    CHECK(f[0].size() == 64);
                    CHECK(is_lower_hex(f[0]));
                    CHECK(!f[10].empty());
                    ids.insert(f[0]);
                }
                if (f[6] == "No Location") {
                    ++no_location;
                    CHECK(f[4].empty());
                    CHECK(f[5].empty());
                    CHECK(f[7].empty());
                    CHECK(f[8].empty());
                } else {
                    CHECK(f[6].rfind("On or near ", 0) == 0);
                    CHECK(f[4].size() - f[4].find('.') == 7);  // six decimals
                    CHECK(f[5].size() - f[5].find('.') == 7);
                    CHECK(f[7].size() == 9);
                    CHECK(f[7].rfind("E01", 0) == 0);
                    CHECK(!f[8].empty());
                }
            }
        }
    }
    CHECK(rows == sample_rows);
    CHECK(sample().summary.street_rows == sample_rows);
    CHECK(anti_social > rows / 20);
    CHECK(no_location > 0);
    CHECK(no_location < rows / 20);
    CHECK(ids.size() == rows - anti_social);  // persistent ids never repeat
}

// data.police.uk has about two map points for every crime of a month and, over 36 months, about
// 23 crimes a point, most points 1-10 and a few thousands (docs/data-formats.md, "generate").
TEST_CASE("the generated world is as dense as data.police.uk's: points, crimes per point, no location",
          "[generate][density]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path();
    options.rows = 200000;
    options.months = 12;
    options.seed = 5;
    std::ostringstream log;
    generate(options, log);
    const point_census census = census_of(folder.path());
    REQUIRE(census.rows == options.rows);

    // The world holds two map points per crime a month (36,000 at least): here 36,000, of which
    // a year of crime reaches most.
    const double world_points = std::max(36000.0, 2.0 * options.rows / options.months);
    const std::vector<std::uint64_t> counts = sorted_counts(census);
    INFO(counts.size() << " distinct points");
    CHECK(counts.size() >= 0.6 * world_points);
    CHECK(counts.size() <= 1.0 * world_points);

    // Crimes per point: a long tail. Most points have 1 to 10; the top 1% dozens; the busiest
    // (a town centre's hot spot) hundreds.
    const std::uint64_t median = counts[counts.size() / 2];
    const std::uint64_t top_percent = counts[counts.size() * 99 / 100];
    const auto up_to_ten =
        static_cast<double>(std::count_if(counts.begin(), counts.end(), [](auto c) { return c <= 10; }));
    INFO("median " << median << ", 99th percentile " << top_percent << ", busiest " << counts.back());
    CHECK(median >= 2);
    CHECK(median <= 4);
    CHECK(up_to_ten >= 0.75 * counts.size());
    CHECK(top_percent >= 25);
    CHECK(top_percent <= 120);
    CHECK(counts.back() >= 300);
    CHECK(counts.back() <= 5000);
    std::string busiest;
    for (const auto& [point, crimes] : census.crimes_at)
        if (crimes == counts.back()) busiest = census.location_at.at(point);
    INFO("busiest point " << busiest);
    CHECK(hot_spot_labels.count(busiest.substr(11)) == 1);

    // A few percent of crimes have no location.
    const double without = static_cast<double>(census.without_location) / static_cast<double>(census.rows);
    INFO("without a location: " << without);
    CHECK(without >= 0.02);
    CHECK(without <= 0.04);

    // Shoplifting where the shops are, anti-social behaviour more in the centres than at home.
    auto share = [&](const std::string& type, auto&& chosen) {
        double of_type = 0, all = 0;
        for (const auto& [location, types] : census.types_by_location) {
            if (!chosen(location)) continue;
            for (const auto& [name, crimes] : types) {
                all += static_cast<double>(crimes);
                if (name == type) of_type += static_cast<double>(crimes);
            }
        }
        return all > 0 ? of_type / all : 0.0;
    };
    auto shops = [](const std::string& l) { return l == "On or near Supermarket" || l == "On or near Shopping Area"; };
    auto streets = [](const std::string& l) { return hot_spot_labels.count(l.substr(11)) == 0; };
    CHECK(share("Shoplifting", shops) > 0.3);
    CHECK(share("Shoplifting", shops) > 4.0 * share("Shoplifting", streets));
}

TEST_CASE("crime ids are 64 lower-case hex digits, a different one for every serial", "[generate]") {
    std::set<std::string> ids;
    for (std::uint64_t crime = 0; crime < 1000; ++crime) {
        char buffer[64];
        const std::string id(buffer, crimemap::generator::write_crime_id(buffer, 12345, crime));
        REQUIRE(id.size() == 64);
        REQUIRE(is_lower_hex(id));
        ids.insert(id);
    }
    CHECK(ids.size() == 1000);
}
