// The basemap archive (--basemap FILE.mbtiles): TileJSON from its metadata, its tiles as
// stored, and archives refused at start. Each test builds a small MBTiles with SQLite.

#include "data/store/mbtiles.hpp"
#include "geo/mvt_writer.hpp"
#include "server/router.hpp"
#include "server/http/http_caching.hpp"
#include "server/tiles/tile_cache.hpp"
#include "mvt_decoder.hpp"
#include "server/server_fixtures.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;

namespace {

const char* const vector_layers_json =
    R"({"vector_layers":[{"id":"transportation","fields":{"class":"String"},"minzoom":0,"maxzoom":14},)"
    R"({"id":"place","fields":{"name":"String"},"minzoom":0,"maxzoom":14}]})";

// A real vector tile with one layer and one point, as tilemaker would store it (gzipped unless `raw`).
std::string sample_tile(std::string_view layer_name, std::uint32_t x, bool raw = false) {
    geo::mvt_layer layer(layer_name);
    std::vector<std::uint32_t> tags = {layer.key("name"), layer.value(std::string_view("Sample Street"))};
    layer.add_point(tags, {static_cast<std::int32_t>(x % 4096), 100}, 1);
    std::string tile;
    layer.finish_into(tile);
    return raw ? tile : gzip(tile);
}

struct sample_archive {
    temp_dir dir;
    std::string path = dir.file("basemap.mbtiles");
    std::string world = sample_tile("place", 1);        // z0
    std::string north_west = sample_tile("place", 2);   // z1 x0 y0 (TMS row 1)
    std::string south_east = sample_tile("transportation", 3, true);  // z1 x1 y1 (TMS row 0), stored bare
    explicit sample_archive(std::string_view format = "pbf", bool with_json = true) {
        data::Database db(path, data::Database::mode::create);
        db.exec("CREATE TABLE metadata (name TEXT, value TEXT);"
                "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
                "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
        data::Statement meta(db, "INSERT INTO metadata VALUES (?1, ?2)");
        auto set = [&](std::string_view name, std::string_view value) { meta.bind(1, name).bind(2, value).run(); };
        set("name", "Tilemaker to OpenMapTiles schema");
        set("format", format);
        set("minzoom", "0");
        set("maxzoom", "1");
        set("bounds", "-5.8,49.9,1.8,55.9");
        set("center", "-1.5,52.5,6");
        set("version", "3.0");
        set("tiles", R"(["https://example.com/{z}/{x}/{y}.pbf"])");
        if (with_json) set("json", vector_layers_json);
        data::Statement tile(db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)");
        auto put = [&](int z, int x, int row, const std::string& bytes) {
            tile.bind(1, std::int64_t{z}).bind(2, std::int64_t{x}).bind(3, std::int64_t{row});
            tile.bind_blob(4, bytes.data(), bytes.size()).run();
        };
        put(0, 0, 0, world);
        put(1, 0, 1, north_west);
        put(1, 1, 0, south_east);
    }
};

app_state state_with(std::shared_ptr<const data::mbtiles> archive) {
    app_state state = generated_app_state();
    state.basemap = std::move(archive);
    return state;
}

response get(const app_state& state, const std::string& target,
             std::initializer_list<std::pair<http::field, std::string>> headers = {}) {
    request req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:8080");
    for (const auto& [field, value] : headers) req.set(field, value);
    return handle_request(req, state);
}

std::string refusal(const std::string& path) {
    try {
        data::mbtiles archive(path, 1 << 20);
    } catch (const data::mbtiles_error& error) {
        return error.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("the basemap's TileJSON comes from the archive's metadata, its tiles from our origin") {
    sample_archive sample;
    auto state = state_with(std::make_shared<const data::mbtiles>(sample.path, 1 << 20));
    auto res = get(state, "/tiles/basemap.json");
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "application/json");
    auto doc = nlohmann::json::parse(res.body());
    CHECK(doc["tilejson"] == "3.0.0");
    CHECK(doc["tiles"] == nlohmann::json::array({"http://127.0.0.1:8080/tiles/basemap/{z}/{x}/{y}.mvt"}));
    CHECK(doc["vector_layers"] == nlohmann::json::parse(vector_layers_json)["vector_layers"]);
    CHECK(doc["minzoom"] == 0);
    CHECK(doc["maxzoom"] == 1);
    CHECK(doc["bounds"] == nlohmann::json::array({-5.8, 49.9, 1.8, 55.9}));
    CHECK(doc["center"] == nlohmann::json::array({-1.5, 52.5, 6}));
    CHECK(doc["name"] == "Tilemaker to OpenMapTiles schema");
    // An OpenMapTiles archive without an attribution of its own is OpenStreetMap's.
    CHECK(doc["attribution"].get<std::string>().find("OpenStreetMap contributors") != std::string::npos);

    auto config = nlohmann::json::parse(get(state, "/config.json").body());
    CHECK(config["basemap_tiles"] == "/tiles/basemap.json");
    CHECK(nlohmann::json::parse(get(generated_app_state(), "/config.json").body())["basemap_tiles"].is_null());
    // Without --basemap there is no basemap layer.
    CHECK(get(generated_app_state(), "/tiles/basemap.json").result() == http::status::not_found);
    CHECK(get(generated_app_state(), "/tiles/basemap/0/0/0.mvt").result() == http::status::not_found);
}

TEST_CASE("basemap tiles are the stored bytes, y flipped from the archive's TMS rows, in memory or read tile by tile") {
    sample_archive sample;
    const std::uint64_t limit = GENERATE(std::uint64_t{0}, std::uint64_t{1} << 20);
    auto archive = std::make_shared<const data::mbtiles>(sample.path, limit);
    CHECK(archive->in_memory() == (limit > 0));
    auto state = state_with(archive);
    const std::pair<http::field, std::string> gzip_ok{http::field::accept_encoding, "gzip, deflate"};

    auto world = get(state, "/tiles/basemap/0/0/0.mvt", {gzip_ok});
    REQUIRE(world.result() == http::status::ok);
    CHECK(world.body() == sample.world);
    CHECK(world[http::field::content_encoding] == "gzip");
    CHECK(world[http::field::content_type] == "application/vnd.mapbox-vector-tile");
    CHECK(get(state, "/tiles/basemap/1/0/0.mvt", {gzip_ok}).body() == sample.north_west);

    // A client that does not take gzip gets the tile decoded.
    auto plain = get(state, "/tiles/basemap/1/0/0.mvt");
    REQUIRE(plain.result() == http::status::ok);
    CHECK(plain[http::field::content_encoding].empty());
    CHECK(plain.body() == sample_tile("place", 2, true));
    CHECK(get(state, "/tiles/basemap/1/0/0.mvt", {{http::field::accept_encoding, "gzip;q=0"}}).body() ==
          sample_tile("place", 2, true));

    // A tile stored bare is sent bare, whatever the client accepts.
    auto bare = get(state, "/tiles/basemap/1/1/1.mvt", {gzip_ok});
    REQUIRE(bare.result() == http::status::ok);
    CHECK(bare.body() == sample.south_east);
    CHECK(bare[http::field::content_encoding].empty());
}

TEST_CASE("basemap tiles read from disk are kept in the tile cache, so a busy one is read once") {
    sample_archive sample;
    auto state = state_with(std::make_shared<const data::mbtiles>(sample.path, 0));  // read tile by tile
    state.tiles = std::make_shared<tile_cache>(1 << 20);
    const std::pair<http::field, std::string> gzip_ok{http::field::accept_encoding, "gzip"};
    CHECK(get(state, "/tiles/basemap/0/0/0.mvt", {gzip_ok}).body() == sample.world);
    CHECK(state.tiles->misses() == 1);
    CHECK(state.tiles->hits() == 0);
    CHECK(get(state, "/tiles/basemap/0/0/0.mvt", {gzip_ok}).body() == sample.world);
    CHECK(get(state, "/tiles/basemap/0/0/0.mvt").body() == sample_tile("place", 1, true));  // decoded from the cached bytes
    CHECK(state.tiles->hits() == 2);
    // A tile the archive lacks is looked up each time, not kept.
    CHECK(get(state, "/tiles/basemap/1/0/1.mvt", {gzip_ok}).result() == http::status::no_content);
    CHECK(get(state, "/tiles/basemap/1/0/1.mvt", {gzip_ok}).result() == http::status::no_content);
    CHECK(state.tiles->hits() == 2);
}

TEST_CASE("a basemap tile the archive lacks is a 204, one outside its zooms or the grid a 404, a bad path a 400") {
    sample_archive sample;
    auto state = state_with(std::make_shared<const data::mbtiles>(sample.path, 0));
    auto missing = get(state, "/tiles/basemap/1/1/0.mvt");
    CHECK(missing.result() == http::status::no_content);
    CHECK(missing.body().empty());
    CHECK(missing[http::field::cache_control] == "public, max-age=300");
    CHECK(get(state, "/tiles/basemap/2/0/0.mvt").result() == http::status::not_found);  // past maxzoom
    CHECK(get(state, "/tiles/basemap/1/2/0.mvt").result() == http::status::not_found);
    CHECK(get(state, "/tiles/basemap/1/0/2.mvt").result() == http::status::not_found);
    CHECK(get(state, "/tiles/basemap/40/0/0.mvt").result() == http::status::not_found);
    for (const char* bad : {"/tiles/basemap/1/0.mvt", "/tiles/basemap/a/0/0.mvt", "/tiles/basemap/1/0/0.png",
                            "/tiles/basemap/1/0/-1.mvt", "/tiles/basemap/1//0/0.mvt", "/tiles/basemap/99999999999/0/0.mvt"}) {
        INFO(bad);
        auto res = get(state, bad);
        CHECK((res.result() == http::status::bad_request || res.result() == http::status::not_found));
    }
}

TEST_CASE("basemap tiles have strong ETags per encoding, 304s and the caching headers of our own tiles") {
    sample_archive sample;
    auto state = state_with(std::make_shared<const data::mbtiles>(sample.path, 0));
    const std::pair<http::field, std::string> gzip_ok{http::field::accept_encoding, "gzip"};
    auto zipped = get(state, "/tiles/basemap/0/0/0.mvt", {gzip_ok});
    auto plain = get(state, "/tiles/basemap/0/0/0.mvt");
    const std::string etag(zipped[http::field::etag]);
    REQUIRE(!etag.empty());
    CHECK(etag.front() == '"');  // strong: no W/
    CHECK(etag != std::string(plain[http::field::etag]));
    CHECK(etag != std::string(get(state, "/tiles/basemap/1/0/0.mvt", {gzip_ok})[http::field::etag]));
    CHECK(zipped[http::field::cache_control] == "public, max-age=300");
    CHECK(zipped[http::field::vary] == "Accept-Encoding");
    CHECK(zipped[http::field::access_control_allow_origin] == "*");

    auto again = get(state, "/tiles/basemap/0/0/0.mvt", {gzip_ok, {http::field::if_none_match, etag}});
    CHECK(again.result() == http::status::not_modified);
    CHECK(again.body().empty());
    CHECK(again[http::field::etag] == etag);
    // The other encoding's ETag does not match.
    CHECK(get(state, "/tiles/basemap/0/0/0.mvt", {{http::field::if_none_match, etag}}).result() == http::status::ok);
}

TEST_CASE("an archive that is not MBTiles, not vector or not readable is refused naming the file and why") {
    temp_dir dir;
    auto missing = dir.file("missing.mbtiles");
    CHECK(refusal(missing) == missing + ": no such file");
    CHECK(refusal(dir.path().string()) == dir.path().string() + ": not a file");

    auto empty = dir.file("empty.mbtiles");
    write_file(empty, "");
    CHECK(refusal(empty) == empty + ": the file is empty, not MBTiles");
    auto text = dir.file("text.mbtiles");
    write_file(text, "this is not a database, only some text of reasonable length\n");
    CHECK(refusal(text) == text + ": not MBTiles: not an SQLite database");

    auto other = dir.file("other.sqlite");
    { data::Database(other, data::Database::mode::create).exec("CREATE TABLE metadata (name TEXT, value TEXT)"); }
    CHECK(refusal(other) == other + ": not MBTiles: it has no 'tiles' table");

    sample_archive raster("png");
    CHECK(refusal(raster.path) == raster.path + ": not a vector archive: its metadata format is 'png' (want 'pbf')");
    sample_archive no_json("pbf", false);
    CHECK(refusal(no_json.path).find(no_json.path + ": the metadata has no 'json' row") == 0);

    sample_archive bad_zoom;
    data::Database(bad_zoom.path, data::Database::mode::read_write).exec("UPDATE metadata SET value = 'x' WHERE name = 'maxzoom'");
    CHECK(refusal(bad_zoom.path) == bad_zoom.path + ": metadata 'maxzoom' is 'x', not a zoom from 0 to 29");

    sample_archive no_tiles;
    data::Database(no_tiles.path, data::Database::mode::read_write).exec("DELETE FROM tiles");
    CHECK(refusal(no_tiles.path) == no_tiles.path + ": the archive holds no tiles");

    // A file cut short is still an SQLite header, but not a readable database.
    sample_archive cut;
    std::filesystem::resize_file(cut.path, 100);
    CHECK(refusal(cut.path).find(cut.path + ": cannot be read as MBTiles") == 0);

    if (::geteuid() != 0) {  // root reads everything
        sample_archive locked;
        std::filesystem::permissions(locked.path, std::filesystem::perms::none);
        CHECK(refusal(locked.path) == locked.path + ": cannot be read (permissions?)");
    }
}

TEST_CASE("an archive Debian's tilemaker built from crimemap generate --osm is served: its layers, attribution and streets") {
    if (std::system("command -v tilemaker >/dev/null && command -v osmium >/dev/null") != 0) {
        WARN("tilemaker or osmium is not installed (tools/setup): skipped");
        return;
    }
    temp_dir dir;
    const std::string osm = dir.file("streets.osm"), pbf = dir.file("streets.osm.pbf"), archive = dir.file("streets.mbtiles");
    const std::string examples = "/usr/share/doc/tilemaker/examples/";
    const std::string commands = std::string(CRIMEMAP_BINARY) + " generate --out " + dir.file("data") +
                                 " --rows 1 --months 1 --seed 1 --osm " + osm + " >/dev/null 2>&1 && osmium cat -o " +
                                 pbf + " " + osm + " && cd " + dir.path().string() + " && tilemaker --input " + pbf +
                                 " --output " + archive + " --config " + examples + "config-openmaptiles.json --process " +
                                 examples + "process-openmaptiles.lua >/dev/null 2>&1";
    REQUIRE(std::system(commands.c_str()) == 0);

    auto state = state_with(std::make_shared<const data::mbtiles>(archive, 0));
    auto doc = nlohmann::json::parse(get(state, "/tiles/basemap.json").body());
    std::set<std::string> layers;
    for (const auto& layer : doc["vector_layers"]) layers.insert(layer["id"].get<std::string>());
    for (const char* id : {"transportation", "transportation_name", "place"}) CHECK(layers.count(id) == 1);
    CHECK(doc["maxzoom"] == 14);
    CHECK(doc["attribution"].get<std::string>().find("OpenStreetMap contributors") != std::string::npos);

    // The tile at zoom 14 under the first place of the generated file: the row flip done right
    // puts the place and its streets in it.
    std::ifstream in(osm);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto place = text.find("<tag k=\"place\"");
    REQUIRE(place != std::string::npos);
    auto node = text.rfind("<node ", place);
    auto number = [&](const char* key) {
        auto at = text.find(key, node) + std::strlen(key);
        return std::stod(text.substr(at, text.find('"', at) - at));
    };
    const double lat = number("lat=\""), lon = number("lon=\"");
    const auto where = geo::to_world(lon, lat);
    const std::uint32_t x = where.x >> 18, y = where.y >> 18;  // zoom 14: the top 14 of 32 bits
    auto res = get(state, "/tiles/basemap/14/" + std::to_string(x) + "/" + std::to_string(y) + ".mvt");
    REQUIRE(res.result() == http::status::ok);
    decoded_tile tile(res.body());
    std::set<std::string> kinds;
    for (const auto& f : tile.features) kinds.insert(f.layer);
    CHECK(kinds.count("transportation") == 1);
    CHECK(kinds.count("place") == 1);
    // Asking with the archive's own TMS row number lands far south of England: nothing there.
    auto flipped = get(state, "/tiles/basemap/14/" + std::to_string(x) + "/" + std::to_string((1u << 14) - 1 - y) + ".mvt");
    CHECK(flipped.result() == http::status::no_content);

    // The generated scenery reaches OpenMapTiles' layers: rivers and lakes, woods and grass
    // (parks), nature reserves and buildings, in the zoom 14 tiles served.
    std::map<std::string, std::size_t> features;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(archive.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* rows = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT tile_column, tile_row FROM tiles WHERE zoom_level = 14", -1, &rows, nullptr) ==
            SQLITE_OK);
    while (sqlite3_step(rows) == SQLITE_ROW) {
        const auto column = static_cast<std::uint32_t>(sqlite3_column_int(rows, 0));
        const auto row = (1u << 14) - 1 - static_cast<std::uint32_t>(sqlite3_column_int(rows, 1));
        auto answer = get(state, "/tiles/basemap/14/" + std::to_string(column) + "/" + std::to_string(row) + ".mvt");
        INFO("tile 14/" << column << "/" << row);
        if (answer.result() == http::status::no_content) continue;  // tilemaker stores some empty tiles
        REQUIRE(answer.result() == http::status::ok);
        for (const auto& f : decoded_tile(answer.body()).features) ++features[f.layer];
    }
    sqlite3_finalize(rows);
    sqlite3_close(db);
    for (const char* layer : {"water", "waterway", "landcover", "park", "building"}) {
        INFO(layer);
        CHECK(features[layer] > 0);
    }
}
