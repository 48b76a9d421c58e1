#include "server/static_files.hpp"

#include <array>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace crimemap::server {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> types{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},  // a source map
}};

std::string_view type_of(const std::filesystem::path& path) {
    auto extension = path.extension().string();
    for (const auto& [ext, type] : types)
        if (ext == extension) return type;
    return {};
}

bool read_file(const std::filesystem::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

// Replaces each line `<!--#include NAME -->` (any indent) with the part NAME.
std::string with_parts(const std::string& page, const std::string& page_name,
                       const std::unordered_map<std::string, std::string>& parts) {
    static constexpr std::string_view open = "<!--#include ", close = " -->";
    std::string out;
    std::size_t from = 0;
    for (auto at = page.find(open); at != std::string::npos; at = page.find(open, from)) {
        auto end = page.find(close, at);
        if (end == std::string::npos) break;
        auto name = page.substr(at + open.size(), end - at - open.size());
        auto part = parts.find(name);
        if (part == parts.end())
            throw std::runtime_error("web/" + page_name + " includes " + name + ", which is not a file in web/");
        auto line_start = page.rfind('\n', at);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        out.append(page, from, line_start - from);
        out += part->second;
        from = page.find('\n', end);
        from = from == std::string::npos ? page.size() : from + 1;
    }
    out.append(page, from);
    return out;
}

}  // namespace

static_files::static_files(const std::filesystem::path& web_root) {
    std::error_code ec;
    std::vector<std::filesystem::directory_entry> entries;
    for (const auto& entry : std::filesystem::directory_iterator(web_root, ec)) {
        if (!entry.is_regular_file()) continue;
        auto name = entry.path().filename().string();
        if (name.starts_with('_') && name.ends_with(".html")) {
            if (std::string content; read_file(entry.path(), content)) parts_[name] = std::move(content);
        } else {
            entries.push_back(entry);
        }
    }
    for (const auto& entry : entries) {
        auto name = entry.path().filename().string();
        auto type = type_of(entry.path());
        if (type.empty() || name.starts_with("package") || name.starts_with(".")) continue;
        static_file file{{}, std::string(type), {}};
        if (!read_file(entry.path(), file.content)) continue;
        if (name.ends_with(".html")) file.content = with_parts(file.content, name, parts_);
        file.version = std::to_string(std::hash<std::string>{}(file.content));
        // A page other than index.html is also served at "/<name without .html>".
        if (name != "index.html" && name.ends_with(".html")) files_["/" + name.substr(0, name.size() - 5)] = file;
        files_[name == "index.html" ? "/" : "/static/" + name] = std::move(file);
    }
    auto vendor = web_root / "node_modules" / "maplibre-gl" / "dist";
    // maplibre-gl.js names its source map at its end: a browser with its developer tools open
    // asks for it, and a 404 there would be logged on every page with the map.
    for (const char* name : {"maplibre-gl.js", "maplibre-gl.css", "maplibre-gl.js.map"}) {
        static_file file{{}, std::string(type_of(name)), {}};
        if (!read_file(vendor / name, file.content)) continue;
        file.version = std::to_string(std::hash<std::string>{}(file.content));
        files_[std::string("/vendor/maplibre-gl/") + name] = std::move(file);
    }
}

const static_file* static_files::find(std::string_view url_path) const {
    auto it = files_.find(std::string(url_path));
    return it == files_.end() ? nullptr : &it->second;
}

const std::string& static_files::part(std::string_view name) const {
    static const std::string none;
    auto it = parts_.find(std::string(name));
    return it == parts_.end() ? none : it->second;
}

}  // namespace crimemap::server
