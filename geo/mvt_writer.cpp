#include "geo/mvt_writer.hpp"

#include <protozero/pbf_writer.hpp>

namespace crimemap::geo {

namespace {

// Field numbers of vector_tile.proto 2.1.
enum : protozero::pbf_tag_type {
    tile_layers = 3,
    layer_name = 1,
    layer_features = 2,
    layer_keys = 3,
    layer_values = 4,
    layer_extent = 5,
    layer_version = 15,
    feature_id = 1,
    feature_tags = 2,
    feature_type = 3,
    feature_geometry = 4,
    value_string = 1,
    value_uint = 5,
};
enum : int { geom_point = 1, geom_polygon = 3 };

constexpr std::uint32_t command(std::uint32_t id, std::uint32_t count) { return (id & 0x7u) | (count << 3); }
constexpr std::uint32_t zigzag(std::int32_t v) {
    return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::size_t small_number_limit = 1024;

}  // namespace

mvt_layer::mvt_layer(std::string_view name, std::uint32_t extent) : name_(name), extent_(extent) {}

std::uint32_t mvt_layer::key(std::string_view name) {
    for (std::uint32_t i = 0; i < keys_.size(); ++i)
        if (keys_[i] == name) return i;
    keys_.push_back(name);
    return static_cast<std::uint32_t>(keys_.size() - 1);
}

std::uint32_t mvt_layer::value(std::string_view text) {
    auto [it, inserted] = text_values_.try_emplace(text, static_cast<std::uint32_t>(values_.size()));
    if (inserted) values_.push_back({stored_value::type::text, text, 0});
    return it->second;
}

std::uint32_t mvt_layer::value(std::uint64_t number) {
    if (number < small_number_limit) {
        if (small_numbers_.empty()) small_numbers_.assign(small_number_limit, 0);
        auto& slot = small_numbers_[number];
        if (slot == 0) {
            values_.push_back({stored_value::type::number, {}, number});
            slot = static_cast<std::uint32_t>(values_.size());
        }
        return slot - 1;
    }
    auto [it, inserted] = large_numbers_.try_emplace(number, static_cast<std::uint32_t>(values_.size()));
    if (inserted) values_.push_back({stored_value::type::number, {}, number});
    return it->second;
}

void mvt_layer::begin_feature(std::span<const std::uint32_t> tags, std::uint64_t id, int geometry_type) {
    protozero::pbf_writer layer(body_);
    protozero::pbf_writer feature(layer, layer_features);
    if (id != 0) feature.add_uint64(feature_id, id);
    feature.add_packed_uint32(feature_tags, tags.begin(), tags.end());
    feature.add_enum(feature_type, geometry_type);
    feature.add_packed_uint32(feature_geometry, geometry_.begin(), geometry_.end());
    ++features_;
}

void mvt_layer::add_point(std::span<const std::uint32_t> tags, tile_point where, std::uint64_t id) {
    geometry_.assign({command(1, 1), zigzag(where.x), zigzag(where.y)});
    begin_feature(tags, id, geom_point);
}

void mvt_layer::add_polygon(std::span<const std::uint32_t> tags, std::span<const std::vector<tile_point>> rings,
                            std::uint64_t id) {
    geometry_.clear();
    tile_point cursor;
    for (const auto& ring : rings) {
        if (ring.size() < 3) continue;
        geometry_.push_back(command(1, 1));
        geometry_.push_back(zigzag(ring[0].x - cursor.x));
        geometry_.push_back(zigzag(ring[0].y - cursor.y));
        cursor = ring[0];
        geometry_.push_back(command(2, static_cast<std::uint32_t>(ring.size() - 1)));
        for (std::size_t i = 1; i < ring.size(); ++i) {
            geometry_.push_back(zigzag(ring[i].x - cursor.x));
            geometry_.push_back(zigzag(ring[i].y - cursor.y));
            cursor = ring[i];
        }
        geometry_.push_back(command(7, 1));
    }
    if (geometry_.empty()) return;
    begin_feature(tags, id, geom_polygon);
}

void mvt_layer::finish_into(std::string& tile) {
    std::string layer_bytes;
    protozero::pbf_writer layer(layer_bytes);
    layer.add_uint32(layer_version, 2);
    layer.add_string(layer_name, name_.data(), name_.size());
    layer.add_uint32(layer_extent, extent_);
    for (auto k : keys_) layer.add_string(layer_keys, k.data(), k.size());
    for (const auto& v : values_) {
        protozero::pbf_writer value(layer, layer_values);
        if (v.kind == stored_value::type::text) {
            value.add_string(value_string, v.text.data(), v.text.size());
        } else {
            value.add_uint64(value_uint, v.number);
        }
    }
    layer_bytes += body_;  // the features, already encoded as Layer fields
    protozero::pbf_writer out(tile);
    out.add_message(tile_layers, layer_bytes);
}

}  // namespace crimemap::geo
