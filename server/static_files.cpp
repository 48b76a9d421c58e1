#include "server/static_files.hpp"

#include <array>
#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

namespace crimemap::server {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 9> types{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
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

}  // namespace

static_files::static_files(const std::filesystem::path& web_root) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(web_root, ec)) {
        if (!entry.is_regular_file()) continue;
        auto name = entry.path().filename().string();
        auto type = type_of(entry.path());
        if (type.empty() || name.starts_with("package") || name.starts_with(".")) continue;
        static_file file{{}, std::string(type), {}};
        if (!read_file(entry.path(), file.content)) continue;
        file.version = std::to_string(std::hash<std::string>{}(file.content));
        // A page other than index.html is also served at "/<name without .html>".
        if (name != "index.html" && name.ends_with(".html")) files_["/" + name.substr(0, name.size() - 5)] = file;
        files_[name == "index.html" ? "/" : "/static/" + name] = std::move(file);
    }
    auto vendor = web_root / "node_modules" / "maplibre-gl" / "dist";
    for (const char* name : {"maplibre-gl.js", "maplibre-gl.css"}) {
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

}  // namespace crimemap::server
