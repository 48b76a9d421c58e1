#pragma once
// What tile clients expect of HTTP: strong ETags with 304s, gzip when accepted, CORS.

#include "server/http/http.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace crimemap::server {

/// A strong entity tag from the data version and what identifies the representation.
std::string make_etag(std::int64_t data_version, std::string_view identity);

/// True when the request's If-None-Match names `etag` (or is `*`).
bool etag_matches(const request& req, std::string_view etag);

/// True when Accept-Encoding allows gzip (q > 0).
bool accepts_gzip(const request& req);

/// gzip-compresses `bytes` (libdeflate; one compressor per thread).
std::string gzip(std::string_view bytes);

/// Decompresses one gzip member (libdeflate) of at most `limit` bytes decompressed. Throws
/// std::runtime_error for bytes that are not gzip or that would exceed `limit`.
std::string gunzip(std::string_view bytes, std::size_t limit);

/// True when `bytes` start with gzip's magic number.
bool is_gzip(std::string_view bytes);

/// The ETag of one representation (gzipped or not) of what `identity` names.
std::string representation_etag(std::int64_t data_version, std::string_view identity, bool gzipped);

/// 304 with the caching headers.
response not_modified_response(const request& req, const std::string& etag, int max_age_seconds);

/// 200 with an already encoded body (gzip when `gzipped`), or 204 when it is empty.
response encoded_response(const request& req, std::string body, bool gzipped, std::string_view content_type,
                          const std::string& etag, int max_age_seconds);

/// A private answer (sign-in, edits, messages, the inbox): JSON that no cache may keep.
/// A 204 gets no body and no Content-Type.
response private_json_response(const request& req, boost::beast::http::status status, std::string json_text);

/// A cacheable public response: body (gzipped when the client accepts it), its ETag
/// (distinct for the gzipped form), Cache-Control, CORS and Vary headers, or a 304 when
/// the client has it already.
response cacheable_response(const request& req, std::string body, std::string_view content_type,
                            std::int64_t data_version, std::string_view identity, int max_age_seconds);

}  // namespace crimemap::server
