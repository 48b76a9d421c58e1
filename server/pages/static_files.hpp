#pragma once
// The web app's files, read once at start and served from memory.

#include "server/http/http.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crimemap::server {

struct static_file {
    std::string content;
    std::string content_type;
    std::string version;  ///< changes with the content; part of its ETag
    std::string gzipped;  ///< the content gzipped once at load; empty when that is no smaller
    bool immutable = false;  ///< at a versioned URL: cached for a year, never revalidated
};

class static_files {
public:
    static_files() = default;
    /// Reads `web_root`'s own files (index.html at "/", the others at "/static/<name>", and
    /// any other page, <name>.html, at "/<name>" too)
    /// and MapLibre GL's build, with the source map its script names, from web_root/node_modules
    /// (at "/vendor/maplibre-gl/<name>").
    /// Each of those files but the pages is also served at a versioned URL,
    /// "/static/<version>/<name>" and "/vendor/maplibre-gl/<version>/<name>", <version> changing
    /// with any of them, and the pages (and their parts) name those URLs, with a modulepreload
    /// link for each module their module script imports, however deep: a page is fetched
    /// fresh, what it names is cached for a year. Text files are gzipped once, here.
    /// Missing files are simply not served. Parts shared by pages are files named `_<name>.html`:
    /// not served themselves, each `<!--#include _<name>.html -->` line in a page is replaced by
    /// one, here, once, and a part's own include lines likewise (the pages share `_head.html`,
    /// `_page-start.html` and `_page-end.html`). Throws std::runtime_error naming the page when a part is
    /// missing or leads back to itself.
    explicit static_files(const std::filesystem::path& web_root);

    /// The file for a URL path, or nullptr.
    [[nodiscard]] const static_file* find(std::string_view url_path) const;
    /// A shared part by file name (`_exit-this-page.html`), for pages the server writes itself;
    /// empty when there is none.
    [[nodiscard]] const std::string& part(std::string_view name) const;
    [[nodiscard]] std::size_t size() const { return files_.size(); }
    /// The versioned URL of web_root's file `name` ("style.css" → "/static/<version>/style.css"),
    /// for pages the server writes itself.
    [[nodiscard]] std::string url(std::string_view name) const;
    /// What changes with any file the pages name.
    [[nodiscard]] const std::string& version() const { return version_; }

private:
    std::unordered_map<std::string, static_file> files_;
    std::unordered_map<std::string, std::string> parts_;
    std::string version_;
};

/// The answer for a file: gzipped when the client accepts it, its ETag (304 when matched), and
/// `public, max-age=31536000, immutable` at a versioned URL, else `public, max-age=300`.
response static_file_response(const request& req, const static_file& file, std::string_view url_path);

}  // namespace crimemap::server
