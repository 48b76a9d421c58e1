// The libpq wrappers against a real PostgreSQL 15: the tests' own cluster, started by
// tests/postgres_cluster.py, which hands its URI over in CRIMEMAP_TEST_POSTGRES (ctest's
// postgres_tests). Tagged hidden, so that a run without a cluster does not pick them up.
#include "data/store/postgres.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <thread>

using namespace crimemap::data;

namespace {

std::string test_uri() {
    const char* uri = std::getenv("CRIMEMAP_TEST_POSTGRES");
    if (!uri) FAIL("CRIMEMAP_TEST_POSTGRES is not set: run through tests/postgres_cluster.py (ctest -R postgres)");
    return uri;
}

}  // namespace

TEST_CASE("? parameters become $n outside literals, identifiers and comments", "[postgres]") {
    int count = 0;
    CHECK(pg::numbered_parameters("SELECT a FROM t WHERE b = ? AND c = ?", count) ==
          "SELECT a FROM t WHERE b = $1 AND c = $2");
    CHECK(count == 2);
    CHECK(pg::numbered_parameters("SELECT '?', 'it''s ?', \"col?\" -- what?\n, ? /* ? */", count) ==
          "SELECT '?', 'it''s ?', \"col?\" -- what?\n, $1 /* ? */");
    CHECK(count == 1);
}

TEST_CASE("a URI's password is never shown", "[postgres]") {
    CHECK(pg::displayed("postgresql://crimemap:s3cret@db.example:5432/crimemap") ==
          "postgresql://crimemap:***@db.example:5432/crimemap");
    CHECK(pg::displayed("postgresql://db.example/crimemap?user=a&password=s3cret&sslmode=require") ==
          "postgresql://db.example/crimemap?user=a&password=***&sslmode=require");
    CHECK(pg::displayed("postgresql://crimemap@db.example/crimemap") == "postgresql://crimemap@db.example/crimemap");
    CHECK(pg::is_uri("postgresql://x/y"));
    CHECK(pg::is_uri("postgres://x/y"));
    CHECK_FALSE(pg::is_uri("store.sqlite"));
    CHECK_FALSE(pg::is_uri("/tmp/postgresql://x"));
}

TEST_CASE("statements bind and read back every type, NULL and bytes included", "[.postgres]") {
    pg::Connection db(test_uri());
    db.exec("DROP TABLE IF EXISTS wrapper_types");
    db.exec("CREATE TABLE wrapper_types(id bigint PRIMARY KEY, x double precision, name text, id_bytes bytea)");
    pg::Statement insert(db, "INSERT INTO wrapper_types VALUES (?, ?, ?, ?)");
    const std::string bytes("\x00\x01\xfe\xff zero inside", 16);
    insert.bind(1, std::int64_t{9007199254740993}).bind(2, -1.4641120000000001).bind(3, "On or near O'Connell Street");
    insert.bind_blob(4, bytes.data(), bytes.size()).run();
    CHECK(insert.changes() == 1);
    insert.bind(1, std::int64_t{2}).bind_null(2).bind_null(3).bind_null(4).run();

    pg::Statement select(db, "SELECT id, x, name, id_bytes FROM wrapper_types WHERE id >= ? ORDER BY id");
    select.bind(1, std::int64_t{0});
    REQUIRE(select.step());
    CHECK(select.column_int(0) == 2);
    CHECK(select.is_null(1));
    CHECK(select.is_null(2));
    CHECK(select.is_null(3));
    REQUIRE(select.step());
    CHECK(select.column_int(0) == 9007199254740993);
    CHECK(select.column_double(1) == -1.4641120000000001);  // the shortest text reads back to the same double
    CHECK(select.column_text(2) == "On or near O'Connell Street");
    CHECK(select.column_blob(3) == bytes);
    CHECK_FALSE(select.step());
    // Run again after reset, bindings kept.
    select.reset();
    int rows = 0;
    while (select.step()) ++rows;
    CHECK(rows == 2);
    CHECK(db.query_int("SELECT count(*) FROM wrapper_types") == 2);
    CHECK(db.query_int("SELECT max(id) FROM wrapper_types WHERE id < 0", -7) == -7);
}

TEST_CASE("a transaction rolls back unless committed, and nests as a savepoint", "[.postgres]") {
    pg::Connection db(test_uri());
    db.exec("DROP TABLE IF EXISTS wrapper_tx");
    db.exec("CREATE TABLE wrapper_tx(v bigint)");
    {
        pg::Transaction outer(db);
        db.exec("INSERT INTO wrapper_tx VALUES (1)");
        {
            pg::Transaction inner(db);
            db.exec("INSERT INTO wrapper_tx VALUES (2)");
        }  // rolled back to the savepoint
        outer.commit();
    }
    {
        pg::Transaction dropped(db);
        db.exec("INSERT INTO wrapper_tx VALUES (3)");
    }
    CHECK(db.query_int("SELECT sum(v) FROM wrapper_tx") == 1);
}

TEST_CASE("errors name the SQL and the SQLSTATE; a refused password is not 'unavailable'", "[.postgres]") {
    pg::Connection db(test_uri());
    try {
        db.exec("SELECT * FROM no_such_table");
        FAIL("expected pg::error");
    } catch (const pg::unavailable&) {
        FAIL("a missing table is not an unavailable server");
    } catch (const pg::error& e) {
        CHECK(e.sqlstate() == "42P01");
        CHECK(std::string(e.what()).find("no_such_table") != std::string::npos);
    }
    CHECK_NOTHROW(db.exec("SELECT 1"));  // the connection is still good

    std::string uri = test_uri();
    std::string wrong = "postgresql://crimemap:wrong-password@" + uri.substr(uri.find('@') + 1);
    try {
        pg::Connection refused(wrong);
        FAIL("expected a refusal");
    } catch (const pg::unavailable&) {
        FAIL("a wrong password is not an unavailable server");
    } catch (const pg::error& e) {
        CHECK(std::string(e.what()).find("wrong-password") == std::string::npos);
        CHECK(std::string(e.what()).find("***") != std::string::npos);
    }
}

TEST_CASE("nothing listening on the port is 'unavailable' within the connect timeout", "[.postgres]") {
    auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(pg::Connection("postgresql://crimemap@127.0.0.1:1/crimemap?connect_timeout=2"), pg::unavailable);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("COPY FROM STDIN takes rows in pieces; an abandoned COPY keeps none", "[.postgres]") {
    pg::Connection db(test_uri());
    db.exec("DROP TABLE IF EXISTS wrapper_copy");
    db.exec("CREATE TABLE wrapper_copy(id bigint, name text)");
    {
        pg::Connection::copy_in copy(db, "COPY wrapper_copy FROM STDIN");
        copy.write("1\tHigh Str");
        copy.write("eet\n2\t\\N\n");
        CHECK(copy.finish() == 2);
    }
    {
        pg::Connection::copy_in copy(db, "COPY wrapper_copy FROM STDIN");
        copy.write("3\tnever kept\n");
    }  // abandoned
    CHECK(db.query_int("SELECT count(*) FROM wrapper_copy") == 2);
    CHECK(db.query_int("SELECT count(*) FROM wrapper_copy WHERE name = 'High Street'") == 1);
    CHECK(db.query_int("SELECT count(*) FROM wrapper_copy WHERE name IS NULL") == 1);
    CHECK_THROWS_AS(
        [&] {
            pg::Connection::copy_in bad(db, "COPY wrapper_copy FROM STDIN");
            bad.write("not-a-number\tx\n");
            bad.finish();
        }(),
        pg::error);
    CHECK_NOTHROW(db.exec("SELECT 1"));
}

TEST_CASE("a NOTIFY on another connection reaches a listener", "[.postgres]") {
    pg::Connection listener(test_uri());
    listener.listen("crimemap_data");
    CHECK_FALSE(listener.wait_for_notification(std::chrono::milliseconds(50)).has_value());
    std::thread sender([] {
        pg::Connection other(test_uri());
        other.exec("NOTIFY crimemap_data, 'version 7'");
    });
    sender.join();
    auto n = listener.wait_for_notification(std::chrono::seconds(5));
    REQUIRE(n.has_value());
    CHECK(n->channel == "crimemap_data");
    CHECK(n->payload == "version 7");
}
