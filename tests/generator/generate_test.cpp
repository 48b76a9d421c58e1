// generator/generate.cpp: the run as a whole — the same bytes for the same seed, every file, the options.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("the same seed writes byte-identical files", "[generate]") {
    const temporary_folder again;
    generate_into(again.path(), 42);
    const fs::path& first = sample().folder.path();

    const std::vector<fs::path> first_files = files_under(first);
    REQUIRE(first_files == files_under(again.path()));
    REQUIRE(first_files.size() == sample().summary.files);
    for (const fs::path& file : first_files) {
        INFO(file.string());
        CHECK(read_file(first / file) == read_file(again.path() / file));
    }
}

TEST_CASE("a different seed writes different crimes", "[generate]") {
    const temporary_folder other;
    generate_into(other.path(), 43);
    const std::string force = force_ids(sample().folder.path()).front();
    const fs::path file = fs::path("2024-09") / ("2024-09-" + force + "-street.csv");
    CHECK(read_file(sample().folder.path() / file) != read_file(other.path() / file));
}

TEST_CASE("there is a street, outcomes and stop and search file for every month and force", "[generate]") {
    const fs::path& root = sample().folder.path();
    const std::vector<std::string> forces = force_ids(root);
    REQUIRE(forces.size() >= 4);
    for (const std::string& month : sample_month_names) {
        for (const std::string& force : forces) {
            for (const std::string_view kind : {"street", "outcomes", "stop-and-search"}) {
                INFO(monthly_file(root, month, force, kind).string());
                CHECK(fs::is_regular_file(monthly_file(root, month, force, kind)));
            }
        }
    }
    CHECK(fs::is_regular_file(root / "watch" / "schemes.geojson"));
    CHECK(fs::is_regular_file(root / "postcodes" / "postcodes.csv"));
}

TEST_CASE("every file starts with the published header", "[generate]") {
    const fs::path& root = sample().folder.path();
    for (const std::string& month : sample_month_names) {
        for (const std::string& force : force_ids(root)) {
            CHECK(read_lines(monthly_file(root, month, force, "street")).front() == street_header);
            CHECK(read_lines(monthly_file(root, month, force, "outcomes")).front() == outcomes_header);
            CHECK(read_lines(monthly_file(root, month, force, "stop-and-search")).front() == stop_and_search_header);
        }
    }
    CHECK(read_lines(root / "postcodes" / "postcodes.csv").front().rfind("postcode,eastings,northings", 0) == 0);
}

TEST_CASE("impossible options are refused before anything is written", "[generate]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path() / "out";
    options.rows = 10;
    std::ostringstream log;
    options.last_month = 202413;
    CHECK_THROWS_AS(generate(options, log), std::invalid_argument);
    options.last_month = 202409;
    options.months = 0;
    CHECK_THROWS_AS(generate(options, log), std::invalid_argument);
    CHECK_FALSE(fs::exists(options.out));
}

TEST_CASE("zero rows still writes every file with its header", "[generate]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path();
    options.rows = 0;
    options.months = 1;
    std::ostringstream log;
    const generate_summary summary = generate(options, log);
    CHECK(summary.street_rows == 0);
    CHECK(summary.outcome_rows == 0);
    for (const std::string& force : force_ids(folder.path())) {
        const std::vector<std::string> lines = read_lines(monthly_file(folder.path(), "2024-09", force, "street"));
        REQUIRE(lines.size() == 1);
        CHECK(lines.front() == street_header);
    }
}
