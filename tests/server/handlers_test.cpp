#include "server/handlers.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace crimemap::server;
namespace http = boost::beast::http;

namespace {

response get(const std::string& target, http::verb verb = http::verb::get) {
    request req{verb, target, 11};
    app_state state;
    state.crimes = 42;
    return handle_request(req, state);
}

}  // namespace

TEST_CASE("healthz answers ok") {
    auto res = get("/healthz");
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == "ok\n");
}

TEST_CASE("the placeholder page says what the store holds") {
    auto res = get("/");
    CHECK(res.result() == http::status::ok);
    CHECK(res.body().find("42 crimes") != std::string::npos);
}

TEST_CASE("an unknown path is a JSON 404 and a POST a JSON 405") {
    auto missing = get("/nothing?x=1");
    CHECK(missing.result() == http::status::not_found);
    auto body = nlohmann::json::parse(missing.body());
    CHECK(body["error"] == "not-found");
    CHECK(body["message"].get<std::string>().find("/nothing") != std::string::npos);
    CHECK(get("/", http::verb::post).result() == http::status::method_not_allowed);
}
