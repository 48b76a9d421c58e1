// Boundaries, API JSON, Watch schemes and postcodes, and neighbourhood assignment.

#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace crimemap;
using namespace crimemap::test;

namespace {

std::string kml_square(double west, double south, double east, double north) {
    auto corner = [](double lon, double lat) { return std::to_string(lon) + "," + std::to_string(lat) + ",0 "; };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
           "<Placemark><name>n</name><Polygon><outerBoundaryIs><LinearRing><coordinates>" +
           corner(west, south) + corner(east, south) + corner(east, north) + corner(west, north) +
           corner(west, south) +
           "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>\n";
}

const std::string street_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n";

}  // namespace

TEST_CASE("crimes get their neighbourhood by point in polygon, also when boundaries come after them") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "crimes" / "2020-01-testshire-street.csv",
               street_header + "a,2020-01,T,T,-1.25,52.25,On or near West,E1,X,Burglary,,\n"
                               "b,2020-01,T,T,-0.75,52.25,On or near East,E1,X,Burglary,,\n"
                               "c,2020-01,T,T,5.0,52.25,On or near Nowhere,E1,X,Burglary,,\n");
    write_file(dir.path() / "boundaries" / "testshire" / "WEST.kml", kml_square(-1.5, 52.0, -1.0, 52.5));
    write_file(dir.path() / "boundaries" / "testshire" / "EAST.kml", kml_square(-1.0, 52.0, -0.5, 52.5));

    import_paths(db, {(dir.path() / "crimes").string()});
    CHECK(count(db, "SELECT count(*) FROM locations WHERE neighbourhood IS NOT NULL") == 0);

    auto run = import_paths(db, {(dir.path() / "boundaries").string()});
    CHECK(run.problems.empty());
    CHECK(run.summary.locations_assigned == 2);
    auto neighbourhood_of = [&](const std::string& street) {
        auto store = data::open_store_for_reading(db);
        data::Statement s(store, "SELECT n.id FROM locations l JOIN neighbourhoods n ON n.key = l.neighbourhood "
                                 "WHERE l.street = ?");
        s.bind(1, street);
        return s.step() ? std::string(s.column_text(0)) : std::string("none");
    };
    CHECK(neighbourhood_of("On or near West") == "WEST");
    CHECK(neighbourhood_of("On or near East") == "EAST");
    CHECK(neighbourhood_of("On or near Nowhere") == "none");

    // New crimes after the boundaries are assigned as they are imported.
    write_file(dir.path() / "more" / "2020-02-testshire-street.csv",
               street_header + "d,2020-02,T,T,-0.6,52.4,On or near Later,E1,X,Burglary,,\n");
    import_paths(db, {(dir.path() / "more").string()});
    CHECK(neighbourhood_of("On or near Later") == "EAST");
}

TEST_CASE("a boundary in British National Grid lands where it should in WGS84") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    // A 200 m square around Buckingham Palace (SW1A 1AA: E 529090, N 179645; WGS84 51.501009, -0.141588).
    write_file(dir.path() / "bng.geojson",
               R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
                   "features":[{"type":"Feature","properties":{"force":"metropolitan","id":"PALACE","name":"Palace"},
                   "geometry":{"type":"Polygon","coordinates":[[[528990,179545],[529190,179545],[529190,179745],
                   [528990,179745],[528990,179545]]]}}]})");
    auto run = import_paths(db, {dir.file("bng.geojson")});
    CHECK(run.problems.empty());
    auto store = data::open_store_for_reading(db);
    data::Statement s(store, "SELECT X(Centroid(boundary)), Y(Centroid(boundary)), name FROM neighbourhoods "
                             "WHERE force = 'metropolitan' AND id = 'PALACE'");
    REQUIRE(s.step());
    // 1e-4 degrees is about 7 m of latitude here.
    CHECK(s.column_double(0) == Approx(-0.141588).margin(1e-4));
    CHECK(s.column_double(1) == Approx(51.501009).margin(1e-4));
    CHECK(s.column_text(2) == "Palace");
}

TEST_CASE("postcodes in eastings and northings are stored in WGS84, normalised for lookup") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "postcodes.csv", "postcode,eastings,northings,country\nSW1A 1AA,529090,179645,E92000001\n"
                                             "so231aa,448297,129430,E92000001\nNOT A CODE,1,1,x\n");
    write_file(dir.path() / "codepoint" / "sw.csv", "\"SW1A 2AA\",10,529915,179815,E92000001\n");
    auto run = import_paths(db, {dir.file("postcodes.csv"), (dir.path() / "codepoint").string()});
    CHECK(run.summary.skipped == 1);
    REQUIRE(run.problems.size() == 1);
    CHECK(run.problems[0].find("postcodes.csv:4: 'NOT A CODE' is not a postcode") != std::string::npos);
    auto store = data::open_store_for_reading(db);
    data::Statement s(store, "SELECT label, longitude, latitude FROM postcodes WHERE postcode = 'SW1A1AA'");
    REQUIRE(s.step());
    CHECK(s.column_text(0) == "SW1A 1AA");
    CHECK(s.column_double(1) == Approx(-0.141588).margin(5e-5));
    CHECK(s.column_double(2) == Approx(51.501009).margin(5e-5));
    CHECK(store.query_int("SELECT count(*) FROM postcodes WHERE postcode IN ('SO231AA', 'SW1A2AA')") == 2);
}

TEST_CASE("forces and neighbourhood details load in the API's own shapes") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "forces.json",
               R"([{"id":"testshire","name":"Testshire Police","url":"https://example.org","engagement_methods":[]}])");
    write_file(dir.path() / "neighbourhoods" / "testshire" / "NC04.json",
               R"({"id":"NC04","name":"City Centre","population":"0","people":[{"name":"A Officer","rank":"PC"}],
                   "priorities":[],"events":[]})");
    write_file(dir.path() / "neighbourhoods" / "testshire" / "BAD.json", R"({"id":"BAD","people":{}})");
    auto run = import_paths(db, {dir.path().string()});
    CHECK(run.summary.files == 2);
    REQUIRE(run.summary.rejected.size() == 1);
    CHECK(run.summary.rejected[0].find("BAD.json: 'people' must be an array") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM forces WHERE id = 'testshire' AND name = 'Testshire Police'") == 1);
    CHECK(count(db, "SELECT count(*) FROM neighbourhoods WHERE id = 'NC04' AND name = 'City Centre' "
                    "AND json_extract(details, '$.people[0].rank') = 'PC'") == 1);
}

TEST_CASE("Watch schemes load from GeoJSON, and a scheme with a bad status is reported and skipped") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "watch" / "schemes.geojson", R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"w1","name":"Elm Road Watch","status":"verified-by-police","households":40},
         "geometry":{"type":"Point","coordinates":[-1.1,52.6]}},
        {"type":"Feature","properties":{"id":"w2","name":"Oak Close","status":"official"},
         "geometry":{"type":"Point","coordinates":[-1.2,52.6]}}]})");
    auto run = import_paths(db, {dir.path().string()});
    CHECK(run.summary.rows == 1);
    REQUIRE(run.problems.size() == 1);
    CHECK(run.problems[0].find("schemes.geojson: feature 2: scheme 'w2' has status 'official'") != std::string::npos);
    CHECK(count(db, "SELECT households FROM watch_schemes WHERE id = 'w1'") == 40);
    CHECK(count(db, "SELECT count(*) FROM watch_schemes WHERE X(area) = -1.1") == 1);
}

TEST_CASE("strict mode rejects a Watch file with a bad scheme without writing any of it") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "watch" / "schemes.geojson", R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"w1","name":"Elm Road Watch","status":"self-declared"},
         "geometry":{"type":"Point","coordinates":[-1.1,52.6]}},
        {"type":"Feature","properties":{"id":"w2","name":"Oak Close","status":"verified-by-police","households":"many"},
         "geometry":{"type":"Point","coordinates":[-1.2,52.6]}}]})");
    CHECK_THROWS_AS(import_paths(db, {dir.path().string()}, true), data::import_error);
    CHECK(count(db, "SELECT count(*) FROM watch_schemes") == 0);
}

TEST_CASE("victim support services load per force from support/<force>.json; a bad file is refused by name") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "support" / "testshire.json",
               R"([{"name":"Testshire Victim Care","helps":"anyone affected by crime","telephone":"01632 960 101",
                    "web":"https://victimcare.testshire.example"},
                   {"name":"Stalking Advocacy","helps":"people being stalked"}])");
    write_file(dir.path() / "support" / "badshire.json", R"([{"helps":"no name"}])");
    auto run = import_paths(db, {dir.path().string()});
    REQUIRE(run.summary.rejected.size() == 1);
    CHECK(run.summary.rejected[0].find("badshire.json: element 1 has no string 'name'") != std::string::npos);
    CHECK(count(db, "SELECT json_array_length(services) FROM force_support WHERE force = 'testshire'") == 2);
    CHECK(count(db, "SELECT count(*) FROM force_support WHERE force = 'badshire'") == 0);
}

TEST_CASE("a Watch scheme whose text is not UTF-8 is reported by feature and property and skipped") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "watch" / "schemes.geojson", "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"w1\",\"name\":\"Elm Road\",\"status\":\"self-declared\"},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.1,52.6]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"w2\",\"name\":\"Caf\xe9 Row\",\"status\":\"self-declared\"},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.2,52.6]}}]}");
    auto run = import_paths(db, {dir.path().string()});
    CHECK(run.summary.rows == 1);
    REQUIRE(run.problems.size() == 1);
    CHECK(run.problems[0].find("schemes.geojson: feature 2: property 'name' is not UTF-8 text") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM watch_schemes") == 1);
}
