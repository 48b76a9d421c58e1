#include "server/tiles/basemap_handlers.hpp"
#include "server/tiles/comma_list.hpp"
#include "server/tiles/tile_cache.hpp"

#include "data/vocabulary/text.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"

#include <nlohmann/json.hpp>

#include <uriparser/Uri.h>

#include <charconv>
#include <vector>

namespace crimemap::server {

namespace {

// As our own tiles (tile_handlers.cpp): the archive changes only with a restart, but a
// browser revalidates as often as for ours, and the ETag keeps that cheap.
constexpr int tile_max_age = 300;
// A stored tile is a few hundred KB at most; more when decoded is a broken archive.
constexpr std::size_t decoded_tile_limit = 64 << 20;
// Glyphs change only with the fonts installed, and a map asks for many ranges: a day.
constexpr int glyph_max_age = 86400;
constexpr std::size_t fontstack_limit = 400;
constexpr const char* osm_attribution =
    "<a href=\"https://www.openstreetmap.org/copyright\">&copy; OpenStreetMap contributors</a>";

std::vector<double> numbers_in(const std::string& text) {
    std::vector<double> out;
    for (auto item : comma_list(text)) {
        double value = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (ec != std::errc() || end != item.data() + item.size()) return {};
        out.push_back(value);
    }
    return out;
}

bool parse_whole(std::string_view text, std::uint32_t& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// An archive of OpenStreetMap data: it says so, or it has the OpenMapTiles schema's layers.
bool is_openstreetmap(const data::mbtiles& archive, const nlohmann::json& layers) {
    for (const char* field : {"name", "description", "generator"})
        if (auto it = archive.metadata().find(field); it != archive.metadata().end()) {
            std::string lower;
            for (char c : it->second) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (lower.find("openstreetmap") != std::string::npos || lower.find("openmaptiles") != std::string::npos)
                return true;
        }
    bool transportation = false, place = false;
    for (const auto& layer : layers)
        if (layer.is_object() && layer.contains("id")) {
            transportation |= layer["id"] == "transportation";
            place |= layer["id"] == "place";
        }
    return transportation && place;
}

}  // namespace

response handle_basemap_tilejson(const request& req, const data::mbtiles& archive, const std::string& base_url) {
    const auto& meta = archive.metadata();
    auto json = nlohmann::json::parse(meta.at("json"));  // checked when the archive was opened
    nlohmann::ordered_json doc = {
        {"tilejson", "3.0.0"},
        {"name", meta.contains("name") ? meta.at("name") : std::string("basemap")},
        {"tiles", {base_url + "/tiles/basemap/{z}/{x}/{y}.mvt"}},
        {"vector_layers", json["vector_layers"]},
        {"minzoom", archive.min_zoom()},
        {"maxzoom", archive.max_zoom()},
        {"scheme", "xyz"},
    };
    for (const char* field : {"description", "version"})
        if (auto it = meta.find(field); it != meta.end()) doc[field] = it->second;
    if (auto it = meta.find("bounds"); it != meta.end())
        if (auto b = numbers_in(it->second); b.size() == 4) doc["bounds"] = b;
    if (auto it = meta.find("center"); it != meta.end())
        if (auto c = numbers_in(it->second); c.size() == 3 || c.size() == 2) doc["center"] = c;
    if (auto it = meta.find("attribution"); it != meta.end() && !it->second.empty())
        doc["attribution"] = it->second;
    else if (is_openstreetmap(archive, json["vector_layers"]))
        doc["attribution"] = osm_attribution;
    return cacheable_response(req, doc.dump(), "application/json", 0, "basemap.json|" + archive.version() + "|" + base_url,
                              60);
}

response handle_basemap_tile(const request& req, std::string_view path, const data::mbtiles& archive,
                             tile_cache* cache) {
    constexpr std::string_view prefix = "/tiles/basemap/";
    std::string_view rest = path.substr(std::min(path.size(), prefix.size()));
    auto first = rest.find('/'), second = first == std::string_view::npos ? first : rest.find('/', first + 1);
    if (!path.starts_with(prefix) || second == std::string_view::npos || !rest.ends_with(".mvt"))
        throw http_error(error_kind::bad_request, "basemap tile paths look like /tiles/basemap/{z}/{x}/{y}.mvt");
    std::uint32_t z = 0, x = 0, y = 0;
    if (!parse_whole(rest.substr(0, first), z) || !parse_whole(rest.substr(first + 1, second - first - 1), x) ||
        !parse_whole(rest.substr(second + 1, rest.size() - second - 1 - 4), y))
        throw http_error(error_kind::bad_request, "z, x and y must be whole numbers in /tiles/basemap/{z}/{x}/{y}.mvt");
    if (z < static_cast<std::uint32_t>(archive.min_zoom()) || z > static_cast<std::uint32_t>(archive.max_zoom()) ||
        x >> z || y >> z)
        throw http_error(error_kind::not_found, "no basemap tile " + std::to_string(z) + "/" + std::to_string(x) + "/" +
                                                    std::to_string(y) + ": the basemap has zooms " +
                                                    std::to_string(archive.min_zoom()) + " to " +
                                                    std::to_string(archive.max_zoom()) + " and x, y below 2^zoom");
    const bool gzip_accepted = accepts_gzip(req);
    const std::string etag = representation_etag(
        0, "basemap|" + archive.version() + "|" + std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y),
        gzip_accepted);
    if (etag_matches(req, etag)) return not_modified_response(req, etag, tile_max_age);
    std::string body;
    if (cache && cache->enabled() && !archive.in_memory()) {
        const std::string key = "basemap|" + archive.version() + "|" + std::to_string(z) + "/" + std::to_string(x) + "/" +
                                std::to_string(y);
        if (auto cached = cache->find(key)) {
            body = std::string(cached->body());
        } else {
            body = archive.tile(z, x, y);
            if (!body.empty()) cache->insert(key, body);  // a tile the archive lacks is not kept
        }
    } else {
        body = archive.tile(z, x, y);
    }
    const bool stored_gzip = is_gzip(body);
    if (stored_gzip && !gzip_accepted) body = gunzip(body, decoded_tile_limit);
    return encoded_response(req, std::move(body), stored_gzip && gzip_accepted, "application/vnd.mapbox-vector-tile",
                            etag, tile_max_age);
}

response handle_glyphs(const request& req, std::string_view path, const glyph_library& glyphs,
                       const local_style* assets) {
    constexpr std::string_view prefix = "/fonts/";
    constexpr const char* shape = "glyph paths look like /fonts/{fontstack}/{start}-{end}.pbf, e.g. /fonts/Noto%20Sans%20Regular/0-255.pbf";
    auto slash = path.rfind('/');
    if (!path.starts_with(prefix) || slash < prefix.size() || !path.ends_with(".pbf"))
        throw http_error(error_kind::bad_request, shape);
    std::string fontstack(path.substr(prefix.size(), slash - prefix.size()));
    if (fontstack.empty() || fontstack.size() > fontstack_limit * 3 || fontstack.find('/') != std::string::npos)
        throw http_error(error_kind::bad_request, shape);
    fontstack.push_back('\0');
    const char* end = uriUnescapeInPlaceExA(fontstack.data(), URI_FALSE, URI_BR_DONT_TOUCH);
    fontstack.resize(static_cast<std::size_t>(end - fontstack.data()));
    if (fontstack.empty() || fontstack.size() > fontstack_limit)
        throw http_error(error_kind::bad_request, "the font stack must be 1 to 400 bytes");
    if (data::invalid_utf8_at(fontstack) || fontstack.find('\0') != std::string::npos)
        throw http_error(error_kind::bad_request, "the font stack is not UTF-8 text");
    auto range = path.substr(slash + 1, path.size() - slash - 1 - 4);
    auto dash = range.find('-');
    std::uint32_t start = 0, last = 0;
    if (dash == std::string_view::npos || !parse_whole(range.substr(0, dash), start) ||
        !parse_whole(range.substr(dash + 1), last))
        throw http_error(error_kind::bad_request, shape);
    if (start % 256 != 0 || last != start + 255 || start > 0x10ff00)
        throw http_error(error_kind::bad_request, "glyph range " + std::string(range.substr(0, 40)) +
                                                      ": want START-END with START a multiple of 256 up to 1113856 "
                                                      "and END = START + 255");
    if (assets)
        if (const auto* stored = assets->font_range(fontstack, start))
            return stored_glyph_range(req, *stored, "assets-fonts|" + fontstack + "|" + std::to_string(start) + "|" +
                                                        assets->version());
    const bool gzip_accepted = accepts_gzip(req);
    std::string identity = "fonts|" + fontstack + "|" + std::to_string(start);
    for (const auto& name : glyphs.resolve(fontstack)) identity += "|" + name;  // other fonts installed: other glyphs
    const std::string etag = representation_etag(0, identity, gzip_accepted);
    if (etag_matches(req, etag)) return not_modified_response(req, etag, glyph_max_age);
    std::string body = glyphs.range(fontstack, start);
    if (gzip_accepted) body = gzip(body);
    return encoded_response(req, std::move(body), gzip_accepted, "application/x-protobuf", etag, glyph_max_age);
}

}  // namespace crimemap::server
