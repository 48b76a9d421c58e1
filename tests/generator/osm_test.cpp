// generator/osm.cpp: the --osm file, read back with GDAL.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

TEST_CASE("with --osm the streets and places are written as OpenStreetMap XML that GDAL reads", "[generate]") {
    const fs::path dir = fs::temp_directory_path() / ("crimemap-osm-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    generate_options options;
    options.out = dir / "data";
    options.rows = 3000;
    options.months = 1;
    options.osm = dir / "streets.osm";
    std::ostringstream log;
    generate(options, log);

    // Every street a crime is "On or near" has a way of that name; the points data.police.uk names
    // by what is there ("On or near Supermarket") are not streets.
    const std::set<std::string> not_streets{"Shopping Area", "Supermarket", "Parking Area", "Petrol Station", "Nightclub",
                                            "Police Station", "Bus/Coach Station", "Pedestrian Subway",
                                            "Sports/Recreation Area", "Hospital", "Further/Higher Educational Building",
                                            "Theatre/Concert Hall", "Conference/Exhibition Centre"};
    std::set<std::string> streets;
    for (const auto& entry : fs::recursive_directory_iterator(options.out)) {
        if (!entry.path().string().ends_with("-street.csv")) continue;
        std::ifstream in(entry.path());
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::vector<std::string> fields;
            std::stringstream row(line);
            for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
            REQUIRE(fields.size() >= 7);
            if (fields[6].starts_with("On or near ") && fields[6].size() > 11 && !not_streets.count(fields[6].substr(11)))
                streets.insert(fields[6].substr(11));
        }
    }
    REQUIRE(!streets.empty());

    GDALAllRegister();
    const char* drivers[] = {"OSM", nullptr};
    GDALDatasetH osm = GDALOpenEx(options.osm.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr);
    REQUIRE(osm != nullptr);
    std::set<std::string> way_names, place_kinds, rivers;
    std::size_t places = 0, roads = 0, lakes = 0, named_lakes = 0, parks = 0, reserves = 0, woods = 0, buildings = 0;
    // The OSM driver reads layers in the file's order: interleaved reading (GDALDatasetGetNextFeature).
    OGRLayerH layer = nullptr;
    while (OGRFeatureH feature = GDALDatasetGetNextFeature(osm, &layer, nullptr, nullptr, nullptr)) {
        const std::string layer_name = OGR_L_GetName(layer);
        auto field = [&](const char* name) {
            int index = OGR_F_GetFieldIndex(feature, name);
            return index >= 0 && OGR_F_IsFieldSet(feature, index) ? std::string(OGR_F_GetFieldAsString(feature, index))
                                                                   : std::string();
        };
        if (layer_name == "points" && !field("place").empty()) {
            ++places;
            place_kinds.insert(field("place"));
            CHECK(!field("name").empty());
        } else if (layer_name == "lines" && !field("highway").empty()) {
            ++roads;
            if (!field("name").empty()) way_names.insert(field("name"));
            CHECK(OGR_G_GetPointCount(OGR_F_GetGeometryRef(feature)) >= 2);
        } else if (layer_name == "lines" && field("waterway") == "river") {
            rivers.insert(field("name"));
            CHECK(OGR_G_GetPointCount(OGR_F_GetGeometryRef(feature)) >= 10);
        } else if (layer_name == "multipolygons") {
            // Closed ways with area tags come back as polygons.
            CHECK(wkbFlatten(OGR_G_GetGeometryType(OGR_F_GetGeometryRef(feature))) == wkbMultiPolygon);
            if (field("natural") == "water") {
                ++lakes;
                if (!field("name").empty()) ++named_lakes;
            } else if (field("leisure") == "park") {
                ++parks;
                CHECK(!field("name").empty());
            } else if (field("leisure") == "nature_reserve") {
                ++reserves;
            } else if (field("natural") == "wood" || field("landuse") == "forest") {
                ++woods;
            } else if (field("building") == "yes") {
                ++buildings;
            }
        }
        OGR_F_Destroy(feature);
    }
    GDALClose(osm);
    CHECK(places > 10);
    CHECK(place_kinds == std::set<std::string>{"city", "town", "village"});
    CHECK(roads > streets.size() / 2);
    std::vector<std::string> missing;
    std::set_difference(streets.begin(), streets.end(), way_names.begin(), way_names.end(), std::back_inserter(missing));
    INFO("streets without a way: " << missing.size() << " of " << streets.size() << ", first " << (missing.empty() ? "" : missing.front()));
    CHECK(missing.empty());
    CHECK(log.str().find("OpenStreetMap XML") != std::string::npos);
    // Scenery for the basemap: a named river per force, lakes, parks, woods and a bounded number
    // of buildings.
    CHECK(rivers.size() == force_ids(options.out).size());
    CHECK(!rivers.count(""));
    CHECK(lakes >= 5);
    CHECK(named_lakes >= 3);
    CHECK(parks >= 10);
    CHECK(woods >= 10);
    CHECK(reserves == rivers.size());
    CHECK(buildings >= 1000);
    CHECK(buildings <= 3000);
    INFO(lakes << " lakes, " << parks << " parks, " << woods << " woods, " << buildings << " buildings");

    // The same seed gives the same file byte for byte, whatever the rows while the world is the
    // smallest (up to 18,000 crimes a month); the crimes are not drawn from the scenery's random
    // numbers.
    const std::string first = read_file(options.osm);
    generate_options again = options;
    again.out = dir / "again";
    again.osm = dir / "again.osm";
    again.rows = 50;
    std::ostringstream quiet;
    generate(again, quiet);
    CHECK(read_file(again.osm) == first);
    fs::remove_all(dir);
}
