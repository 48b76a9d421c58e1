#include "server/http/http_caching.hpp"

#include <boost/beast/http/field.hpp>
#include <libdeflate.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "VERSION-HASH" quoted, the hash as 16 hex digits (every tile request computes one: no printf).
std::string etag_text(std::int64_t data_version, std::uint64_t hash) {
    char text[48];
    char* out = text;
    *out++ = '"';
    out = std::to_chars(out, text + 24, data_version).ptr;
    *out++ = '-';
    for (int shift = 60; shift >= 0; shift -= 4) *out++ = "0123456789abcdef"[(hash >> shift) & 15];
    *out++ = '"';
    return std::string(text, out);
}

}  // namespace

std::string make_etag(std::int64_t data_version, std::string_view identity) {
    return etag_text(data_version, fnv1a(identity));
}

bool etag_matches(const request& req, std::string_view etag) {
    auto header = req[http::field::if_none_match];
    std::string_view list(header.data(), header.size());
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = trim(list.substr(0, comma));
        if (item == "*") return true;
        if (item.starts_with("W/")) item.remove_prefix(2);  // If-None-Match compares weakly
        if (item == etag) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

bool accepts_gzip(const request& req) {
    auto header = req[http::field::accept_encoding];
    std::string_view list(header.data(), header.size());
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = trim(list.substr(0, comma));
        auto semicolon = item.find(';');
        auto coding = trim(item.substr(0, semicolon));
        bool zero_q = false;
        if (semicolon != std::string_view::npos) {
            auto params = trim(item.substr(semicolon + 1));
            if (params.starts_with("q=") || params.starts_with("Q=")) {
                auto q = params.substr(2);
                zero_q = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
            }
        }
        if ((coding == "gzip" || coding == "x-gzip" || coding == "*") && !zero_q) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

std::string gzip(std::string_view bytes) {
    struct compressor_deleter {
        void operator()(libdeflate_compressor* c) const noexcept { libdeflate_free_compressor(c); }
    };
    // Level 1: tiles are small and latency matters more than the last few percent.
    thread_local std::unique_ptr<libdeflate_compressor, compressor_deleter> compressor(libdeflate_alloc_compressor(1));
    if (!compressor) throw std::runtime_error("cannot allocate a gzip compressor");
    std::string out(libdeflate_gzip_compress_bound(compressor.get(), bytes.size()), '\0');
    auto size = libdeflate_gzip_compress(compressor.get(), bytes.data(), bytes.size(), out.data(), out.size());
    if (size == 0) throw std::runtime_error("gzip compression failed");
    out.resize(size);
    return out;
}

bool is_gzip(std::string_view bytes) { return bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b'; }

std::string gunzip(std::string_view bytes, std::size_t limit) {
    struct decompressor_deleter {
        void operator()(libdeflate_decompressor* d) const noexcept { libdeflate_free_decompressor(d); }
    };
    thread_local std::unique_ptr<libdeflate_decompressor, decompressor_deleter> decompressor(
        libdeflate_alloc_decompressor());
    if (!decompressor) throw std::runtime_error("cannot allocate a gzip decompressor");
    if (!is_gzip(bytes) || bytes.size() < 18) throw std::runtime_error("not gzip");
    // The trailer's ISIZE is the decompressed size modulo 2^32: a first guess, grown if short.
    const auto* tail = reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size() - 4);
    std::size_t guess = tail[0] | tail[1] << 8 | tail[2] << 16 | static_cast<std::size_t>(tail[3]) << 24;
    std::size_t capacity = std::min(std::max<std::size_t>(guess, 64), limit);
    for (;;) {
        std::string out(capacity, '\0');
        std::size_t actual = 0;
        auto result = libdeflate_gzip_decompress(decompressor.get(), bytes.data(), bytes.size(), out.data(), out.size(),
                                                 &actual);
        if (result == LIBDEFLATE_SUCCESS) {
            out.resize(actual);
            return out;
        }
        if (result != LIBDEFLATE_INSUFFICIENT_SPACE) throw std::runtime_error("corrupt gzip data");
        if (capacity >= limit) throw std::runtime_error("gzip data larger than " + std::to_string(limit) + " bytes");
        capacity = std::min(capacity * 2, limit);
    }
}

namespace {

void set_cache_headers(response& res, const std::string& etag, int max_age_seconds) {
    res.set(http::field::etag, etag);
    res.set(http::field::cache_control, "public, max-age=" + std::to_string(max_age_seconds));
    res.set(http::field::access_control_allow_origin, "*");
    res.set(http::field::vary, "Accept-Encoding");
}

}  // namespace

std::string representation_etag(std::int64_t data_version, std::string_view identity, bool gzipped) {
    // make_etag of identity + "|gzip" or "|identity", without making that string
    return etag_text(data_version, fnv1a(gzipped ? "|gzip" : "|identity", fnv1a(identity)));
}

response not_modified_response(const request& req, const std::string& etag, int max_age_seconds) {
    response res{http::status::not_modified, req.version()};
    res.keep_alive(req.keep_alive());
    set_cache_headers(res, etag, max_age_seconds);
    res.prepare_payload();
    return res;
}

response encoded_response(const request& req, std::string body, bool gzipped, std::string_view content_type,
                          const std::string& etag, int max_age_seconds) {
    response res{body.empty() ? http::status::no_content : http::status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    set_cache_headers(res, etag, max_age_seconds);
    if (!body.empty()) {
        res.set(http::field::content_type, std::string(content_type));
        if (gzipped) res.set(http::field::content_encoding, "gzip");
        res.body() = std::move(body);
    }
    res.prepare_payload();
    return res;
}

response private_json_response(const request& req, http::status status, std::string json_text) {
    response res{status, req.version()};
    if (status != http::status::no_content) res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    if (status != http::status::no_content) res.body() = std::move(json_text);
    res.prepare_payload();
    return res;
}

response cacheable_response(const request& req, std::string body, std::string_view content_type,
                            std::int64_t data_version, std::string_view identity, int max_age_seconds) {
    const bool compress = accepts_gzip(req) && !body.empty();
    std::string etag = representation_etag(data_version, identity, compress);
    if (etag_matches(req, etag)) return not_modified_response(req, etag, max_age_seconds);
    if (compress) body = gzip(body);
    return encoded_response(req, std::move(body), compress, content_type, etag, max_age_seconds);
}

}  // namespace crimemap::server
