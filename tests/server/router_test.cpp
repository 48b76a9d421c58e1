// Routing and HTTP behaviour, through handle_request without sockets.

#include "data/vocabulary/months.hpp"
#include "server/router.hpp"
#include "server/server_fixtures.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <libdeflate.h>
#include <nlohmann/json.hpp>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;

namespace {

const app_state& state() { return generated_app_state(); }

response get(const std::string& target, std::initializer_list<std::pair<http::field, std::string>> headers = {},
             http::verb verb = http::verb::get) {
    return handle_request(test_request(target, headers, verb), state());
}

std::string busy_tile(std::uint32_t z = 12) { return busiest_crimes_tile(z); }

std::string gunzip(const std::string& bytes) {
    auto* d = libdeflate_alloc_decompressor();
    std::string out(1 << 22, '\0');
    std::size_t size = 0;
    auto result = libdeflate_gzip_decompress(d, bytes.data(), bytes.size(), out.data(), out.size(), &size);
    libdeflate_free_decompressor(d);
    REQUIRE(result == LIBDEFLATE_SUCCESS);
    out.resize(size);
    return out;
}

}  // namespace

TEST_CASE("healthz answers ok") {
    auto res = get("/healthz");
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == "ok\n");
}

TEST_CASE("a tile is served as a vector tile with caching and CORS headers") {
    auto res = get(busy_tile());
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "application/vnd.mapbox-vector-tile");
    CHECK(res[http::field::access_control_allow_origin] == "*");
    CHECK(res[http::field::cache_control].starts_with("public, max-age="));
    CHECK(res[http::field::etag].starts_with("\""));
    CHECK(res[http::field::content_encoding].empty());
    CHECK_FALSE(res.body().empty());
}

TEST_CASE("gzip is used when Accept-Encoding allows it, with its own ETag") {
    // The biggest of a few busy tiles: bodies under one packet are sent as they are.
    std::string target;
    std::size_t biggest = 0;
    for (std::uint32_t z : {6u, 8u, 10u, 12u, 14u}) {
        auto size = get(busy_tile(z) + "?from=2000-01&to=2100-12").body().size();
        if (size > biggest) {
            biggest = size;
            target = busy_tile(z) + "?from=2000-01&to=2100-12";
        }
    }
    REQUIRE(biggest >= 1400);
    auto plain = get(target);
    auto zipped = get(target, {{http::field::accept_encoding, "gzip, deflate, br"}});
    REQUIRE(zipped.result() == http::status::ok);
    CHECK(zipped[http::field::content_encoding] == "gzip");
    CHECK(gunzip(zipped.body()) == plain.body());
    CHECK(zipped[http::field::etag] != plain[http::field::etag]);
    auto refused = get(target, {{http::field::accept_encoding, "gzip;q=0"}});
    CHECK(refused[http::field::content_encoding].empty());
}

TEST_CASE("a tile that fits in one packet is sent without gzip even when gzip is accepted") {
    auto res = get(busy_tile(18), {{http::field::accept_encoding, "gzip"}});
    REQUIRE(res.result() == http::status::ok);
    REQUIRE(res.body().size() < 1400);
    CHECK(res[http::field::content_encoding].empty());
}

TEST_CASE("If-None-Match with the tile's ETag gets a 304, another filter another ETag") {
    auto first = get(busy_tile());
    std::string etag(first[http::field::etag]);
    auto again = get(busy_tile(), {{http::field::if_none_match, etag}});
    CHECK(again.result() == http::status::not_modified);
    CHECK(again.body().empty());
    auto other = get(busy_tile() + "?category=burglary");
    CHECK(other[http::field::etag] != etag);
    auto stale = get(busy_tile(), {{http::field::if_none_match, "\"0-0000000000000000\""}});
    CHECK(stale.result() == http::status::ok);
}

TEST_CASE("an empty tile is a 204") {
    auto res = get("/tiles/crimes/10/0/0.mvt");
    CHECK(res.result() == http::status::no_content);
    CHECK(res.body().empty());
    CHECK(get("/tiles/neighbourhoods/10/0/0.mvt").result() == http::status::no_content);
}

TEST_CASE("malformed tile paths are 400s, tiles out of range 404s, both as JSON naming the problem") {
    for (const char* target : {"/tiles/crimes/a/1/2.mvt", "/tiles/crimes/1/2.mvt", "/tiles/crimes/1/1/1.png",
                               "/tiles/crimes/-1/0/0.mvt", "/tiles/crimes/99999999999/0/0.mvt"}) {
        INFO(target);
        auto res = get(target);
        CHECK(res.result() == http::status::bad_request);
        CHECK(nlohmann::json::parse(res.body())["error"] == "bad-request");
    }
    for (const char* target : {"/tiles/crimes/2/4/0.mvt", "/tiles/crimes/21/0/0.mvt", "/tiles/roads/1/0/0.mvt"}) {
        INFO(target);
        auto res = get(target);
        CHECK(res.result() == http::status::not_found);
        CHECK(nlohmann::json::parse(res.body())["error"] == "not-found");
    }
    auto bad_filter = get(busy_tile() + "?from=2024-13");
    CHECK(bad_filter.result() == http::status::bad_request);
    CHECK(nlohmann::json::parse(bad_filter.body())["message"].get<std::string>().starts_with("from:"));
}

TEST_CASE("TileJSON gives absolute tile URLs that keep the query, the layer's fields and the data's bounds") {
    auto res = get("/tiles/crimes.json?from=2024-08&category=burglary");
    REQUIRE(res.result() == http::status::ok);
    auto doc = nlohmann::json::parse(res.body());
    CHECK(doc["tilejson"] == "3.0.0");
    // The Host header (tiles.example:8080 here) never makes a link: the listen address does.
    CHECK(doc["tiles"][0] == "http://127.0.0.1:8080/tiles/crimes/{z}/{x}/{y}.mvt?from=2024-08&category=burglary");
    CHECK(doc["vector_layers"][0]["id"] == "crimes");
    CHECK(doc["vector_layers"][0]["fields"].contains("count"));
    CHECK(doc["vector_layers"][0]["fields"].contains("burglary"));
    CHECK(doc["attribution"].get<std::string>().find("Open Government Licence") != std::string::npos);
    const auto& b = state().snapshot->bounds;
    CHECK(doc["bounds"][0].get<double>() == Approx(b.min_corner().x()));
    CHECK(doc["bounds"][3].get<double>() == Approx(b.max_corner().y()));
    CHECK(doc["months"].size() == state().snapshot->months.size());
    // Each outcome group lists its labels, so a client can group an API answer's outcome_status.
    REQUIRE(doc["outcomes"].size() == 8);
    CHECK(doc["outcomes"][0]["slug"] == "under-investigation");
    CHECK(doc["outcomes"][0]["labels"] == nlohmann::json::array({"Under investigation"}));
    CHECK(doc["outcomes"][4]["labels"].size() == 14);
    CHECK(doc["outcomes"][6]["labels"].empty());  // no-outcome: the empty label
    CHECK(get("/tiles/neighbourhoods.json").result() == http::status::ok);
    CHECK(get("/tiles/watch.json").result() == http::status::ok);
    CHECK(get("/tiles/crimes.json?category=nonsense").result() == http::status::bad_request);
    CHECK(get("/tiles/roads.json").result() == http::status::not_found);
}

TEST_CASE("the crimes TileJSON gives each force its newest month and the box of its crimes, as the store has them") {
    auto doc = nlohmann::json::parse(get("/tiles/crimes.json").body());
    auto store = data::open_store_for_reading(shared_generated_data().db);
    data::Statement s(store,
                      "SELECT f.force, max(f.month), min(l.longitude), min(l.latitude), max(l.longitude), max(l.latitude) "
                      "FROM import_files f JOIN crimes c ON c.file = f.id JOIN locations l ON l.id = c.location "
                      "WHERE f.kind = 'street' GROUP BY f.force ORDER BY f.force");
    std::size_t i = 0;
    REQUIRE(doc["forces"].is_array());
    while (s.step()) {
        REQUIRE(i < doc["forces"].size());
        const auto& force = doc["forces"][i++];
        CHECK(force["id"] == std::string(s.column_text(0)));
        CHECK(force["last_month"] == data::month_text(static_cast<int>(s.column_int(1))));
        CHECK(force["name"].get<std::string>() != "");
        for (int corner = 0; corner < 4; ++corner) CHECK(force["bounds"][corner].get<double>() == Approx(s.column_double(2 + corner)));
    }
    CHECK(i == doc["forces"].size());
    CHECK(i >= 2);
}

TEST_CASE("an unknown path is a JSON 404 and a POST a JSON 405") {
    auto missing = get("/nothing?x=1");
    CHECK(missing.result() == http::status::not_found);
    auto body = nlohmann::json::parse(missing.body());
    CHECK(body["error"] == "not-found");
    CHECK(body["message"].get<std::string>().find("/nothing") != std::string::npos);
    CHECK(get("/", {}, http::verb::post).result() == http::status::method_not_allowed);
}

TEST_CASE("config.json names the basemap style, or null by default") {
    auto res = get("/config.json");
    REQUIRE(res.result() == http::status::ok);
    CHECK(nlohmann::json::parse(res.body())["basemap_style"].is_null());
}

TEST_CASE("a force's victim support services, from its support file") {
    const auto& force = shared_generated_data().snapshot->forces.front().id;
    auto res = get("/api/forces/" + force + "/support");
    REQUIRE(res.result() == http::status::ok);
    auto services = nlohmann::json::parse(res.body());
    REQUIRE(services.size() == 3);
    for (const auto& s : services)
        for (const char* key : {"name", "helps", "telephone", "web"}) CHECK(s[key].is_string());
    CHECK(get("/api/forces/atlantis/support").result() == http::status::not_found);
}

TEST_CASE("links come from --public-url, else a trusted proxy's X-Forwarded-Host and -Proto, else the listen address") {
    app_state own = state();
    request req{http::verb::get, "/tiles/crimes.json", 11};
    req.set(http::field::host, "attacker.example");
    CHECK(link_base_url(req, own) == "http://127.0.0.1:8080");
    req.set(http::field::host, "localhost:8080");  // on loopback, another name of this server
    CHECK(link_base_url(req, own) == "http://localhost:8080");
    req.set(http::field::host, "localhost:9999");
    CHECK(link_base_url(req, own) == "http://127.0.0.1:8080");
    req.set(http::field::host, "localhost.attacker.example:8080");
    CHECK(link_base_url(req, own) == "http://127.0.0.1:8080");
    req.set(http::field::host, "attacker.example");
    req.set("X-Forwarded-Host", "evil.example, crime.example.org");
    req.set("X-Forwarded-Proto", "https");
    CHECK(link_base_url(req, own) == "https://crime.example.org");  // the nearest proxy's, the right-most
    req.set("X-Forwarded-Host", "crime.example.org:443");
    CHECK(link_base_url(req, own) == "https://crime.example.org");  // the default port is left out
    req.set("X-Forwarded-Host", "crime.example.org:8443");
    CHECK(link_base_url(req, own) == "https://crime.example.org:8443");
    own.public_url = "https://maps.example.org";
    CHECK(link_base_url(req, own) == "https://maps.example.org");
    own.public_url.clear();
    req.set("X-Forwarded-Host", "crime.example.org/evil");
    auto res = handle_request(req, own);
    CHECK(res.result() == http::status::bad_request);
    CHECK(nlohmann::json::parse(res.body())["message"] == "the X-Forwarded-Host header is not a host name");
}
