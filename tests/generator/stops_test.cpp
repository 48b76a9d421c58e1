// generator/stops.cpp: stop and search rows.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("stop and search rows are dated within their month and use published values", "[generate]") {
    const fs::path& root = sample().folder.path();
    const std::set<std::string> types{"Person search", "Person and Vehicle search", "Vehicle search"};
    const std::set<std::string> flags{"True", "False", ""};
    std::uint64_t stops = 0;
    for (const std::string& month : sample_month_names) {
        for (const std::string& force : force_ids(root)) {
            std::string previous;
            for (const std::vector<std::string>& f : data_rows(monthly_file(root, month, force, "stop-and-search"), 15)) {
                ++stops;
                CHECK(types.count(f[0]) == 1);
                CHECK(f[1].size() == 25);
                CHECK(f[1].rfind(month + "-", 0) == 0);
                CHECK(f[1].substr(10) == "T" + f[1].substr(11, 5) + ":00+00:00");
                CHECK(f[1] >= previous);  // in time order
                previous = f[1];
                CHECK(flags.count(f[2]) == 1);
                CHECK(flags.count(f[13]) == 1);
                CHECK(flags.count(f[14]) == 1);
                CHECK(f[4].empty() == f[5].empty());
                if (!f[4].empty()) {
                    CHECK(std::strtod(f[4].c_str(), nullptr) > 49.0);  // latitude comes first
                    CHECK(std::strtod(f[5].c_str(), nullptr) < 2.0);
                }
                CHECK(!f[10].empty());
                CHECK(!f[12].empty());
            }
        }
    }
    CHECK(stops == sample().summary.stop_rows);
    CHECK(stops > sample_rows / 40);
    CHECK(stops < sample_rows / 5);
}
