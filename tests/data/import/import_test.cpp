#include "data/mail/outbox.hpp"
// The store as a whole: schema, WAL mode, refusing what it cannot read.

#include "test_support.hpp"

#include "data/accounts/accounts.hpp"
#include "data/watch/watch.hpp"

#include <catch2/catch.hpp>

using namespace crimemap;
using namespace crimemap::test;

TEST_CASE("a new store is created in WAL mode with SpatiaLite metadata") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    {
        auto store = data::open_store_for_writing(db);
        data::Statement mode(store, "PRAGMA journal_mode");
        REQUIRE(mode.step());
        CHECK(mode.column_text(0) == "wal");
    }
    CHECK(count(db, "SELECT count(*) FROM geometry_columns WHERE f_table_name = 'neighbourhoods'") == 1);
    CHECK(count(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") == data::schema_version);
}

TEST_CASE("a store from another schema version is refused, not changed") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    {
        auto store = data::open_store_for_writing(db);
        store.exec("UPDATE meta SET value = '999' WHERE key = 'schema_version'");
    }
    CHECK_THROWS_WITH(data::open_store_for_writing(db), Catch::Contains("schema version 999"));
    CHECK_THROWS_WITH(data::open_store_for_reading(dir.file("absent.sqlite")), Catch::Contains("no such store"));
}

TEST_CASE("each committed file bumps the data version that caches key on") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    import_paths(db, {shared_data("police-uk/city-of-london/2014-09"), shared_data("police-uk/city-of-london/2014-10")});
    CHECK(count(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'") == 2);
}

TEST_CASE("a version 1 store is brought up to date when opened for writing, keeping what it holds") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    import_paths(db, {shared_data("police-uk/city-of-london/2014-09")});
    const auto crimes = count(db, "SELECT count(*) FROM crimes");
    REQUIRE(crimes > 0);
    {  // what a version 1 store lacks
        auto store = data::open_store_for_writing(db);
        for (const char* table : {"users", "user_schemes", "password_tokens", "audit_log", "watch_messages", "force_support",
                                  "form_secrets", "local_edits", "import_conflicts", "outbox", "mail_notices", "subscriptions"})
            store.exec(std::string("DROP TABLE ") + table);
        store.exec("ALTER TABLE watch_schemes DROP COLUMN visibility");
        store.exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    }
    CHECK_THROWS_WITH(data::open_store_for_reading(db), Catch::Contains("schema version 1"));
    data::open_store_for_writing(db);
    CHECK(count(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") == data::schema_version);
    CHECK(count(db, "SELECT count(*) FROM crimes") == crimes);
    CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'watch_messages', 'force_support', "
                "'local_edits', 'import_conflicts')") == 5);
    CHECK(count(db, "SELECT count(*) FROM pragma_table_info('watch_schemes') WHERE name = 'visibility'") == 1);
}

TEST_CASE("a version 3 store is brought up to date in place: messages kept, no message id ever used twice") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    {  // a version 3 store: messages 1 to 4, of which 4 was deleted (the audit log names it) and 3 is kept
        auto store = data::open_store_for_writing(db);
        store.exec("DROP TABLE watch_messages; DROP TABLE form_secrets; ALTER TABLE users DROP COLUMN session_epoch; "
                   "DROP TABLE local_edits; DROP TABLE import_conflicts; DROP TABLE outbox; DROP TABLE mail_notices; "
                   "DROP TABLE subscriptions");
        store.exec("CREATE TABLE watch_messages(id INTEGER PRIMARY KEY, scheme_id TEXT NOT NULL, kind TEXT NOT NULL, "
                   "name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT, text TEXT NOT NULL, created_at INTEGER NOT NULL, "
                   "read_at INTEGER, delete_token_hash TEXT NOT NULL)");
        for (int id = 1; id <= 3; ++id)
            store.exec("INSERT INTO watch_messages VALUES (" + std::to_string(id) +
                       ", 'W1', 'join', 'Ann', 'ann@example.net', NULL, 'hello', 1700000000, NULL, 'x')");
        store.exec("INSERT INTO audit_log(at, email, action, target, outcome) "
                   "VALUES ('2024-01-01T00:00:00Z', 'c@example.org', 'DELETE message', 'watch/W1/message/4', 'allowed')");
        store.exec("UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    }
    {
        auto store = data::open_store_for_writing(db);
        CHECK(store.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") == data::schema_version);
        CHECK(store.query_int("SELECT count(*) FROM sqlite_master WHERE name IN ('local_edits', 'import_conflicts')") == 2);
        CHECK(store.query_int("SELECT count(*) FROM watch_messages") == 3);
        auto stored = data::store_watch_message(store, "W1", {"join", "Bob", "bob@example.net", "", "hi"});
        CHECK(stored.id == 5);  // not 4, the deleted message's
        data::delete_watch_message(store, stored.id);
        CHECK(data::store_watch_message(store, "W1", {"join", "Cy", "cy@example.net", "", "hi"}).id == 6);
        CHECK(store.query_int("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'session_epoch'") == 1);
        CHECK(data::form_secrets(store, std::chrono::hours(1)).size() == 1);
    }
}

TEST_CASE("a version 5 store gets the outbox when opened for writing, keeping its accounts") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    {  // a version 5 store with an account
        auto store = data::open_store_for_writing(db);
        data::user u;
        u.email = "admin@example.org";
        u.kind = data::role::admin;
        data::add_user(store, u);
        store.exec("DROP TABLE outbox; DROP TABLE mail_notices; DROP TABLE subscriptions");
        store.exec("UPDATE meta SET value = '5' WHERE key = 'schema_version'");
    }
    CHECK_THROWS_WITH(data::open_store_for_reading(db), Catch::Contains("schema version 5"));
    auto store = data::open_store_for_writing(db);
    CHECK(store.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") == 6);
    CHECK(store.query_int("SELECT count(*) FROM users") == 1);
    auto id = data::queue_mail(store, {"set-password", "admin@example.org", "Set your password", "text", "<p>html</p>", {}, 0});
    auto claimed = data::claim_due_mail(store, std::time(nullptr), std::chrono::seconds(30));
    REQUIRE(claimed);
    CHECK(claimed->id == id);
    CHECK(claimed->attempts == 1);
}
