#include "geo/mvt_writer.hpp"
#include "mvt_decoder.hpp"

#include <catch2/catch.hpp>
#include <protozero/pbf_reader.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace crimemap::geo;

namespace {

// The raw fields of one layer, read with protozero: what GDAL's decoder smooths over
// (command integers, table sizes) is checked on these.
struct raw_feature {
    std::uint64_t id = 0;
    bool has_id = false;
    std::vector<std::uint32_t> tags;
    std::uint32_t type = 0;
    std::vector<std::uint32_t> geometry;
};
struct raw_layer {
    std::string name;
    std::uint32_t version = 0, extent = 0;
    std::vector<std::string> keys;
    std::vector<std::string> text_values;
    std::vector<std::uint64_t> number_values;
    std::vector<raw_feature> features;
};

std::vector<raw_layer> read_layers(const std::string& tile) {
    std::vector<raw_layer> layers;
    protozero::pbf_reader message(tile);
    while (message.next(3)) {
        raw_layer out;
        protozero::pbf_reader layer = message.get_message();
        while (layer.next()) {
            switch (layer.tag()) {
            case 1: out.name = layer.get_string(); break;
            case 2: {
                raw_feature f;
                protozero::pbf_reader feature = layer.get_message();
                while (feature.next()) {
                    switch (feature.tag()) {
                    case 1: f.id = feature.get_uint64(); f.has_id = true; break;
                    case 2: for (auto v : feature.get_packed_uint32()) f.tags.push_back(v); break;
                    case 3: f.type = static_cast<std::uint32_t>(feature.get_enum()); break;
                    case 4: for (auto v : feature.get_packed_uint32()) f.geometry.push_back(v); break;
                    default: feature.skip();
                    }
                }
                out.features.push_back(std::move(f));
                break;
            }
            case 3: out.keys.push_back(layer.get_string()); break;
            case 4: {
                protozero::pbf_reader value = layer.get_message();
                while (value.next()) {
                    if (value.tag() == 1) out.text_values.push_back(value.get_string());
                    else if (value.tag() == 5) out.number_values.push_back(value.get_uint64());
                    else value.skip();
                }
                break;
            }
            case 5: out.extent = layer.get_uint32(); break;
            case 15: out.version = layer.get_uint32(); break;
            default: layer.skip();
            }
        }
        layers.push_back(std::move(out));
    }
    return layers;
}

std::uint32_t command(std::uint32_t id, std::uint32_t count) { return id | (count << 3); }

}  // namespace

TEST_CASE("a point is one MoveTo with its coordinates zig-zag encoded, buffer included") {
    mvt_layer layer("crimes");
    const std::uint32_t tags[] = {layer.key("count"), layer.value(std::uint64_t{3})};
    layer.add_point(tags, {-1, 4097});
    layer.add_point(tags, {0, 0});
    std::string tile;
    layer.finish_into(tile);

    auto layers = read_layers(tile);
    REQUIRE(layers.size() == 1);
    REQUIRE(layers[0].features.size() == 2);
    CHECK(layers[0].features[0].type == 1);
    // -1 zig-zags to 1, 4097 to 8194, 0 to 0.
    CHECK(layers[0].features[0].geometry == std::vector<std::uint32_t>{command(1, 1), 1, 8194});
    CHECK(layers[0].features[1].geometry == std::vector<std::uint32_t>{command(1, 1), 0, 0});

    crimemap::test::decoded_tile decoded(tile);
    REQUIRE(decoded.features.size() == 2);
    CHECK(decoded.features[0].layer == "crimes");
    CHECK(decoded.features[0].x == -1);
    CHECK(decoded.features[0].y == 4097);
    CHECK(decoded.features[0].properties.at("count") == "3");
}

TEST_CASE("a polygon's rings are MoveTo, LineTo and ClosePath, each move relative to the last point") {
    mvt_layer layer("neighbourhoods");
    const std::uint32_t tags[] = {layer.key("name"), layer.value("Castle")};
    // Exterior clockwise on screen (positive area, y down), hole the other way.
    std::vector<std::vector<tile_point>> rings = {
        {{0, 0}, {10, 0}, {10, 10}, {0, 10}},
        {{2, 2}, {2, 8}, {8, 8}, {8, 2}},
    };
    layer.add_polygon(tags, rings, 7);
    std::string tile;
    layer.finish_into(tile);

    auto layers = read_layers(tile);
    REQUIRE(layers.size() == 1);
    REQUIRE(layers[0].features.size() == 1);
    const auto& feature = layers[0].features[0];
    CHECK(feature.type == 3);
    CHECK(feature.has_id);
    CHECK(feature.id == 7);
    CHECK(feature.geometry == std::vector<std::uint32_t>{
                                  command(1, 1), 0, 0, command(2, 3), 20, 0, 0, 20, 19, 0, command(7, 1),
                                  // the hole starts at (2, 2) from the exterior's last point (0, 10): +2, -8
                                  command(1, 1), 4, 15, command(2, 3), 0, 12, 12, 0, 0, 11, command(7, 1)});

    crimemap::test::decoded_tile decoded(tile);
    REQUIRE(decoded.features.size() == 1);
    CHECK(decoded.features[0].properties.at("name") == "Castle");
    REQUIRE(decoded.features[0].geometry != nullptr);
    // GDAL reads a polygon with holes as a multipolygon of one part.
    const auto* geometry = decoded.features[0].geometry;
    if (wkbFlatten(geometry->getGeometryType()) == wkbMultiPolygon) {
        REQUIRE(geometry->toMultiPolygon()->getNumGeometries() == 1);
        geometry = geometry->toMultiPolygon()->getGeometryRef(0);
    }
    REQUIRE(wkbFlatten(geometry->getGeometryType()) == wkbPolygon);
    const auto* polygon = geometry->toPolygon();
    CHECK(polygon->getNumInteriorRings() == 1);
    CHECK(polygon->get_Area() == Approx(100.0 - 36.0));
}

TEST_CASE("rings of fewer than three points are left out, and a polygon of none adds no feature") {
    mvt_layer layer("neighbourhoods");
    std::vector<std::vector<tile_point>> degenerate = {{{0, 0}, {5, 5}}};
    layer.add_polygon({}, degenerate);
    CHECK(layer.empty());
    std::vector<std::vector<tile_point>> mixed = {{{0, 0}, {5, 5}}, {{0, 0}, {4, 0}, {4, 4}}};
    layer.add_polygon({}, mixed);
    CHECK(layer.feature_count() == 1);
    std::string tile;
    layer.finish_into(tile);
    auto layers = read_layers(tile);
    REQUIRE(layers[0].features.size() == 1);
    CHECK(layers[0].features[0].geometry ==
          std::vector<std::uint32_t>{command(1, 1), 0, 0, command(2, 2), 8, 0, 0, 8, command(7, 1)});
}

TEST_CASE("keys and values are stored once per layer, text and numbers apart") {
    mvt_layer layer("crimes");
    CHECK(layer.key("category") == 0);
    CHECK(layer.key("month") == 1);
    CHECK(layer.key("category") == 0);
    const auto burglary = layer.value("burglary");
    const auto small = layer.value(std::uint64_t{5});
    const auto large = layer.value(std::uint64_t{5'000'000});
    CHECK(layer.value("burglary") == burglary);
    CHECK(layer.value(std::uint64_t{5}) == small);
    CHECK(layer.value(std::uint64_t{5'000'000}) == large);
    CHECK(layer.value("5") != small);  // the text "5" is not the number 5
    CHECK(layer.value(std::uint64_t{0}) != small);
    const std::uint32_t tags[] = {0, burglary, 1, large};
    layer.add_point(tags, {1, 2});
    layer.add_point(tags, {3, 4});
    std::string tile;
    layer.finish_into(tile);

    auto layers = read_layers(tile);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].keys == std::vector<std::string>{"category", "month"});
    CHECK(layers[0].text_values == std::vector<std::string>{"burglary", "5"});
    CHECK(layers[0].number_values == std::vector<std::uint64_t>{5, 5'000'000, 0});
    CHECK(layers[0].features[1].tags == std::vector<std::uint32_t>{0, burglary, 1, large});

    crimemap::test::decoded_tile decoded(tile);
    REQUIRE(decoded.features.size() == 2);
    CHECK(decoded.features[1].properties.at("category") == "burglary");
    CHECK(decoded.features[1].properties.at("month") == "5000000");
}

TEST_CASE("a layer carries its extent and version 2, and features are read in that extent") {
    mvt_layer layer("crimes", 512);
    layer.add_point({}, {256, 128});
    std::string tile;
    layer.finish_into(tile);
    auto layers = read_layers(tile);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].extent == 512);
    CHECK(layers[0].version == 2);
    CHECK_FALSE(layers[0].features[0].has_id);  // id 0 means none

    crimemap::test::decoded_tile decoded(tile, 512);
    REQUIRE(decoded.features.size() == 1);
    CHECK(decoded.features[0].x == 256);
    CHECK(decoded.features[0].y == 128);
}

TEST_CASE("an empty layer is written with its name and no features, and layers follow one another") {
    mvt_layer empty("boundaries");
    CHECK(empty.empty());
    CHECK(empty.feature_count() == 0);
    mvt_layer crimes("crimes");
    crimes.add_point({}, {10, 20}, 99);
    std::string tile;
    empty.finish_into(tile);
    crimes.finish_into(tile);

    auto layers = read_layers(tile);
    REQUIRE(layers.size() == 2);
    CHECK(layers[0].name == "boundaries");
    CHECK(layers[0].extent == 4096);
    CHECK(layers[0].features.empty());
    CHECK(layers[0].keys.empty());
    CHECK(layers[1].name == "crimes");
    REQUIRE(layers[1].features.size() == 1);
    CHECK(layers[1].features[0].id == 99);

    crimemap::test::decoded_tile decoded(tile);
    REQUIRE(decoded.features.size() == 1);
    CHECK(decoded.features[0].layer == "crimes");
    CHECK(decoded.features[0].x == 10);
    CHECK(decoded.features[0].y == 20);
}
