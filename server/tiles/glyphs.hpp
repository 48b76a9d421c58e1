#pragma once
// MapLibre glyph ranges (signed distance fields, 256 code points a range) made with FreeType's
// own SDF renderer from the fonts installed on this machine, for the basemap's labels.

#include "server/tiles/tile_cache.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::server {

/// MapLibre's glyph metrics: a 24 px em and a 3 px border round every bitmap.
inline constexpr int glyph_font_size = 24;
inline constexpr int glyph_border = 3;

class glyph_library {
public:
    /// Finds every .ttf, .otf and .ttc font under `folder` (recursively), named by family and
    /// style as MapLibre styles name them ("Noto Sans Regular", "Open Sans Bold"); faces are opened
    /// on first use. Throws std::runtime_error when FreeType cannot start or no font is found.
    explicit glyph_library(const std::string& folder);
    glyph_library(const glyph_library&) = delete;
    glyph_library& operator=(const glyph_library&) = delete;
    ~glyph_library();

    /// The fonts found, sorted by name.
    [[nodiscard]] std::vector<std::string> font_names() const;

    /// The fonts a stack ("Open Sans Bold,Arial Unicode MS Regular") is drawn with: its names
    /// that are installed, in order (case does not matter), then the fallback of its weight
    /// (Noto Sans Bold for a bold stack, Noto Sans Italic, ...), then the plain fallback.
    /// Never empty.
    [[nodiscard]] std::vector<std::string> resolve(std::string_view fontstack) const;

    /// The glyphs protobuf (MapLibre's glyphs.proto) of code points `start` to `start + 255`, each
    /// from the first of resolve(fontstack) that has it; code points no font has are left out.
    /// Rendered once for the fonts the stack resolves to, whatever its name (linear in the range's
    /// glyphs, some ms each), then kept in a bounded cache.
    /// Thread-safe. @pre start % 256 == 0 and start <= 0x10ff00
    [[nodiscard]] std::string range(std::string_view fontstack, std::uint32_t start) const;

    /// Ranges rendered since start (each a miss of the cache): for tests and metrics.
    [[nodiscard]] std::uint64_t ranges_rendered() const { return cache_.misses(); }

private:
    struct font;
    struct freetype;
    std::unique_ptr<freetype> library_;
    std::vector<std::unique_ptr<font>> fonts_;  ///< sorted by name
    mutable std::mutex render_mutex_;            ///< FreeType faces are not thread-safe
    mutable tile_cache cache_;
    const font* find(std::string_view name) const;
};

}  // namespace crimemap::server
