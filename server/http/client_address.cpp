#include "server/http/client_address.hpp"

#include "server/http/query_string.hpp"

#include <boost/system/error_code.hpp>

#include <optional>
#include <stdexcept>

namespace crimemap::server {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<ip::address> parse_address(std::string_view text) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    boost::system::error_code ec;
    auto address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return plain_address(address);
}

bool prefix_matches(const ip::address& a, const ip::address& b, unsigned prefix) {
    if (a.is_v4() != b.is_v4()) return false;
    auto compare = [prefix](const auto& x, const auto& y) {
        unsigned bits = prefix;
        for (std::size_t i = 0; i < x.size() && bits > 0; ++i) {
            unsigned take = bits < 8 ? bits : 8;
            auto mask = static_cast<unsigned char>(0xFF << (8 - take));
            if ((x[i] & mask) != (y[i] & mask)) return false;
            bits -= take;
        }
        return true;
    };
    return a.is_v4() ? compare(a.to_v4().to_bytes(), b.to_v4().to_bytes())
                     : compare(a.to_v6().to_bytes(), b.to_v6().to_bytes());
}

}  // namespace

ip::address plain_address(const ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    return address;
}

trusted_proxies::trusted_proxies(std::string_view list) {
    for (auto piece : split_nonempty(list, ',')) {
        auto item = trim(piece);
        if (item.empty()) continue;
        auto slash = item.find('/');
        auto address = parse_address(item.substr(0, slash));
        if (!address) throw std::invalid_argument("'" + std::string(item) + "' is not an address or network (CIDR)");
        unsigned width = address->is_v4() ? 32 : 128, prefix = width;
        if (slash != std::string_view::npos) {
            auto bits = item.substr(slash + 1);
            prefix = 0;
            if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string_view::npos ||
                (prefix = static_cast<unsigned>(std::stoul(std::string(bits)))) > width)
                throw std::invalid_argument("'" + std::string(item) + "': the prefix length must be 0 to " +
                                            std::to_string(width));
        }
        networks_.push_back({*address, prefix});
    }
}

bool trusted_proxies::contains(const ip::address& address) const {
    auto plain = plain_address(address);
    for (const auto& n : networks_)
        if (prefix_matches(plain, n.base, n.prefix)) return true;
    return false;
}

std::string client_address(const ip::address& peer, const request& req, const trusted_proxies& proxies) {
    auto client = plain_address(peer);
    if (!proxies.contains(client)) return client.to_string();
    std::vector<std::string_view> hops;
    for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it)
        for (auto item : split_nonempty(std::string_view(it->value().data(), it->value().size()), ','))
            hops.push_back(trim(item));
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        auto address = parse_address(*hop);
        if (!address) break;
        client = *address;
        if (!proxies.contains(client)) break;
    }
    return client.to_string();
}

}  // namespace crimemap::server
