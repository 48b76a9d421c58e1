#include "data/mail/outbox.hpp"

#include "data/accounts/accounts.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <ctime>

using namespace crimemap;
using test::temp_dir;

TEST_CASE("a mail is claimed once, waits longer after each failed try, and fails for good after 48 hours") {
    temp_dir dir;
    auto db = data::open_store_for_writing(dir.file("store.sqlite"));
    auto id = data::queue_mail(db, {"test", "a@example.org", "s", "a link: https://x/?token=t", "<p>h</p>", {{"X-A", "b"}}, 0});
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    auto first = data::claim_due_mail(db, now, std::chrono::seconds(60));
    REQUIRE(first);
    CHECK(first->id == id);
    CHECK(first->mail.headers == std::vector<std::pair<std::string, std::string>>{{"X-A", "b"}});
    CHECK(!data::claim_due_mail(db, now, std::chrono::seconds(60)));  // in flight: not due again until its backoff
    CHECK(!data::mail_not_delivered(db, id, "relay down", false, now, std::chrono::hours(48)));
    CHECK(!data::claim_due_mail(db, now + 59, std::chrono::seconds(60)));
    auto second = data::claim_due_mail(db, now + 60, std::chrono::seconds(60));
    REQUIRE(second);
    CHECK(second->attempts == 2);
    CHECK(second->message_token == first->message_token);  // the same Message-ID for every try
    CHECK(!data::claim_due_mail(db, now + 60 + 119, std::chrono::seconds(60)));  // doubled
    CHECK(data::claim_due_mail(db, now + 60 + 120, std::chrono::seconds(60)));
    CHECK(data::read_outbox_counts(db).queued == 1);
    CHECK(data::mail_not_delivered(db, id, "relay down", false, now + 48 * 3600, std::chrono::hours(48)));
    auto counts = data::read_outbox_counts(db);
    CHECK(counts.queued == 0);
    CHECK(counts.failed == 1);
    CHECK(db.query_int("SELECT count(*) FROM outbox WHERE text_body = '' AND html_body = ''") == 1);  // no link kept
    CHECK(!data::claim_due_mail(db, now + 49 * 3600, std::chrono::seconds(60)));
}

TEST_CASE("a refused recipient fails at once; a delivered mail leaves the outbox; a bad address is never queued") {
    temp_dir dir;
    auto db = data::open_store_for_writing(dir.file("store.sqlite"));
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    auto refused = data::queue_mail(db, {"test", "a@example.org", "s", "t", "h", {}, 0});
    auto delivered = data::queue_mail(db, {"test", "b@example.org", "s", "t", "h", {}, 0});
    CHECK(data::mail_not_delivered(db, refused, "550 no such user", true, now, std::chrono::hours(48)));
    data::mail_delivered(db, delivered);
    CHECK(db.query_int("SELECT count(*) FROM outbox") == 1);
    CHECK_THROWS_AS(data::queue_mail(db, {"test", "a@example.org\r\nBcc: v@example.net", "s", "t", "h", {}, 0}),
                    data::account_error);
    auto later = data::queue_mail(db, {"test", "c@example.org", "s", "t", "h", {}, now + 600});
    CHECK(!data::claim_due_mail(db, now, std::chrono::seconds(60)));
    CHECK(data::claim_due_mail(db, now + 600, std::chrono::seconds(60))->id == later);
}

TEST_CASE("a mail queued in its cause's transaction goes with it: rolled back together, committed together") {
    temp_dir dir;
    auto db = data::open_store_for_writing(dir.file("store.sqlite"));
    data::user u;
    u.email = "new@example.org";
    u.kind = data::role::admin;
    {
        data::Transaction tx(db);
        data::add_user(db, u);  // its own transaction, nested as a savepoint
        data::queue_mail(db, {"set-password", u.email, "s", "t", "h", {}, 0});
    }  // not committed
    CHECK(db.query_int("SELECT count(*) FROM users") == 0);
    CHECK(db.query_int("SELECT count(*) FROM outbox") == 0);
    {
        data::Transaction tx(db);
        data::add_user(db, u);
        data::queue_mail(db, {"set-password", u.email, "s", "t", "h", {}, 0});
        tx.commit();
    }
    CHECK(db.query_int("SELECT count(*) FROM users") == 1);
    CHECK(db.query_int("SELECT count(*) FROM outbox") == 1);
}
