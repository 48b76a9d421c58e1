// Golden tiles: a small fixed dataset rendered and decoded with GDAL, compared with the
// expected features in tests/server/golden/. CRIMEMAP_UPDATE_GOLDEN=1 rewrites them.

#include "data/snapshot/map_snapshot.hpp"
#include "mvt_decoder.hpp"
#include "server/tiles/tile_handlers.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

using namespace crimemap;
using namespace crimemap::test;

namespace {

constexpr const char* golden_dir = CRIMEMAP_SOURCE_DIR "/tests/server/golden/";

std::string dump(const std::string& bytes) {
    if (bytes.empty()) return "(empty tile)\n";
    decoded_tile decoded(bytes);
    std::vector<std::string> lines;
    for (const auto& f : decoded.features) {
        std::ostringstream line;
        line << f.layer << " " << f.geometry_wkt;
        for (const auto& [key, value] : f.properties)
            if (key != "mvt_id") line << " " << key << "=" << value;
        lines.push_back(line.str());
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

void compare_with_golden(const std::string& name, const std::string& actual) {
    std::string path = std::string(golden_dir) + name + ".txt";
    if (std::getenv("CRIMEMAP_UPDATE_GOLDEN")) {
        std::ofstream(path) << actual;
        return;
    }
    std::ifstream in(path);
    REQUIRE(in);
    std::stringstream expected;
    expected << in.rdbuf();
    INFO("golden file " << path);
    CHECK(actual == expected.str());
}

std::shared_ptr<const data::map_snapshot> small_dataset(temp_dir& dir) {
    const std::string header =
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n";
    write_file(dir.path() / "data" / "2024-01-testshire-street.csv",
               header + "c1,2024-01,T,T,-1.500000,52.500000,On or near High Street,E1,A 001A,Burglary,Under investigation,\n"
                        "c2,2024-01,T,T,-1.500000,52.500000,On or near High Street,E1,A 001A,Burglary,Offender fined,\n"
                        ",2024-01,T,T,-1.501000,52.501000,On or near Mill Lane,E1,A 001A,Anti-social behaviour,,\n"
                        "c3,2024-01,T,T,-1.480000,52.490000,On or near Station Road,E1,A 001A,Vehicle crime,"
                        "Investigation complete; no suspect identified,\n"
                        "c4,2024-01,T,T,,,No Location,,,Drugs,Local resolution,\n");
    write_file(dir.path() / "data" / "2024-02-testshire-street.csv",
               header + "c5,2024-02,T,T,-1.500000,52.500000,On or near High Street,E1,A 001A,Violence and sexual offences,"
                        "Awaiting court outcome,\n"
                        "c6,2024-02,T,T,-1.300000,52.400000,On or near Far End,E2,B 001A,Shoplifting,Under investigation,\n");
    write_file(dir.path() / "data" / "boundaries" / "testshire" / "TS01.kml",
               "<?xml version=\"1.0\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark><Polygon>"
               "<outerBoundaryIs><LinearRing><coordinates>-1.52,52.48 -1.46,52.48 -1.46,52.52 -1.52,52.52 -1.52,52.48"
               "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>\n");
    write_file(dir.path() / "data" / "neighbourhoods" / "testshire" / "TS01.json", R"({"id":"TS01","name":"Old Town"})");
    write_file(dir.path() / "data" / "watch" / "schemes.geojson", R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"w1","name":"High Street Watch","status":"verified-by-police"},
         "geometry":{"type":"Point","coordinates":[-1.499,52.5005]}},
        {"type":"Feature","properties":{"id":"w2","name":"Mill Lane Watch","status":"self-declared"},
         "geometry":{"type":"Polygon","coordinates":[[[-1.503,52.499],[-1.498,52.499],[-1.498,52.503],[-1.503,52.503],[-1.503,52.499]]]}}]})");
    import_paths(dir.file("store.sqlite"), {(dir.path() / "data").string()});
    return data::load_snapshot(dir.file("store.sqlite"));
}

geo::tile_id tile_at(double lon, double lat, std::uint32_t z) {
    auto w = geo::to_world(lon, lat);
    return {z, static_cast<std::uint32_t>(std::uint64_t{w.x} >> (32 - z)),
            static_cast<std::uint32_t>(std::uint64_t{w.y} >> (32 - z))};
}

}  // namespace

TEST_CASE("golden tiles of a small dataset decode to the expected features") {
    temp_dir dir;
    auto snapshot = small_dataset(dir);
    auto filter = [&](const std::string& q) {
        server::query_parameters query(q);
        return server::parse_crime_filter(query, *snapshot);
    };
    compare_with_golden("crimes_z14_latest", dump(server::crimes_tile(*snapshot, tile_at(-1.5, 52.5, 14), filter(""))));
    compare_with_golden("crimes_z14_both_months",
                        dump(server::crimes_tile(*snapshot, tile_at(-1.5, 52.5, 14), filter("from=2024-01&to=2024-02"))));
    compare_with_golden("crimes_z8_burglary",
                        dump(server::crimes_tile(*snapshot, tile_at(-1.5, 52.5, 8), filter("from=2024-01&to=2024-02&category=burglary"))));
    compare_with_golden("crimes_z0_all", dump(server::crimes_tile(*snapshot, {0, 0, 0}, filter("from=2024-01&to=2024-02"))));
    compare_with_golden("neighbourhoods_z12", dump(server::neighbourhoods_tile(*snapshot, tile_at(-1.5, 52.5, 12))));
    compare_with_golden("watch_z14", dump(server::watch_tile(*snapshot, tile_at(-1.5, 52.5, 14))));
}
