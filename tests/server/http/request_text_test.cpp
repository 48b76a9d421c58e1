// Text that enters through HTTP is UTF-8 or a 400 naming where: query parameters, form and
// JSON bodies, the request target and the headers read as text.

#include "data/vocabulary/text.hpp"
#include "server/http/errors.hpp"
#include "server/http/forms.hpp"
#include "server/http/query_string.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <string>

using namespace crimemap::server;
namespace http = boost::beast::http;

namespace {

// The message and fields of the http_error `call` throws; fails when it throws none.
template <class F>
http_error error_of(F call) {
    try {
        call();
    } catch (const http_error& error) {
        return error;
    }
    FAIL("no http_error");
    return http_error(error_kind::internal, "");
}

request post(std::string type, std::string body) {
    request req{http::verb::post, "/api/watch/schemes/W1/messages", 11};
    req.set(http::field::content_type, type);
    req.body() = std::move(body);
    return req;
}

}  // namespace

TEST_CASE("invalid_utf8_at finds the first byte that is not UTF-8, overlong forms and surrogates included") {
    using crimemap::data::invalid_utf8_at;
    CHECK_FALSE(invalid_utf8_at(""));
    CHECK_FALSE(invalid_utf8_at("Café, 東京, 🚓"));
    CHECK(invalid_utf8_at("Caf\xe9") == 3u);
    CHECK(invalid_utf8_at("ab\xc3") == 2u);              // cut short
    CHECK(invalid_utf8_at("\xc0\xaf") == 0u);             // overlong '/'
    CHECK(invalid_utf8_at("\xe0\x80\xaf") == 0u);         // overlong
    CHECK(invalid_utf8_at("x\xed\xa0\x80") == 1u);        // a surrogate
    CHECK(invalid_utf8_at("\xf4\x90\x80\x80") == 0u);     // past U+10FFFF
    CHECK(invalid_utf8_at("\xf0\x9f\x9a") == 0u);         // cut short
    CHECK(invalid_utf8_at("ok\x80") == 2u);               // a lone continuation byte
    CHECK_FALSE(invalid_utf8_at("\xf4\x8f\xbf\xbf"));     // U+10FFFF
    CHECK_FALSE(invalid_utf8_at(std::string("a\0b", 3)));  // NUL is UTF-8 (one-line fields refuse it elsewhere)
}

TEST_CASE("a query parameter that is not UTF-8 is a 400 naming it, without repeating its bytes") {
    auto error = error_of([] { query_parameters q("lat=1&date=%FF"); });
    CHECK(error.kind() == error_kind::bad_request);
    CHECK(std::string(error.what()) == "date: not UTF-8 text (byte 1 of the value)");
    CHECK(error.fields().count("date") == 1);
    CHECK(std::string(error_of([] { query_parameters q("x%C3=1"); }).what()).starts_with("a parameter name"));
    CHECK(query_parameters("q=Caf%C3%A9").get("q") == "Café");
}

TEST_CASE("a form body's final line end is not part of its last value") {
    CHECK(query_parameters("poly=1,2:3,4:5,6\n").get("poly") == "1,2:3,4:5,6");
    CHECK(query_parameters("a=1&b=2\r\n").get("b") == "2");
    CHECK(query_parameters("a=1%0A").get("a") == "1\n");  // an encoded line end is the value's
}

TEST_CASE("form and JSON bodies that are not UTF-8 are a 400 naming the field") {
    auto form = error_of([] { read_body_fields(post("application/x-www-form-urlencoded", "name=Ann&text=hello%FF")); });
    CHECK(form.fields().count("text") == 1);
    auto json = error_of([] {
        read_body_fields(post("application/json", "{\"name\": \"Ann\", \"text\": \"hello\xff\", \"email\": \"a@b.c\"}"));
    });
    CHECK(std::string(json.what()).starts_with("text: not UTF-8"));
    CHECK(json.fields().count("text") == 1);
    auto nested = error_of([] { read_body_fields(post("application/json", "{\"a\": [1, {\"b\": 2}], \"name\": \"\xff\"}")); });
    CHECK(nested.fields().count("name") == 1);
    auto key = error_of([] { read_body_fields(post("application/json", "{\"a\": \"x\", \"\xff\": 1}")); });
    CHECK(std::string(key.what()).starts_with("the body is not UTF-8"));
    CHECK(read_body_fields(post("application/json", "{\"text\": \"Café\"}")).at("text") == "Café");
}

TEST_CASE("a request target or a header read as text that is not UTF-8 is a 400 naming it") {
    request req{http::verb::get, "/api/\xff", 11};
    CHECK(std::string(error_of([&] { require_utf8_request(req); }).what()).starts_with("the request target"));
    req.target("/api/forces");
    req.set(http::field::origin, "http://\xff.example");
    CHECK(std::string(error_of([&] { require_utf8_request(req); }).what()).starts_with("the Origin header"));
    req.set(http::field::origin, "http://example.org");
    req.set("X-Forwarded-Host", "\xfe");
    CHECK(std::string(error_of([&] { require_utf8_request(req); }).what()).starts_with("the X-Forwarded-Host header"));
    req.erase("X-Forwarded-Host");
    req.set(http::field::user_agent, "\xff");  // not read: not checked
    CHECK_NOTHROW(require_utf8_request(req));
}

TEST_CASE("an error message that quotes bytes that are not UTF-8 is still answered") {
    auto res = error_response(error_kind::not_found, "no such page: /api/\xff", 11, false);
    CHECK(res.result() == http::status::not_found);
    CHECK(res.body().find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD
}
