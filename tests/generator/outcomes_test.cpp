// generator/outcomes.cpp: outcome rows follow their crimes.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("outcomes follow crimes of the same force from the same or an earlier month", "[generate]") {
    const fs::path& root = sample().folder.path();
    std::uint64_t outcomes = 0;
    for (const std::string& force : force_ids(root)) {
        std::map<std::string, std::string> crimes;  // id -> month and location columns
        for (const std::string& month : sample_month_names) {
            for (const std::string& line : read_lines(monthly_file(root, month, force, "street"))) {
                const std::vector<std::string> f = split_row(line);
                if (f[0].size() == 64) {
                    crimes[f[0]] = f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8];
                }
            }
            for (const std::vector<std::string>& f : data_rows(monthly_file(root, month, force, "outcomes"), 10)) {
                ++outcomes;
                CHECK(f[1] == month);
                CHECK(!f[9].empty());
                CHECK(f[9] != "Under investigation");
                const auto crime = crimes.find(f[0]);
                INFO(month << " " << force << " outcome of " << f[0]);
                REQUIRE(crime != crimes.end());
                CHECK(crime->second == f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8]);
            }
        }
    }
    CHECK(outcomes > 0);
    CHECK(outcomes == sample().summary.outcome_rows);
}
