#pragma once
// Who a request comes from. Behind a proxy every connection comes from the proxy; only when the
// connection is from a proxy we trust (--trusted-proxy) is the client taken from the proxy's
// X-Forwarded-For, so that nobody else can choose the address they are counted under.

#include "server/http/http.hpp"

#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace crimemap::server {

/// Networks whose connections are proxies trusted to say who their client is.
class trusted_proxies {
public:
    trusted_proxies() = default;
    /// A comma-separated list of addresses and networks: "127.0.0.1", "10.0.0.0/8", "::1",
    /// "fd00::/8". Throws std::invalid_argument naming the item that is neither.
    explicit trusted_proxies(std::string_view list);
    [[nodiscard]] bool contains(const boost::asio::ip::address& address) const;
    [[nodiscard]] bool empty() const { return networks_.empty(); }

private:
    struct network {
        boost::asio::ip::address base;
        unsigned prefix;  ///< bits that must match
    };
    std::vector<network> networks_;
};

/// An IPv4 address written as IPv6 (::ffff:a.b.c.d, from a dual-stack socket) as IPv4.
boost::asio::ip::address plain_address(const boost::asio::ip::address& address);

/// The address a request is counted under (rate limits, per-address caps, the access log's key),
/// as text. It is `peer`'s (the connection's) unless `peer` is a trusted proxy; then it is the
/// right-most address of X-Forwarded-For (all its lines, in order) that is not itself a trusted
/// proxy. An item that is not an address stops the walk: the trusted hop that passed it on is
/// the client then. Every proxy appends the address it was connected from, so only what
/// trusted proxies wrote is believed.
std::string client_address(const boost::asio::ip::address& peer, const request& req, const trusted_proxies& proxies);

}  // namespace crimemap::server
