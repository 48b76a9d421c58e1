// The tile cache: its bounds and LRU order, and the answers it keeps serialised, which must be
// byte for byte what the server writes when it builds the response (server/tiles/tile_handlers.cpp).

#include "server/http/errors.hpp"
#include "server/router.hpp"
#include "server/http/query_string.hpp"
#include "server/http/http_server.hpp"
#include "server/server_fixtures.hpp"
#include "server/tiles/tile_cache.hpp"
#include "server/tiles/tile_handlers.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;

namespace {

// The generated data's state with a cache of its own that keeps answers as `config` writes them.
app_state state_with_cache(const server_config& config, std::size_t bytes = 8 << 20) {
    app_state state = generated_app_state();
    state.tiles = std::make_shared<tile_cache>(bytes, [config](response res) { return prepare_response(std::move(res), config); });
    return state;
}

std::shared_ptr<const prepared_response> cached(const request& req, const app_state& state) {
    std::string_view target(req.target().data(), req.target().size());
    auto [path, query] = split_request_target(target);
    return cached_tile_answer(req, path, query, *state.snapshot, *state.tiles);
}

// The prepared answer as the server writes it, with a fixed Date line.
std::string written(const prepared_response& ready, bool head = false) {
    const std::string date = "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n";
    return ready.bytes.substr(0, ready.date_at) + date +
           ready.bytes.substr(ready.date_at, (head ? ready.body_at : ready.bytes.size()) - ready.date_at);
}

// A response as the server writes it when it builds it, with the same Date line.
std::string written(response res, const server_config& config, bool head = false) {
    if (head) {
        auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return written(prepare_response(std::move(res), config), false);
}

}  // namespace

TEST_CASE("a tile cache of no bytes keeps nothing") {
    tile_cache cache(0);
    CHECK_FALSE(cache.enabled());
    cache.insert("a", "body");
    CHECK(cache.find("a") == nullptr);
    CHECK(cache.bytes() == 0);
}

TEST_CASE("a tile cache gives back what it keeps and counts hits and misses") {
    tile_cache cache(1 << 20);
    CHECK(cache.find("a") == nullptr);
    cache.insert("a", "body of a");
    auto found = cache.find("a");
    REQUIRE(found);
    CHECK(found->body() == "body of a");
    CHECK_FALSE(found->prepared);
    CHECK(cache.find("b", false) == nullptr);  // not counted
    CHECK(cache.hits() == 1);
    CHECK(cache.misses() == 1);
    cache.insert("a", "another body");  // built twice at once: the first stays
    CHECK(cache.find("a")->body() == "body of a");
}

TEST_CASE("a tile cache stays within its bytes and keeps what is used over what is not") {
    const std::size_t capacity = 64 << 10;
    tile_cache cache(capacity);
    cache.insert("kept", std::string(300, 'k'));
    for (int i = 0; i < 2000; ++i) {
        cache.insert("tile " + std::to_string(i), std::string(300, 'x'));
        REQUIRE(cache.find("kept"));  // used each time: never the least recently used
        REQUIRE(cache.bytes() <= capacity);
    }
    CHECK(cache.find("tile 0") == nullptr);   // long unused: evicted
    CHECK(cache.find("tile 1999") != nullptr);
    cache.insert("too large", std::string(capacity / 16, 'z'));  // past a quarter of a shard
    CHECK(cache.find("too large") == nullptr);
}

TEST_CASE("a cached tile is answered from the cache with the answer built the first time") {
    server_config config;
    auto state = state_with_cache(config);
    auto req = test_request(busiest_crimes_tile(14), {{http::field::accept_encoding, "gzip"}});
    CHECK(cached(req, state) == nullptr);  // not built yet: handle_tile answers
    auto first = handle_request(req, state, "127.0.0.1");
    REQUIRE(first.result() == http::status::ok);
    CHECK(state.tiles->misses() == 1);
    auto second = handle_request(req, state, "127.0.0.1");  // handle_tile's own cached branch
    CHECK(state.tiles->hits() == 1);
    CHECK(written(second, config) == written(first, config));
}

TEST_CASE("a cached tile's prepared answers are byte for byte those the server writes when it builds them") {
    server_config config;
    config.content_security_policy = content_security_policy("https: http://tiles.internal:8081");
    auto state = state_with_cache(config);
    for (std::string encoding : {"gzip", "identity"}) {
        for (std::uint32_t z : {6u, 12u, 14u, 16u}) {
            INFO(encoding << " at zoom " << z);
            auto target = busiest_crimes_tile(z) + (z == 12 ? "?category=burglary,violent-crime" : "");
            auto req = test_request(target, {{http::field::accept_encoding, encoding}});
            auto built = handle_request(req, state, "127.0.0.1");  // fills the cache
            REQUIRE(built.result_int() / 100 == 2);
            auto ready = cached(req, state);
            REQUIRE(ready);
            CHECK(ready->status == built.result_int());
            // What a server without a cache writes: the same bytes, Date apart.
            app_state uncached = generated_app_state();
            CHECK(written(*ready) == written(handle_request(req, uncached, "127.0.0.1"), config));
            CHECK(ready->body_size() == built.body().size());

            auto head = test_request(target, {{http::field::accept_encoding, encoding}}, http::verb::head);
            auto ready_head = cached(head, state);
            REQUIRE(ready_head);
            CHECK(written(*ready_head, true) == written(handle_request(head, uncached, "127.0.0.1"), config, true));

            auto etag = std::string(built[http::field::etag]);
            auto again = test_request(target, {{http::field::accept_encoding, encoding}, {http::field::if_none_match, etag}});
            auto unchanged = cached(again, state);
            REQUIRE(unchanged);
            CHECK(unchanged->status == 304);
            CHECK(written(*unchanged) == written(handle_request(again, uncached, "127.0.0.1"), config));
        }
    }
}

TEST_CASE("a prepared answer has its Date line where the server writes it") {
    server_config config;
    auto state = state_with_cache(config);
    auto req = test_request(busiest_crimes_tile(14));
    handle_request(req, state, "127.0.0.1");
    auto ready = cached(req, state);
    REQUIRE(ready);
    CHECK(ready->bytes.find("Date:") == std::string::npos);
    CHECK(ready->bytes.substr(ready->date_at, 24) == "X-Content-Type-Options: ");
    CHECK(ready->bytes.compare(ready->body_at - 4, 4, "\r\n\r\n") == 0);
    auto line = date_line();
    CHECK(line.starts_with("Date: "));
    CHECK(line.ends_with(" GMT\r\n"));
    CHECK(line.size() == 37);
}

TEST_CASE("only crimes and neighbourhoods tiles are answered from prepared bytes") {
    server_config config;
    auto state = state_with_cache(config);
    for (std::string target : {std::string("/tiles/watch/10/511/340.mvt"), std::string("/tiles/crimes.json"),
                               std::string("/healthz")}) {
        INFO(target);
        auto req = test_request(target);
        handle_request(req, state, "127.0.0.1");
        handle_request(req, state, "127.0.0.1");
        CHECK(cached(req, state) == nullptr);
    }
    // What handle_tile refuses, this refuses the same way (the server then lets handle_tile answer).
    CHECK_THROWS_AS(cached(test_request(busiest_crimes_tile(14) + "?category=nonsense"), state), http_error);
    // A cache without a preparer keeps bodies only: handle_tile answers from them.
    app_state plain = generated_app_state();
    plain.tiles = std::make_shared<tile_cache>(1 << 20);
    auto req = test_request(busiest_crimes_tile(14));
    handle_request(req, plain, "127.0.0.1");
    CHECK(cached(req, plain) == nullptr);
    CHECK(handle_request(req, plain, "127.0.0.1").result() == http::status::ok);
    CHECK(plain.tiles->hits() == 1);
}
