// Who a request comes from: trusted proxies and X-Forwarded-For.

#include "server/http/client_address.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>

using crimemap::server::client_address;
using crimemap::server::request;
using crimemap::server::trusted_proxies;
namespace ip = boost::asio::ip;

namespace {

request with_forwarded(std::initializer_list<const char*> lines) {
    request req{boost::beast::http::verb::get, "/", 11};
    for (const char* line : lines) req.insert("X-Forwarded-For", line);
    return req;
}

}  // namespace

TEST_CASE("trusted proxies are addresses and networks, IPv4 and IPv6; anything else is refused, named") {
    trusted_proxies proxies("127.0.0.1, 10.0.0.0/8,fd00::/8");
    CHECK(proxies.contains(ip::make_address("127.0.0.1")));
    CHECK_FALSE(proxies.contains(ip::make_address("127.0.0.2")));
    CHECK(proxies.contains(ip::make_address("10.200.3.4")));
    CHECK_FALSE(proxies.contains(ip::make_address("11.0.0.1")));
    CHECK(proxies.contains(ip::make_address("fd12::1")));
    CHECK(proxies.contains(ip::make_address("::ffff:10.1.2.3")));  // from a dual-stack socket
    CHECK(trusted_proxies("0.0.0.0/0").contains(ip::make_address("203.0.113.9")));
    CHECK(trusted_proxies("192.168.1.0/23").contains(ip::make_address("192.168.0.77")));
    CHECK_FALSE(trusted_proxies("192.168.1.0/24").contains(ip::make_address("192.168.0.77")));
    CHECK(trusted_proxies().empty());
    for (const char* bad : {"nginx", "10.0.0.0/33", "10.0.0.0/", "::1/129", "1.2.3.4/x"}) {
        INFO(bad);
        try {
            trusted_proxies wrong(bad);
            FAIL("accepted");
        } catch (const std::invalid_argument& error) {
            CHECK(std::string(error.what()).find(bad) != std::string::npos);
        }
    }
}

TEST_CASE("the client is the right-most X-Forwarded-For address that is not a trusted proxy") {
    trusted_proxies proxies("127.0.0.1,10.0.0.0/8");
    auto nginx = ip::make_address("127.0.0.1");
    CHECK(client_address(nginx, with_forwarded({"203.0.113.7"}), proxies) == "203.0.113.7");
    // A client's own X-Forwarded-For is on the left of what the proxies appended.
    CHECK(client_address(nginx, with_forwarded({"6.6.6.6, 203.0.113.7"}), proxies) == "203.0.113.7");
    CHECK(client_address(nginx, with_forwarded({"6.6.6.6, 203.0.113.7, 10.1.1.1"}), proxies) == "203.0.113.7");
    CHECK(client_address(nginx, with_forwarded({"6.6.6.6", "203.0.113.7"}), proxies) == "203.0.113.7");
    CHECK(client_address(nginx, with_forwarded({"2001:db8::5"}), proxies) == "2001:db8::5");
    // Garbage stops the walk: the trusted hop that passed it on is the client then.
    CHECK(client_address(nginx, with_forwarded({"203.0.113.7, junk, 10.1.1.1"}), proxies) == "10.1.1.1");
    CHECK(client_address(nginx, with_forwarded({"junk"}), proxies) == "127.0.0.1");
    CHECK(client_address(nginx, with_forwarded({}), proxies) == "127.0.0.1");
    // Only every address trusted: the left-most.
    CHECK(client_address(nginx, with_forwarded({"10.0.0.9, 10.0.0.8"}), proxies) == "10.0.0.9");
}

TEST_CASE("X-Forwarded-For from a connection that is not a trusted proxy is ignored") {
    trusted_proxies proxies("127.0.0.1");
    CHECK(client_address(ip::make_address("198.51.100.4"), with_forwarded({"127.0.0.1, 1.2.3.4"}), proxies) ==
          "198.51.100.4");
    CHECK(client_address(ip::make_address("::ffff:198.51.100.4"), with_forwarded({"1.2.3.4"}), trusted_proxies()) ==
          "198.51.100.4");
}
