// The in-memory rate limits: counting in a sliding window, clearing, and the sweep that keeps
// a flood of distinct keys from growing the maps.

#include "server/http/rate_limits.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using crimemap::server::rate_limit;

TEST_CASE("a rate limit allows `limit` events per key in its window, then refuses until cleared") {
    rate_limit limit(3, std::chrono::seconds(60));
    for (int i = 0; i < 3; ++i) {
        CHECK(limit.allows("203.0.113.7"));
        limit.record("203.0.113.7");
    }
    CHECK_FALSE(limit.allows("203.0.113.7"));
    CHECK(limit.allows("203.0.113.8"));  // other keys are not affected
    limit.clear("203.0.113.7");
    CHECK(limit.allows("203.0.113.7"));
}

TEST_CASE("the sweep forgets keys whose events have all left the window, and keeps the rest") {
    rate_limit limit(5, std::chrono::seconds(60));
    for (int i = 0; i < 10000; ++i) limit.record("198.51.100." + std::to_string(i));
    REQUIRE(limit.size() == 10000);
    auto now = rate_limit::clock::now();
    CHECK(limit.sweep(now) == 10000);  // all still in the window
    limit.record("late");
    CHECK(limit.sweep(now + std::chrono::seconds(61)) == 0);  // a minute on, every key is gone
    CHECK(limit.size() == 0);
    CHECK(limit.allows("198.51.100.1"));
}

TEST_CASE("take counts and checks in one step: 40 threads at once get exactly `limit` through") {
    rate_limit limit(5, std::chrono::seconds(60));
    std::atomic<int> through{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 40; ++i)
        threads.emplace_back([&] {
            if (limit.take("ann@example.org")) ++through;
        });
    for (auto& t : threads) t.join();
    CHECK(through.load() == 5);
    limit.give_back("ann@example.org");  // an attempt that did not count
    CHECK(limit.take("ann@example.org"));
    CHECK_FALSE(limit.take("ann@example.org"));
}
