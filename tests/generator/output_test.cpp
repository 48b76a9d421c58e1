// generator/output.hpp: the one writer of a run's files, and the folder it writes into.

#include "generator/output.hpp"

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <stdexcept>
#include <string>

using namespace crimemap::generator_test;
using crimemap::generator::output_folder;
using crimemap::generator::text_file;

TEST_CASE("the output folder makes the folders its files need and counts the files", "[generate]") {
    const temporary_folder folder;
    output_folder out(folder.path() / "run");
    CHECK(fs::is_directory(folder.path() / "run"));
    out.write(fs::path("a") / "b" / "small.txt", "one\n");
    out.write(fs::path("a") / "b" / "small.txt", "two\n");  // replaced, not appended
    CHECK(read_file(folder.path() / "run" / "a" / "b" / "small.txt") == "two\n");

    // Rows past the buffer's size reach the file, in order.
    text_file rows = out.stream("rows.csv");
    std::string expected;
    for (int i = 0; i < 200000; ++i) {
        const std::string row = std::to_string(i) + ",row\n";
        char* at = rows.reserve(row.size());
        std::memcpy(at, row.data(), row.size());
        rows.commit(at + row.size());
        expected += row;
    }
    rows.close();
    CHECK(expected.size() > text_file::buffer_size);
    CHECK(read_file(folder.path() / "run" / "rows.csv") == expected);
    CHECK(out.files() == 3);
}

TEST_CASE("a file that cannot be written is an error that names it", "[generate]") {
    const temporary_folder folder;
    output_folder out(folder.path());
    out.write("taken", "a file, not a folder\n");
    CHECK_THROWS(out.write(fs::path("taken") / "inside.txt", "x"));
    fs::create_directories(folder.path() / "folder");
    CHECK_THROWS_WITH(out.write("folder", "x"), Catch::Contains("folder"));
}
