#include "server/tiles/glyphs.hpp"

#include "server/tiles/comma_list.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_MODULE_H

#include <protozero/pbf_writer.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace crimemap::server {

namespace {

// FreeType's distance range each side of the outline, in pixels. MapLibre reads distances from
// 6 px outside the outline (halos) to 2 px inside, so 8 covers them; the bitmap FreeType pads by
// this much is cut down to MapLibre's 3 px border.
constexpr int sdf_spread = 8;
constexpr std::size_t range_cache_bytes = 16 << 20;

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// MapLibre's value of a pixel from FreeType's: MapLibre puts the outline at 191 and counts
// 255/8 a pixel inward (its TinySDF: 255 - 255 * (outside distance / 8 + 0.25)); FreeType puts
// it at 128 and counts 128/spread a pixel inward.
unsigned char maplibre_sdf_value(unsigned char freetype_value) {
    const double inside = (static_cast<double>(freetype_value) - 128.0) * sdf_spread / 128.0;
    const double value = 255.0 - 255.0 * (-inside / 8.0 + 0.25);
    return static_cast<unsigned char>(std::clamp(std::lround(value), 0L, 255L));
}

}  // namespace

struct glyph_library::freetype {
    FT_Library handle = nullptr;
    freetype() {
        if (FT_Init_FreeType(&handle) != 0) throw std::runtime_error("cannot start FreeType");
        FT_Int spread = sdf_spread;
        FT_Property_Set(handle, "sdf", "spread", &spread);
        FT_Property_Set(handle, "bsdf", "spread", &spread);
    }
    ~freetype() { FT_Done_FreeType(handle); }
    freetype(const freetype&) = delete;
    freetype& operator=(const freetype&) = delete;
};

struct glyph_library::font {
    std::string name, lower_name, path;
    FT_Long index = 0;
    FT_Face face = nullptr;  ///< opened on first use, under render_mutex_
    ~font() {
        if (face) FT_Done_Face(face);
    }
};

glyph_library::glyph_library(const std::string& folder)
    : library_(std::make_unique<freetype>()), cache_(range_cache_bytes) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code error;
    for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
        auto extension = lowercase(it->path().extension().string());
        if (it->is_regular_file() && (extension == ".ttf" || extension == ".otf" || extension == ".ttc"))
            files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        FT_Long count = 1;
        for (FT_Long index = 0; index < count; ++index) {
            FT_Face face = nullptr;
            if (FT_New_Face(library_->handle, path.c_str(), index, &face) != 0) break;  // not a font: skipped
            count = face->num_faces;
            if (face->family_name && FT_IS_SCALABLE(face)) {
                auto made = std::make_unique<font>();
                made->name = std::string(face->family_name) + (face->style_name ? " " + std::string(face->style_name) : "");
                made->lower_name = lowercase(made->name);
                made->path = path;
                made->index = index;
                fonts_.push_back(std::move(made));
            }
            FT_Done_Face(face);
        }
    }
    // The first file of a name wins: sorted paths make that the same on every start.
    std::stable_sort(fonts_.begin(), fonts_.end(), [](const auto& a, const auto& b) { return a->lower_name < b->lower_name; });
    fonts_.erase(std::unique(fonts_.begin(), fonts_.end(),
                             [](const auto& a, const auto& b) { return a->lower_name == b->lower_name; }),
                 fonts_.end());
    if (fonts_.empty())
        throw std::runtime_error("no fonts (.ttf, .otf, .ttc) under " + folder +
                                 " for the basemap's labels; install fonts-noto-core or fonts-open-sans");
}

glyph_library::~glyph_library() {
    fonts_.clear();  // faces before the library
}

std::vector<std::string> glyph_library::font_names() const {
    std::vector<std::string> names;
    for (const auto& f : fonts_) names.push_back(f->name);
    return names;
}

const glyph_library::font* glyph_library::find(std::string_view name) const {
    auto lower = lowercase(trim_spaces(name));
    auto it = std::lower_bound(fonts_.begin(), fonts_.end(), lower,
                               [](const auto& f, const std::string& key) { return f->lower_name < key; });
    return it != fonts_.end() && (*it)->lower_name == lower ? it->get() : nullptr;
}

std::vector<std::string> glyph_library::resolve(std::string_view fontstack) const {
    std::vector<std::string> out;
    auto add = [&](std::string_view name) {
        if (const font* f = find(name); f && std::find(out.begin(), out.end(), f->name) == out.end())
            out.push_back(f->name);
    };
    std::string first;
    for (auto name : comma_list(fontstack)) {
        if (first.empty()) first = lowercase(name);
        add(name);
    }
    const bool bold = first.find("bold") != std::string::npos || first.find("black") != std::string::npos ||
                      first.find("heavy") != std::string::npos;
    const bool italic = first.find("italic") != std::string::npos || first.find("oblique") != std::string::npos;
    const std::string style = bold && italic ? "Bold Italic" : bold ? "Bold" : italic ? "Italic" : "Regular";
    for (const char* family : {"Noto Sans", "Open Sans", "DejaVu Sans"}) add(std::string(family) + " " + style);
    for (const char* plain : {"Noto Sans Regular", "Open Sans Regular", "DejaVu Sans Book"}) add(plain);
    if (out.empty()) out.push_back(fonts_.front()->name);
    return out;
}

std::string glyph_library::range(std::string_view fontstack, std::uint32_t start) const {
    const auto fonts = resolve(fontstack);
    std::string key = std::to_string(start);
    for (const auto& name : fonts) key += "|" + name;
    const std::string range_name = std::to_string(start) + "-" + std::to_string(start + 255);
    // The stack's name is what MapLibre asked for; the glyphs are those of `fonts`, rendered once
    // for every name that resolves to them (a new name must not cost a new rendering).
    auto answer = [&](const std::string& glyph_fields) {
        std::string stack_message;
        protozero::pbf_writer stack(stack_message);
        stack.add_string(1, std::string(fontstack));
        stack.add_string(2, range_name);
        stack_message += glyph_fields;
        std::string out;
        protozero::pbf_writer(out).add_message(1, stack_message);
        return out;
    };
    if (auto cached = cache_.find(key)) return answer(std::string(cached->body()));

    std::string out;  // the stack's glyph fields (3), each a glyph message
    {
        std::lock_guard lock(render_mutex_);
        std::vector<font*> faces;
        for (const auto& name : fonts) {
            auto* f = const_cast<font*>(find(name));
            if (!f->face) {
                if (FT_New_Face(library_->handle, f->path.c_str(), f->index, &f->face) != 0) {
                    f->face = nullptr;
                    continue;
                }
                FT_Set_Pixel_Sizes(f->face, 0, glyph_font_size);
            }
            faces.push_back(f);
        }
        protozero::pbf_writer stack(out);
        std::string bitmap;
        for (std::uint32_t code = start; code < start + 256; ++code) {
            for (font* f : faces) {
                FT_Face face = f->face;
                FT_UInt index = FT_Get_Char_Index(face, code);
                if (index == 0) continue;
                if (FT_Load_Glyph(face, index, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) != 0) continue;
                FT_GlyphSlot slot = face->glyph;
                std::uint32_t width = 0, height = 0;
                std::int32_t left = 0, top_from_baseline = 0;
                bitmap.clear();
                // Rasterised first, so the SDF comes from the bitmap (FreeType's bsdf module): four
                // times faster than from the outline, and as good at MapLibre's 24 px.
                if (slot->format == FT_GLYPH_FORMAT_OUTLINE && slot->outline.n_points > 0 &&
                    FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) == 0 && FT_Render_Glyph(slot, FT_RENDER_MODE_SDF) == 0 &&
                    slot->bitmap.width > 2 * sdf_spread && slot->bitmap.rows > 2 * sdf_spread) {
                    const auto& b = slot->bitmap;
                    width = b.width - 2 * sdf_spread;
                    height = b.rows - 2 * sdf_spread;
                    left = slot->bitmap_left + sdf_spread;
                    top_from_baseline = slot->bitmap_top - sdf_spread;
                    const int cut = sdf_spread - glyph_border;
                    for (unsigned row = 0; row < height + 2 * glyph_border; ++row) {
                        const auto* line = b.buffer + static_cast<std::ptrdiff_t>(row + cut) * b.pitch + cut;
                        for (unsigned column = 0; column < width + 2 * glyph_border; ++column)
                            bitmap.push_back(static_cast<char>(maplibre_sdf_value(line[column])));
                    }
                }
                // MapLibre's top is measured from the em box's top, as fontnik writes it.
                const double ascender = static_cast<double>(face->size->metrics.ascender) / 64.0;
                protozero::pbf_writer glyph(stack, 3);
                glyph.add_uint32(1, code);
                if (!bitmap.empty()) glyph.add_bytes(2, bitmap);
                glyph.add_uint32(3, width);
                glyph.add_uint32(4, height);
                glyph.add_sint32(5, left);
                glyph.add_sint32(6, static_cast<std::int32_t>(std::lround(top_from_baseline - ascender)));
                glyph.add_uint32(7, static_cast<std::uint32_t>(std::lround(static_cast<double>(slot->advance.x) / 64.0)));
                break;
            }
        }
    }
    cache_.insert(key, out);
    return answer(out);
}

}  // namespace crimemap::server
