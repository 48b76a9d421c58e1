// Accounts' text checks and secrets: constant-time token comparison, one-line and link fields,
// and the public forms' secrets kept and rotated in the store.

#include "test_support.hpp"

#include "data/accounts/accounts.hpp"

#include <catch2/catch.hpp>

using namespace crimemap;
using namespace crimemap::test;

TEST_CASE("same_token is true only for the same non-empty token") {
    auto token = data::random_token();
    CHECK(data::same_token(token, token));
    CHECK_FALSE(data::same_token("", ""));
    CHECK_FALSE(data::same_token(token.substr(0, 42), token));
    auto last_differs = token;
    last_differs.back() = last_differs.back() == 'A' ? 'B' : 'A';
    CHECK_FALSE(data::same_token(last_differs, token));
}

TEST_CASE("a one-line field refuses control characters and line or paragraph separators, and says why") {
    CHECK(data::one_line_problem("Ann Smith-Jones, PCSO (Team) é ü 名").empty());
    for (std::string bad : {std::string("a\nb"), std::string("a\rb"), std::string("a\0b", 3), std::string("a\tb"),
                            std::string("a\x1b" "b"), std::string("a\x7f"), std::string("a\xc2\x85" "b"),
                            std::string("a\xc2\x9f"), std::string("a\xe2\x80\xa8" "b"), std::string("a\xe2\x80\xa9")}) {
        INFO(bad);
        CHECK(data::one_line_problem(bad).starts_with("must be on one line"));
    }
    CHECK(data::one_line_problem("caf\xe9") == "must be valid UTF-8 text");
    CHECK(data::one_line_problem("\xe2\x80") == "must be valid UTF-8 text");
}

TEST_CASE("an email address is one line too") {
    CHECK(data::email_problem("ann@example.org").empty());
    CHECK(data::email_problem("ann\xe2\x80\xa8@example.org") == "must not contain spaces or control characters");
    CHECK(data::email_problem("ann\xc2\x85@example.org") == "must not contain spaces or control characters");
}

TEST_CASE("a field of many lines takes line breaks and tabs but no other control character") {
    CHECK(data::multi_line_problem("Line one.\r\nLine two.\n\tIndented \xe2\x80\xa8 too").empty());
    CHECK(data::multi_line_problem(std::string("a\0b", 3)) == "must not contain control characters");
    CHECK(data::multi_line_problem("a\xc2\x85" "b") == "must not contain control characters");
}

TEST_CASE("a link field takes only the schemes it is for") {
    CHECK(data::url_problem("https://www.example.org/", {"https", "http"}).empty());
    CHECK(data::url_problem("HTTP://example.org", {"https", "http"}).empty());
    CHECK(data::url_problem("mailto:team@example.org", {"https", "http", "mailto"}).empty());
    CHECK(data::url_problem("tel:+441234567890", {"tel"}).empty());
    for (auto bad : {"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x",
                     "//example.org", "www.example.org", "https://", "https://exa mple.org", "mailto:a@example.org"}) {
        INFO(bad);
        CHECK(data::url_problem(bad, {"https", "http"}) == (std::string_view(bad) == "https://exa mple.org"
                                                                 ? "must be a link without spaces or control characters"
                                                                 : "must be a link starting https://, http://"));
    }
}

TEST_CASE("the public forms' secret is kept in the store and rotated; the one before stays accepted") {
    temp_dir dir;
    auto store = data::open_store_for_writing(dir.file("store.sqlite"));
    const auto week = std::chrono::hours(24 * 7);
    auto first = data::form_secrets(store, week);
    REQUIRE(first.size() == 1);
    CHECK(data::form_secrets(store, week) == first);  // kept: the same after a restart
    store.exec("UPDATE form_secrets SET created_at = created_at - 8 * 86400");
    auto second = data::form_secrets(store, week);
    REQUIRE(second.size() == 2);
    CHECK(second[1] == first[0]);
    CHECK(second[0] != first[0]);
    store.exec("UPDATE form_secrets SET created_at = created_at - 8 * 86400");
    auto third = data::form_secrets(store, week);
    CHECK(third == std::vector<std::string>{third[0], second[0]});
    CHECK(store.query_int("SELECT count(*) FROM form_secrets") == 2);
}
