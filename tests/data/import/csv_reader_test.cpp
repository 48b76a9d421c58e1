#include "data/import/csv_reader.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace crimemap::data;

namespace {

// Hands out a few bytes per read, so records cross every possible buffer edge.
class trickle_source final : public byte_source {
public:
    trickle_source(std::string bytes, std::size_t step) : bytes_(std::move(bytes)), step_(step) {}
    std::size_t read(char* buffer, std::size_t size) override {
        std::size_t n = std::min({size, step_, bytes_.size() - offset_});
        std::memcpy(buffer, bytes_.data() + offset_, n);
        offset_ += n;
        return n;
    }

private:
    std::string bytes_;
    std::size_t step_;
    std::size_t offset_ = 0;
};

std::vector<std::vector<std::string>> read_all(const std::string& text, std::size_t step = 0,
                                               std::vector<std::uint64_t>* lines = nullptr) {
    std::unique_ptr<byte_source> source;
    if (step) {
        source = std::make_unique<trickle_source>(text, step);
    } else {
        source = memory_source(text);
    }
    csv_reader reader(std::move(source), "test.csv");
    std::vector<std::vector<std::string>> records;
    while (reader.next()) {
        records.emplace_back(reader.fields().begin(), reader.fields().end());
        if (lines) lines->push_back(reader.line());
    }
    return records;
}

}  // namespace

TEST_CASE("plain records split on commas and line ends") {
    auto records = read_all("a,b,c\n1,,3\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0] == std::vector<std::string>{"a", "b", "c"});
    CHECK(records[1] == std::vector<std::string>{"1", "", "3"});
}

TEST_CASE("quoted fields keep commas, doubled quotes and line breaks") {
    std::string text = "\"On or near \"\"The\"\" Street\",\"a,b\",\"two\nlines\"\nnext,row,here\n";
    std::vector<std::uint64_t> lines;
    auto records = read_all(text, 0, &lines);
    REQUIRE(records.size() == 2);
    CHECK(records[0] == std::vector<std::string>{"On or near \"The\" Street", "a,b", "two\nlines"});
    CHECK(lines == std::vector<std::uint64_t>{1, 3});
}

TEST_CASE("CRLF line ends, a byte order mark and a missing last line end are all read") {
    auto records = read_all("\xEF\xBB\xBFh1,h2\r\nx,y\r\nlast,one");
    REQUIRE(records.size() == 3);
    CHECK(records[0][0] == "h1");
    CHECK(records[1] == std::vector<std::string>{"x", "y"});
    CHECK(records[2] == std::vector<std::string>{"last", "one"});
}

TEST_CASE("records split across reads of any size come out the same") {
    std::string text = "Crime ID,Month\n\"q\"\"uoted\",2014-09\r\nplain,\"multi\nline\"\n,\n";
    auto whole = read_all(text);
    for (std::size_t step : {1, 2, 3, 5, 7}) {
        INFO("bytes per read: " << step);
        CHECK(read_all(text, step) == whole);
    }
    REQUIRE(whole.size() == 4);
    CHECK(whole[3] == std::vector<std::string>{"", ""});
}

TEST_CASE("an unclosed quote is reported with its file and line") {
    try {
        read_all("a,b\nc,\"never closed\n");
        FAIL("expected input_error");
    } catch (const input_error& error) {
        CHECK(std::string(error.what()).find("test.csv:2") != std::string::npos);
    }
}

TEST_CASE("a record longer than the limit is refused rather than read without bound") {
    std::string text = "\"" + std::string(5000, 'x');  // unclosed, grows forever
    csv_reader reader(memory_source(text), "big.csv", 1024);
    CHECK_THROWS_AS(reader.next(), input_error);
}

namespace {
std::string temporary_file(const std::string& name, const std::string& bytes) {
    std::string path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}
}  // namespace

TEST_CASE("a plain file is read whole from its mapping, records the same as through reads") {
    // Crosses no read edges, ends without a line end on a page of its own, unescapes in place.
    std::string text = "Crime ID,Location\n\"a\"\"b\",\"On or near \"\"X\"\" Road\"\n" + std::string(4096, 'x') + ",last";
    std::string path = temporary_file("crimemap-mapped.csv", text);
    auto source = open_vsi(path);
    REQUIRE(source->whole() != nullptr);  // mapped, not read
    csv_reader reader(std::move(source), path);
    std::vector<std::vector<std::string>> records;
    while (reader.next()) records.emplace_back(reader.fields().begin(), reader.fields().end());
    CHECK(records == read_all(text, 3));
    REQUIRE(records.size() == 3);
    CHECK(records[1] == std::vector<std::string>{"a\"b", "On or near \"X\" Road"});
    CHECK(reader.bytes_consumed() == text.size());
    // Unescaping wrote to the mapping's private copy, never to the file.
    std::ifstream in(path, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == text);
    std::filesystem::remove(path);
}

TEST_CASE("a record longer than the limit is refused from a mapped file too") {
    std::string path = temporary_file("crimemap-long.csv", "a,b\n\"" + std::string(5000, 'x') + "\",c\n");
    csv_reader reader(open_vsi(path), path, 1024);
    REQUIRE(reader.next());
    try {
        reader.next();
        FAIL("expected input_error");
    } catch (const input_error& error) {
        CHECK(std::string(error.what()).find(path + ":2: record longer than 1024 bytes") != std::string::npos);
    }
    std::filesystem::remove(path);
}
