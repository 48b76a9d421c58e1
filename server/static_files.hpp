#pragma once
// The web app's files, read once at start and served from memory.

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crimemap::server {

struct static_file {
    std::string content;
    std::string content_type;
    std::string version;  ///< changes with the content; part of its ETag
};

class static_files {
public:
    static_files() = default;
    /// Reads `web_root`'s own files (index.html at "/", the others at "/static/<name>", and
    /// any other page, <name>.html, at "/<name>" too)
    /// and MapLibre GL's build, with the source map its script names, from web_root/node_modules
    /// (at "/vendor/maplibre-gl/<name>").
    /// Missing files are simply not served. Parts shared by pages are files named `_<name>.html`:
    /// not served themselves, each `<!--#include _<name>.html -->` line in a page is replaced by
    /// one, here, once. Throws std::runtime_error naming the page when a part is missing.
    explicit static_files(const std::filesystem::path& web_root);

    /// The file for a URL path, or nullptr.
    [[nodiscard]] const static_file* find(std::string_view url_path) const;
    /// A shared part by file name (`_exit-this-page.html`), for pages the server writes itself;
    /// empty when there is none.
    [[nodiscard]] const std::string& part(std::string_view name) const;
    [[nodiscard]] std::size_t size() const { return files_.size(); }

private:
    std::unordered_map<std::string, static_file> files_;
    std::unordered_map<std::string, std::string> parts_;
};

}  // namespace crimemap::server
