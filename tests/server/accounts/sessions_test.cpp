// Signed-in sessions in memory: expiry by idle time and age, and the cap on one account's
// sessions.

#include "server/accounts/sessions.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using crimemap::server::session_limits;
using crimemap::server::session_store;

TEST_CASE("a session ends after its idle time and after its absolute age, however busy") {
    session_store store(session_limits{std::chrono::seconds(60), std::chrono::seconds(300)});
    auto [token, made] = store.create(7);
    REQUIRE(store.find(token));
    CHECK(store.find(token)->user_id == 7);
    store.advance(std::chrono::seconds(61));
    CHECK_FALSE(store.find(token));  // idle too long

    auto [busy, ignored] = store.create(7);
    for (int i = 0; i < 5; ++i) {
        store.advance(std::chrono::seconds(59));
        CHECK(store.find(busy));
    }
    store.advance(std::chrono::seconds(10));  // 305 s after sign-in
    CHECK_FALSE(store.find(busy));
}

TEST_CASE("an account keeps its ten most recently used sessions; signing in again ends the least recent") {
    session_store store;
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < session_store::max_sessions_per_account; ++i) {
        tokens.push_back(store.create(1).first);
        store.advance(std::chrono::seconds(1));
    }
    auto other = store.create(2).first;
    REQUIRE(store.find(tokens[0]));  // now the most recently used of account 1; tokens[1] is the least
    store.advance(std::chrono::seconds(1));
    auto newest = store.create(1).first;
    CHECK(store.find(newest));
    CHECK_FALSE(store.find(tokens[1]));
    CHECK(store.find(tokens[0]));
    for (std::size_t i = 2; i < tokens.size(); ++i) CHECK(store.find(tokens[i]));
    CHECK(store.find(other));  // other accounts are not touched
}
