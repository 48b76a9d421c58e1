// COPY's binary format: the bytes binary_copy_writer writes, against the layout PostgreSQL's
// documentation of COPY gives, and then against a real PostgreSQL 15 (the tests' own cluster,
// tests/postgres_cluster.py; those cases are tagged hidden, so a run without it skips them).
#include "data/store/binary_copy.hpp"
#include "data/store/postgres.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace crimemap::data;

namespace {

std::string test_uri() {
    const char* uri = std::getenv("CRIMEMAP_TEST_POSTGRES");
    if (!uri) FAIL("CRIMEMAP_TEST_POSTGRES is not set: run through tests/postgres_cluster.py (ctest -R postgres)");
    return uri;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

}  // namespace

TEST_CASE("a binary COPY is its signature, rows of counted fields in network byte order, and a trailer", "[postgres]") {
    std::string out;
    pg::binary_copy_writer copy(out);
    copy.copy_header();
    CHECK(out == std::string("PGCOPY\n\xff\r\n\0", 11) + std::string(8, '\0'));
    out.clear();

    copy.begin_row();
    copy.integer(-2);
    copy.real(1.5);
    copy.text("Caf\xc3\xa9");
    copy.null();
    copy.text("");
    copy.end_row();
    CHECK(out == bytes({0, 5,                                         // five fields
                        0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,  // bigint -2
                        0, 0, 0, 8, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,     // 1.5 as IEEE 754
                        0, 0, 0, 5, 'C', 'a', 'f', 0xc3, 0xa9,        // UTF-8 as it is
                        0xff, 0xff, 0xff, 0xff,                       // NULL: length -1
                        0, 0, 0, 0}));                                // empty text: length 0
    out.clear();

    copy.begin_row();
    std::memcpy(copy.field(3), "abc", 3);
    copy.end_row();
    copy.copy_trailer();
    CHECK(out == bytes({0, 1, 0, 0, 0, 3, 'a', 'b', 'c', 0xff, 0xff}));
}

TEST_CASE("rows COPYed in the binary format read back as written: NULLs, non-ASCII text, negative and extreme numbers",
          "[.postgres]") {
    pg::Connection db(test_uri());
    db.exec("DROP TABLE IF EXISTS binary_copy_rows");
    db.exec("CREATE TABLE binary_copy_rows(n bigint, x double precision, t text, b bytea)");
    struct row {
        std::optional<std::int64_t> n;
        std::optional<double> x;
        std::optional<std::string> t, b;
    };
    const std::vector<row> rows{
        {1, -0.0901, "On or near Caf\xc3\xa9 Row", std::string("\0\x01\xff", 3)},
        {std::nullopt, std::nullopt, std::nullopt, std::nullopt},
        {std::numeric_limits<std::int64_t>::min(), -180.0, "", std::string()},
        {std::numeric_limits<std::int64_t>::max(), 1e-300, "tab\tnewline\nback\\slash \xe2\x80\x99 \xf0\x9f\x9a\x93",
         std::nullopt},
        {-1, std::numeric_limits<double>::max(), "Ll\xc5\xb5yn", std::string("x")},
    };
    std::string data;
    pg::binary_copy_writer copy(data);
    copy.copy_header();
    for (const auto& r : rows) {
        copy.begin_row();
        if (r.n) copy.integer(*r.n); else copy.null();
        if (r.x) copy.real(*r.x); else copy.null();
        if (r.t) copy.text(*r.t); else copy.null();
        if (r.b) copy.text(*r.b); else copy.null();
        copy.end_row();
    }
    copy.copy_trailer();
    {
        pg::Connection::copy_in in(db, "COPY binary_copy_rows FROM STDIN (FORMAT binary)");
        // In uneven pieces: the server takes the format as a stream.
        for (std::size_t at = 0; at < data.size(); at += 7) in.write(std::string_view(data).substr(at, 7));
        CHECK(in.finish() == static_cast<std::int64_t>(rows.size()));
    }

    pg::Statement select(db, "SELECT n, x, t, b FROM binary_copy_rows ORDER BY n NULLS FIRST");
    std::vector<row> found;
    while (select.step()) {
        row r;
        if (!select.is_null(0)) r.n = select.column_int(0);
        if (!select.is_null(1)) r.x = select.column_double(1);
        if (!select.is_null(2)) r.t = std::string(select.column_text(2));
        if (!select.is_null(3)) r.b = std::string(select.column_blob(3));
        found.push_back(r);
    }
    REQUIRE(found.size() == rows.size());
    auto expect = [&](std::size_t i, const row& want) {
        INFO("row " << i);
        CHECK(found[i].n == want.n);
        CHECK(found[i].x == want.x);
        CHECK(found[i].t == want.t);
        CHECK(found[i].b == want.b);
    };
    // ORDER BY n NULLS FIRST: the NULL row, then min, -1, 1, max.
    expect(0, rows[1]);
    expect(1, rows[2]);
    expect(2, rows[4]);
    expect(3, rows[0]);
    expect(4, rows[3]);
    CHECK(std::signbit(*found[3].x));
    CHECK(db.query_int("SELECT count(*) FROM binary_copy_rows WHERE x = -0.0901 AND t LIKE '%Caf\xc3\xa9%'") == 1);
    db.exec("DROP TABLE binary_copy_rows");
}
