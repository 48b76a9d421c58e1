#pragma once
// Mapbox Vector Tile 2.1 encoding on protozero: layers of point and polygon features
// in tile coordinates (0..extent, y down), keys and values deduplicated per layer.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crimemap::geo {

/// A point in tile coordinates; may lie outside 0..extent (in the buffer).
struct tile_point {
    std::int32_t x = 0, y = 0;
    friend bool operator==(const tile_point&, const tile_point&) = default;
};

/// Builds one layer. Strings given to key() and value() are referenced, not copied:
/// they must outlive finish().
class mvt_layer {
public:
    explicit mvt_layer(std::string_view name, std::uint32_t extent = 4096);

    /// Index of a key in this layer's key table.
    std::uint32_t key(std::string_view name);
    /// Index of a value in this layer's value table.
    std::uint32_t value(std::string_view text);
    std::uint32_t value(std::uint64_t number);

    /// Tags are key index, value index pairs.
    void add_point(std::span<const std::uint32_t> tags, tile_point where, std::uint64_t id = 0);
    /// Rings as MVT wants them: each exterior ring (positive surveyor's area in tile
    /// coordinates, y down) followed by its interior rings; rings unclosed (no repeated
    /// first point), at least 3 points each.
    void add_polygon(std::span<const std::uint32_t> tags, std::span<const std::vector<tile_point>> rings,
                     std::uint64_t id = 0);

    [[nodiscard]] bool empty() const { return features_ == 0; }
    [[nodiscard]] std::size_t feature_count() const { return features_; }

    /// Appends the finished layer to `tile` (a Tile message's bytes). Call once.
    void finish_into(std::string& tile);

private:
    struct stored_value {
        enum class type : std::uint8_t { text, number } kind;
        std::string_view text;
        std::uint64_t number;
    };
    void begin_feature(std::span<const std::uint32_t> tags, std::uint64_t id, int geometry_type);

    std::string_view name_;
    std::uint32_t extent_;
    std::string body_;  // the Layer message's feature fields so far
    std::vector<std::string_view> keys_;
    std::vector<stored_value> values_;
    std::unordered_map<std::string_view, std::uint32_t> text_values_;
    std::unordered_map<std::uint64_t, std::uint32_t> large_numbers_;
    std::vector<std::uint32_t> small_numbers_;  // value index + 1 by number, for numbers < its size
    std::vector<std::uint32_t> geometry_;
    std::size_t features_ = 0;
};

}  // namespace crimemap::geo
