#include "server/app_state.hpp"

#include "server/http/errors.hpp"
#include "server/http/query_string.hpp"

#include <boost/beast/http/field.hpp>

#include <cctype>

namespace crimemap::server {

namespace http = boost::beast::http;

std::string base_url(const request& req, const app_state& state) {
    if (!state.public_url.empty()) return state.public_url;
    auto host = req[http::field::host];
    std::string_view h(host.data(), host.size());
    if (h.empty()) return "";
    for (char c : h)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            throw http_error(error_kind::bad_request, "the Host header is not a host name");
    return "http://" + std::string(h);
}

std::string link_base_url(const request& req, const app_state& state) {
    if (!state.public_url.empty()) return state.public_url;
    auto last_item = [&](std::string_view name) {
        auto value = req[boost::beast::string_view(name.data(), name.size())];
        std::string_view list(value.data(), value.size());
        auto items = split_nonempty(list, ',');
        std::string_view item = items.empty() ? std::string_view() : items.back();
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        return item;
    };
    auto host = last_item("X-Forwarded-Host");
    if (host.empty()) {
        // On loopback, localhost, 127.0.0.1 and [::1] with the listen port all name this server
        // and nothing else: a page opened at any of them gets links of its own origin.
        std::string_view listen = state.listen_url;
        auto port = listen.substr(listen.rfind(':') + 1);
        auto asked = req[http::field::host];
        std::string_view named(asked.data(), asked.size());
        const bool loopback = listen.starts_with("http://127.") || listen.starts_with("http://[::1]:");
        for (std::string_view name : {"localhost:", "127.0.0.1:", "[::1]:"})
            if (loopback && named.size() == name.size() + port.size() && named.starts_with(name) && named.ends_with(port))
                return "http://" + std::string(named);
        return state.listen_url;
    }
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            throw http_error(error_kind::bad_request, "the X-Forwarded-Host header is not a host name");
    const bool https = last_item("X-Forwarded-Proto") == "https";
    if (host.ends_with(https ? ":443" : ":80")) host.remove_suffix(https ? 4 : 3);  // nginx's $server_port
    return (https ? "https://" : "http://") + std::string(host);
}

}  // namespace crimemap::server
