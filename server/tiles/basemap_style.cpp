#include "server/tiles/basemap_style.hpp"

#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"
#include "server/tiles/comma_list.hpp"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace crimemap::server {

namespace {

// The style and the sprite change only with a restart; a browser revalidates now and then.
constexpr int style_max_age = 300;
// Glyph ranges as the FreeType ones (basemap_handlers.cpp): a day.
constexpr int glyph_max_age = 86400;
constexpr std::size_t asset_file_limit = 64 << 20;

std::string read_whole(const std::filesystem::path& file) {
    std::error_code error;
    auto status = std::filesystem::status(file, error);
    if (error || !std::filesystem::exists(status)) throw std::runtime_error(file.string() + ": no such file");
    if (!std::filesystem::is_regular_file(status)) throw std::runtime_error(file.string() + ": not a file");
    if (std::filesystem::file_size(file, error) > asset_file_limit)
        throw std::runtime_error(file.string() + ": larger than 64 MB");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot be read (permissions?)");
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

// "0-255.pbf" → 0; false for any other name.
bool range_start(const std::string& name, std::uint32_t& start) {
    auto dash = name.find('-');
    if (dash == std::string::npos || !name.ends_with(".pbf")) return false;
    std::uint32_t last = 0;
    auto [a, ea] = std::from_chars(name.data(), name.data() + dash, start);
    auto [b, eb] = std::from_chars(name.data() + dash + 1, name.data() + name.size() - 4, last);
    return ea == std::errc() && a == name.data() + dash && eb == std::errc() && b == name.data() + name.size() - 4 &&
           dash > 0 && start % 256 == 0 && last == start + 255 && start <= 0x10ff00;
}

}  // namespace

local_style::local_style(const std::filesystem::path& style_file, const std::filesystem::path& assets) {
    const std::string name = style_file.string();
    auto fail = [&](const std::string& why) { return std::runtime_error(name + ": " + why); };
    std::string text = read_whole(style_file);
    try {
        style_ = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw fail(std::string("not JSON: ") + error.what());
    }
    if (!style_.is_object()) throw fail("not a MapLibre style: a JSON object is wanted");
    if (!style_.contains("version")) throw fail("not a MapLibre style: it has no 'version' (want 8)");
    if (style_["version"] != 8) throw fail("'version' is " + style_["version"].dump() + ", want 8");
    if (!style_.contains("sources") || !style_["sources"].is_object())
        throw fail("not a MapLibre style: it has no 'sources' object");
    if (!style_.contains("layers") || !style_["layers"].is_array())
        throw fail("not a MapLibre style: it has no 'layers' array");
    for (const auto& [id, source] : style_["sources"].items())
        if (!source.is_object() || !source.contains("type") || !source["type"].is_string())
            throw fail("source '" + id + "' is not an object with a 'type'");
    std::size_t digest = std::hash<std::string>{}(text);

    if (assets.empty()) {
        version_ = std::to_string(digest);
        return;
    }
    std::error_code error;
    if (!std::filesystem::is_directory(assets, error))
        throw std::runtime_error(assets.string() + ": not a folder (--basemap-assets)");
    for (const char* file : {"sprite.json", "sprite.png", "sprite@2x.json", "sprite@2x.png"})
        if (std::filesystem::is_regular_file(assets / file, error)) {
            sprites_[file] = read_whole(assets / file);
            digest ^= std::hash<std::string>{}(sprites_[file]) + 0x9e3779b9 + (digest << 6) + (digest >> 2);
        }
    if (sprites_.contains("sprite.json") != sprites_.contains("sprite.png"))
        throw std::runtime_error(assets.string() + ": has one of sprite.json and sprite.png without the other");
    // The OpenMapTiles font layout: fonts/<fontstack>/<start>-<end>.pbf.
    const auto fonts = assets / "fonts";
    if (std::filesystem::is_directory(fonts, error))
        for (const auto& stack : std::filesystem::directory_iterator(fonts)) {
            if (!stack.is_directory()) continue;
            for (const auto& file : std::filesystem::directory_iterator(stack.path())) {
                std::uint32_t start = 0;
                if (!file.is_regular_file() || !range_start(file.path().filename().string(), start)) continue;
                auto& bytes = fonts_[{stack.path().filename().string(), start}];
                bytes = read_whole(file.path());
                digest ^= std::hash<std::string>{}(bytes) + 0x9e3779b9 + (digest << 6) + (digest >> 2);
            }
        }
    version_ = std::to_string(digest);
}

nlohmann::json local_style::rewritten(const std::string& base_url) const {
    nlohmann::json out = style_;
    for (auto& [id, source] : out["sources"].items())
        if (source["type"] == "vector") source = {{"type", "vector"}, {"url", base_url + "/tiles/basemap.json"}};
    out["glyphs"] = base_url + "/fonts/{fontstack}/{range}.pbf";
    if (sprites_.contains("sprite.json"))
        out["sprite"] = base_url + "/basemap/sprite";
    else
        out.erase("sprite");
    return out;
}

const std::string* local_style::sprite(std::string_view name) const {
    auto it = sprites_.find(name);
    return it == sprites_.end() ? nullptr : &it->second;
}

const std::string* local_style::font_range(const std::string& fontstack, std::uint32_t start) const {
    if (fonts_.empty()) return nullptr;
    if (auto it = fonts_.find({fontstack, start}); it != fonts_.end()) return &it->second;
    for (auto font : comma_list(fontstack))
        if (auto it = fonts_.find({std::string(font), start}); it != fonts_.end()) return &it->second;
    return nullptr;
}

std::size_t local_style::font_stacks() const {
    std::set<std::string_view> stacks;
    for (const auto& [key, bytes] : fonts_) stacks.insert(key.first);
    return stacks.size();
}

response handle_local_style(const request& req, const local_style& style, const std::string& base_url) {
    return cacheable_response(req, style.rewritten(base_url).dump(), "application/json", 0,
                              "basemap/style.json|" + style.version() + "|" + base_url, style_max_age);
}

response handle_sprite(const request& req, std::string_view path, const local_style& style) {
    constexpr std::string_view prefix = "/basemap/";
    const std::string* bytes = path.starts_with(prefix) ? style.sprite(path.substr(prefix.size())) : nullptr;
    if (!bytes)
        throw http_error(error_kind::not_found, "no such sprite file: " + std::string(path.substr(0, 200)) +
                                                    " (the --basemap-assets folder's sprite files are served)");
    const bool png = path.ends_with(".png");
    const bool gzip_accepted = !png && accepts_gzip(req);
    const std::string etag = representation_etag(0, std::string(path) + "|" + style.version(), gzip_accepted);
    if (etag_matches(req, etag)) return not_modified_response(req, etag, style_max_age);
    return encoded_response(req, gzip_accepted ? gzip(*bytes) : *bytes, gzip_accepted,
                            png ? "image/png" : "application/json", etag, style_max_age);
}

response stored_glyph_range(const request& req, const std::string& bytes, const std::string& identity) {
    const bool gzip_accepted = accepts_gzip(req);
    const bool stored_gzip = is_gzip(bytes);
    const std::string etag = representation_etag(0, identity, gzip_accepted && stored_gzip);
    if (etag_matches(req, etag)) return not_modified_response(req, etag, glyph_max_age);
    if (stored_gzip && !gzip_accepted)
        return encoded_response(req, gunzip(bytes, asset_file_limit), false, "application/x-protobuf", etag,
                                glyph_max_age);
    return encoded_response(req, bytes, stored_gzip, "application/x-protobuf", etag, glyph_max_age);
}

}  // namespace crimemap::server
