#pragma once
// An operator's own basemap style (--basemap-style FILE) and the sprite and fonts that come
// with it (--basemap-assets DIR), read at start and served from memory.

#include "server/http/http.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace crimemap::server {

class local_style {
public:
    /// Reads the style (a MapLibre style: a JSON object with `version` 8, a `sources` object and a
    /// `layers` array) and, when `assets` is not empty, DIR/sprite{,@2x}.{json,png} and
    /// DIR/fonts/<fontstack>/<start>-<end>.pbf. Throws std::runtime_error "FILE: why" (or "DIR: why").
    local_style(const std::filesystem::path& style_file, const std::filesystem::path& assets);

    /// The style with every vector source at `base_url`/tiles/basemap.json, its glyphs at
    /// `base_url`/fonts/{fontstack}/{range}.pbf and its sprite at `base_url`/basemap/sprite (when
    /// the assets have one; else without a sprite, since no other origin may be asked).
    [[nodiscard]] nlohmann::json rewritten(const std::string& base_url) const;

    /// A sprite file by name ("sprite.json", "sprite@2x.png"), or nullptr.
    [[nodiscard]] const std::string* sprite(std::string_view name) const;
    /// The stored glyph range of `fontstack` from `start`, or nullptr: the whole stack's folder
    /// first, then each of its comma-separated fonts' in order.
    [[nodiscard]] const std::string* font_range(const std::string& fontstack, std::uint32_t start) const;

    [[nodiscard]] std::size_t sprite_files() const { return sprites_.size(); }
    [[nodiscard]] std::size_t font_stacks() const;
    [[nodiscard]] std::size_t font_files() const { return fonts_.size(); }
    [[nodiscard]] const std::string& version() const { return version_; }

private:
    nlohmann::json style_;
    std::map<std::string, std::string, std::less<>> sprites_;
    std::map<std::pair<std::string, std::uint32_t>, std::string> fonts_;
    std::string version_;  ///< changes with the style and assets; part of the ETags
};

/// GET /basemap/style.json: the rewritten style, its links at `base_url`.
response handle_local_style(const request& req, const local_style& style, const std::string& base_url);

/// GET /basemap/sprite.json, sprite.png, sprite@2x.json, sprite@2x.png: as stored; 404 for any other.
response handle_sprite(const request& req, std::string_view path, const local_style& style);

/// A glyph range from the assets' fonts, as stored (a gzipped one decoded for a client that does not
/// accept gzip); `identity` names it for the ETag.
response stored_glyph_range(const request& req, const std::string& bytes, const std::string& identity);

}  // namespace crimemap::server
