#include "server/pages/static_files.hpp"

#include "server/http/http_caching.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <set>
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

// Replaces each line `<!--#include NAME -->` (any indent) with the part NAME, whose own include
// lines are replaced in turn; `within` names the parts being filled in, to refuse a loop.
std::string with_parts(const std::string& page, const std::string& page_name,
                       const std::unordered_map<std::string, std::string>& parts,
                       std::vector<std::string> within = {}) {
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
        if (name == page_name || std::find(within.begin(), within.end(), name) != within.end())
            throw std::runtime_error("web/" + page_name + " includes " + name + ", which leads back to it");
        auto line_start = page.rfind('\n', at);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        out.append(page, from, line_start - from);
        auto inner = within;
        inner.push_back(page_name);
        out += with_parts(part->second, name, parts, std::move(inner));
        from = page.find('\n', end);
        from = from == std::string::npos ? page.size() : from + 1;
    }
    out.append(page, from);
    return out;
}

// FNV-1a, 64 bits: the same files give the same version in every process, so a browser's
// cached copies outlive a restart that changed nothing.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull) {
    for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

std::string hex(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// Page and part text naming the versioned URLs: every quoted "/static/" and
// "/vendor/maplibre-gl/" (attribute values; nothing else in a page starts so).
std::string versioned(std::string text, const std::string& version) {
    replace_all(text, "\"/static/", "\"/static/" + version + "/");
    replace_all(text, "\"/vendor/maplibre-gl/", "\"/vendor/maplibre-gl/" + version + "/");
    return text;
}

// The modules `name` imports (`import ... from './x.js'`, `export ... from`, `import './x.js'`),
// however deep, in the order first met; `scripts` holds web_root's .js files by name.
void imports_of(const std::string& name, const std::unordered_map<std::string, const std::string*>& scripts,
                std::vector<std::string>& out, std::set<std::string>& seen) {
    static const std::regex import_line(R"re((?:^|\n)\s*(?:import|export)\b[^'";]*?['"]\./([\w.-]+\.js)['"])re");
    auto it = scripts.find(name);
    if (it == scripts.end()) return;
    const std::string& text = *it->second;
    for (std::sregex_iterator m(text.begin(), text.end(), import_line), end; m != end; ++m) {
        auto target = (*m)[1].str();
        if (!seen.insert(target).second) continue;
        out.push_back(target);
        imports_of(target, scripts, out, seen);
    }
}

// A page's head with a modulepreload link for each module its module script imports, so the
// browser asks for them all at once rather than one level of imports after another.
std::string with_module_preloads(const std::string& page, const std::unordered_map<std::string, const std::string*>& scripts) {
    static const std::regex module_script(R"re(<script type="module" src="/static/([\w.-]+\.js)")re");
    std::smatch m;
    if (!std::regex_search(page, m, module_script)) return page;
    std::vector<std::string> modules;
    std::set<std::string> seen{m[1].str()};
    imports_of(m[1].str(), scripts, modules, seen);
    auto head_end = page.find("</head>");
    if (modules.empty() || head_end == std::string::npos) return page;
    std::string links;
    for (const auto& name : modules) links += "  <link rel=\"modulepreload\" href=\"/static/" + name + "\">\n";
    return page.substr(0, head_end) + links + page.substr(head_end);
}

bool compressible(std::string_view type) {
    return type.starts_with("text/") || type == "application/json" || type == "image/svg+xml";
}

void compress(static_file& file) {
    if (!compressible(file.content_type) || file.content.empty()) return;
    auto packed = gzip(file.content);
    if (packed.size() < file.content.size()) file.gzipped = std::move(packed);
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
    // Pages (with their parts) apart from the rest, whose contents make the version.
    std::vector<std::pair<std::string, static_file>> pages, assets;
    for (const auto& entry : entries) {
        auto name = entry.path().filename().string();
        auto type = type_of(entry.path());
        if (type.empty() || name.starts_with("package") || name.starts_with(".")) continue;
        static_file file;
        file.content_type = type;
        if (!read_file(entry.path(), file.content)) continue;
        if (name.ends_with(".html")) {
            file.content = with_parts(file.content, name, parts_);
            pages.emplace_back(name, std::move(file));
        } else {
            assets.emplace_back("/static/" + name, std::move(file));
        }
    }
    auto vendor = web_root / "node_modules" / "maplibre-gl" / "dist";
    // maplibre-gl.js names its source map at its end: a browser with its developer tools open
    // asks for it, and a 404 there would be logged on every page with the map.
    for (const char* name : {"maplibre-gl.js", "maplibre-gl.css", "maplibre-gl.js.map"}) {
        static_file file;
        file.content_type = type_of(name);
        if (!read_file(vendor / name, file.content)) continue;
        assets.emplace_back(std::string("/vendor/maplibre-gl/") + name, std::move(file));
    }
    std::sort(assets.begin(), assets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::uint64_t all = fnv1a("");
    for (auto& [path, file] : assets) {
        file.version = hex(fnv1a(file.content));
        all = fnv1a(file.content, fnv1a(path, all));
    }
    version_ = hex(all);
    std::unordered_map<std::string, const std::string*> scripts;
    for (const auto& [path, file] : assets)
        if (path.starts_with("/static/") && path.ends_with(".js")) scripts[path.substr(8)] = &file.content;
    for (auto& [name, file] : pages) {
        file.content = versioned(with_module_preloads(file.content, scripts), version_);
        file.version = hex(fnv1a(file.content));
        compress(file);
        // A page other than index.html is also served at "/<name without .html>".
        if (name != "index.html") files_["/" + name.substr(0, name.size() - 5)] = file;
        files_[name == "index.html" ? "/" : "/static/" + name] = std::move(file);
    }
    std::unordered_map<std::string, std::string> filled;
    for (const auto& [name, part] : parts_) filled[name] = versioned(with_parts(part, name, parts_), version_);
    parts_ = std::move(filled);
    for (auto& [path, file] : assets) {
        compress(file);
        auto slash = path.rfind('/');
        static_file fixed = file;
        fixed.immutable = true;
        files_[path.substr(0, slash + 1) + version_ + path.substr(slash)] = std::move(fixed);
        files_[path] = std::move(file);
    }
}

const static_file* static_files::find(std::string_view url_path) const {
    auto it = files_.find(std::string(url_path));
    return it == files_.end() ? nullptr : &it->second;
}

std::string static_files::url(std::string_view name) const {
    return "/static/" + version_ + "/" + std::string(name);
}

response static_file_response(const request& req, const static_file& file, std::string_view url_path) {
    constexpr int year = 31536000;
    const int max_age = file.immutable ? year : 300;
    const bool gzipped = !file.gzipped.empty() && accepts_gzip(req);
    const auto etag = representation_etag(0, std::string(url_path) + "|" + file.version, gzipped);
    auto res = etag_matches(req, etag) ? not_modified_response(req, etag, max_age)
                                       : encoded_response(req, gzipped ? file.gzipped : file.content, gzipped,
                                                          file.content_type, etag, max_age);
    if (file.immutable) res.set(boost::beast::http::field::cache_control, "public, max-age=31536000, immutable");
    return res;
}

const std::string& static_files::part(std::string_view name) const {
    static const std::string none;
    auto it = parts_.find(std::string(name));
    return it == parts_.end() ? none : it->second;
}

}  // namespace crimemap::server
