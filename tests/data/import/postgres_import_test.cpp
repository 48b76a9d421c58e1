// `crimemap import` into PostgreSQL against the same import into SQLite: the real
// data.police.uk samples and every other kind of source, stored row for row alike; a re-issued
// file replacing what it wrote; bad input leaving the store as it was; and what the app edited
// kept. Runs against the tests' own cluster (tests/postgres_cluster.py, ctest's postgres_tests),
// each test in a schema of its own; tagged hidden, so a run without a cluster skips them.
#include "data/import/wkb.hpp"
#include "data/store/local_edits.hpp"
#include "data/store/postgres.hpp"
#include "data/store/stats.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

using namespace crimemap;
using namespace crimemap::test;

namespace {

std::string test_uri() {
    const char* uri = std::getenv("CRIMEMAP_TEST_POSTGRES");
    if (!uri) FAIL("CRIMEMAP_TEST_POSTGRES is not set: run through tests/postgres_cluster.py (ctest -R postgres)");
    return uri;
}

// A new, empty store in the tests' cluster: a schema of its own, which the URI makes the
// connection's search path.
std::string postgres_store(const std::string& schema) {
    const auto uri = test_uri();
    data::pg::Connection admin(uri);
    admin.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    admin.exec("CREATE SCHEMA " + schema);
    return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

std::string lower_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// The rows of `sql`, a string each, the same whichever engine holds them. `types` gives each
// column's: i integer, r real, t text, c a Crime ID (32 bytes in SQLite, text in PostgreSQL),
// g geometry as WKB (select it with data::sql::wkb_of).
std::vector<std::string> rows(const std::string& db, const std::string& sql, std::string_view types) {
    auto store = data::open_store_for_reading(db, true);
    data::Statement select(store, sql);
    std::vector<std::string> out;
    while (select.step()) {
        std::string row;
        for (std::size_t i = 0; i < types.size(); ++i) {
            const int column = static_cast<int>(i);
            row += i ? "|" : "";
            if (select.is_null(column)) {
                row += "NULL";
            } else if (types[i] == 'i') {
                row += std::to_string(select.column_int(column));
            } else if (types[i] == 'r') {
                char text[32];
                auto [end, error] = std::to_chars(text, text + sizeof text, select.column_double(column));
                (void)error;
                row.append(text, end);
            } else if (types[i] == 'c' && select.is_blob(column)) {
                row += lower_hex(select.column_blob(column));
            } else if (types[i] == 'g') {
                row += lower_hex(select.column_blob(column));
            } else {
                row += select.column_text(column);
            }
        }
        out.push_back(std::move(row));
    }
    return out;
}

// Everything an import writes, table by table, in a form both engines give alike. Ids of
// import_files are named by their source (a re-import's new row may take another id).
std::map<std::string, std::vector<std::string>> stored(const std::string& db) {
    auto store = data::open_store_for_reading(db, true);
    const auto boundary = data::sql::wkb_of(store, "boundary"), area = data::sql::wkb_of(store, "area");
    std::map<std::string, std::vector<std::string>> out;
    out["agencies"] = rows(db, "SELECT id, name FROM agencies ORDER BY id", "it");
    out["lsoas"] = rows(db, "SELECT id, code, name FROM lsoas ORDER BY id", "itt");
    out["crime_types"] = rows(db, "SELECT id, label, slug FROM crime_types ORDER BY id", "itt");
    out["outcome_types"] = rows(db, "SELECT id, label FROM outcome_types ORDER BY id", "it");
    out["locations"] = rows(db, "SELECT id, longitude, latitude, street, neighbourhood FROM locations ORDER BY id", "irrti");
    out["import_files"] = rows(db, "SELECT force, month, kind, source, rows, skipped, first_row, last_row FROM import_files "
                                   "ORDER BY force, month, kind", "tittiiii");
    out["crimes"] = rows(db, "SELECT c.id, f.source, c.persistent_id, c.month, c.reported_by, c.falls_within, c.location, "
                             "c.lsoa, c.crime_type, c.last_outcome, c.context FROM crimes c "
                             "JOIN import_files f ON f.id = c.file ORDER BY c.id", "ttciiiiiiit");
    out["outcomes"] = rows(db, "SELECT o.id, f.source, o.persistent_id, o.month, o.reported_by, o.falls_within, o.location, "
                               "o.lsoa, o.outcome_type FROM outcomes o JOIN import_files f ON f.id = o.file ORDER BY o.id",
                           "itciiiiii");
    out["stops"] = rows(db, "SELECT s.id, f.source, type, datetime, part_of_operation, operation, location, gender, age_range, "
                            "self_defined_ethnicity, officer_defined_ethnicity, legislation, object_of_search, outcome, "
                            "outcome_linked_to_object, removal_of_outer_clothing FROM stops s "
                            "JOIN import_files f ON f.id = s.file ORDER BY s.id", "ittttitittttttii");
    out["neighbourhoods"] = rows(db, "SELECT key, force, id, name, details, boundary_source, " + boundary +
                                         " FROM neighbourhoods ORDER BY key", "itttttg");
    out["forces"] = rows(db, "SELECT id, name, details FROM forces ORDER BY id", "ttt");
    out["force_support"] = rows(db, "SELECT force, services FROM force_support ORDER BY force", "tt");
    out["watch_schemes"] = rows(db, "SELECT id, name, description, status, households, website, meetings, source, " + area +
                                        ", visibility FROM watch_schemes ORDER BY id", "ttttitttgt");
    out["postcodes"] = rows(db, "SELECT postcode, label, eastings, northings, longitude, latitude FROM postcodes "
                                "ORDER BY postcode", "ttiirr");
    out["local_edits"] = rows(db, "SELECT entity, key, field, upstream FROM local_edits ORDER BY entity, key, field", "tttt");
    out["import_conflicts"] = rows(db, "SELECT entity, key, field, upstream, source FROM import_conflicts "
                                       "ORDER BY entity, key, field", "ttttt");
    out["audit_log"] = rows(db, "SELECT email, action, target, before, after, outcome FROM audit_log ORDER BY id", "tttttt");
    out["meta"] = rows(db, "SELECT key, value FROM meta WHERE key IN ('data_version', 'map_version') ORDER BY key", "tt");
    return out;
}

// The two stores hold the same, table by table; each table's difference is shown by its name.
void check_same(const std::string& sqlite, const std::string& postgresql) {
    const auto expected = stored(sqlite), found = stored(postgresql);
    for (const auto& [table, table_rows] : expected) {
        INFO("table " << table);
        const auto& other = found.at(table);
        CHECK(other.size() == table_rows.size());
        std::size_t differ = 0;
        for (std::size_t i = 0; i < std::min(other.size(), table_rows.size()); ++i) {
            if (other[i] == table_rows[i]) continue;
            if (differ++ < 3) CHECK(other[i] == table_rows[i]);
        }
        CHECK(differ == 0);
    }
    auto a = data::open_store_for_reading(sqlite);
    auto b = data::open_store_for_reading(postgresql);
    CHECK(data::store_stats(b).dump() == data::store_stats(a).dump());
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string kml_square(double west, double south, double east, double north) {
    auto corner = [](double lon, double lat) { return std::to_string(lon) + "," + std::to_string(lat) + ",0 "; };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
           "<Placemark><name>n</name><Polygon><outerBoundaryIs><LinearRing><coordinates>" +
           corner(west, south) + corner(east, south) + corner(east, north) + corner(west, north) + corner(west, south) +
           "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>\n";
}

const std::string outcomes_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n";

// Every kind of source beside the real monthly samples: boundaries over the City of London
// (so that its map locations get neighbourhoods), an outcomes file made from a real street
// file's rows, the API's JSON, Watch schemes and postcodes.
std::vector<std::string> every_source(const temp_dir& dir) {
    const auto folder = dir.path() / "sources";
    write_file(folder / "boundaries" / "city-of-london" / "WEST.kml", kml_square(-0.115, 51.505, -0.095, 51.525));
    write_file(folder / "boundaries" / "city-of-london" / "EAST.kml", kml_square(-0.095, 51.505, -0.07, 51.525));
    // An outcome for each of a real month's crimes with an ID, a few with text to escape.
    std::istringstream street(read_text(shared_data("police-uk/city-of-london/2015-01/2015-01-city-of-london-street.csv")));
    std::string line, outcomes = outcomes_header;
    std::getline(street, line);
    int n = 0;
    while (std::getline(street, line)) {
        std::vector<std::string> f;
        std::stringstream fields(line);
        for (std::string field; std::getline(fields, field, ',');) f.push_back(field);
        if (f.size() < 9 || f[0].empty()) continue;
        const char* outcome = ++n % 3 == 0 ? "Offender given a caution" : "\"Court result unavailable\\ tab\tback\"";
        outcomes += f[0] + ",2015-02," + f[2] + "," + f[3] + "," + f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8] +
                    "," + outcome + "\n";
    }
    outcomes += "abc,2015-02,City of London Police,City of London Police,,,No Location,,,\"Two\nlines\"\n";
    write_file(folder / "2015-02" / "2015-02-city-of-london-outcomes.csv", outcomes);
    write_file(folder / "forces.json",
               R"([{"id":"city-of-london","name":"City of London Police","url":"https://example.org","engagement_methods":[]}])");
    write_file(folder / "neighbourhoods" / "city-of-london" / "WEST.json",
               R"({"id":"WEST","name":"West of the City","people":[{"name":"A Officer","rank":"PC"}],"priorities":[],
                   "contact_details":{"email":"west@example.org"},"description":"<p>As published</p>"})");
    write_file(folder / "support" / "city-of-london.json", R"([{"name":"City Victim Care","helps":"anyone affected"}])");
    write_file(folder / "watch" / "schemes.geojson", R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"w1","name":"Barbican Watch","status":"verified-by-police","households":40,
         "description":"As published"},"geometry":{"type":"Point","coordinates":[-0.0937,51.5203]}},
        {"type":"Feature","properties":{"id":"w2","name":"Fleet Street","status":"self-declared"},
         "geometry":{"type":"Polygon","coordinates":[[[-0.11,51.513],[-0.105,51.513],[-0.105,51.515],[-0.11,51.513]]]}}]})");
    write_file(folder / "postcodes.csv", "postcode,eastings,northings\nEC2Y 8DS,532318,181899\nec4a 1aa,531326,181106\n"
                                         "EC2Y 8DS,532319,181898\n");
    return {shared_data("police-uk/city-of-london"), shared_data("police-uk/essex"), shared_data("police-uk/metropolitan"),
            folder.string()};
}

}  // namespace

TEST_CASE("an import into PostgreSQL stores every source row for row as the same import into SQLite", "[.postgres]") {
    temp_dir dir;
    const auto sqlite = dir.file("store.sqlite");
    const auto postgresql = postgres_store("import_every_source");
    const auto sources = every_source(dir);
    auto into_sqlite = import_paths(sqlite, sources);
    auto into_postgresql = import_paths(postgresql, sources);
    CHECK(into_postgresql.problems == into_sqlite.problems);
    CHECK(into_postgresql.summary.files == into_sqlite.summary.files);
    CHECK(into_postgresql.summary.rows == into_sqlite.summary.rows);
    CHECK(into_postgresql.summary.rejected.empty());

    // What the files hold, counted without the importer's help.
    CHECK(count(postgresql, "SELECT count(*) FROM crimes") == 19518 + 13139);
    CHECK(count(postgresql, "SELECT count(*) FROM stops") == 10490);
    CHECK(count(postgresql, "SELECT count(*) FROM outcomes") > 400);
    CHECK(count(postgresql, "SELECT count(*) FROM locations WHERE neighbourhood IS NOT NULL") > 500);
    CHECK(count(postgresql, "SELECT count(*) FROM neighbourhoods WHERE boundary IS NOT NULL") == 2);
    CHECK(count(postgresql, "SELECT count(*) FROM postcodes") == 2);
    CHECK(count(postgresql, "SELECT eastings FROM postcodes WHERE postcode = 'EC2Y8DS'") == 532319);  // the last row wins
    // PostgreSQL keeps Crime IDs as the text they came as.
    CHECK(count(postgresql, "SELECT count(*) FROM crimes WHERE persistent_id = "
                            "'80e07583f4bd74b85e457d92eef5d014e4e8d7b0eab0dcba815fe98a4b2afb03' AND month = 201501") == 1);
    CHECK(count(postgresql, "SELECT count(*) FROM outcomes o JOIN outcome_types t ON t.id = o.outcome_type "
                            "WHERE t.label = E'Court result unavailable\\\\ tab\\tback'") > 0);
    CHECK(count(postgresql, "SELECT count(*) FROM outcomes o JOIN outcome_types t ON t.id = o.outcome_type "
                            "WHERE t.label = E'Two\\nlines'") == 1);
    // The tables' identities carry on after the ids COPY gave.
    CHECK(data::open_store_for_writing(postgresql).query_int("SELECT nextval(pg_get_serial_sequence('crimes', 'id'))") ==
          19518 + 13139 + 1);

    check_same(sqlite, postgresql);
}

TEST_CASE("a re-issued file replaces what its earlier import wrote in PostgreSQL as in SQLite", "[.postgres]") {
    temp_dir dir;
    const auto sqlite = dir.file("store.sqlite");
    const auto postgresql = postgres_store("import_replaces");
    const auto month = shared_data("police-uk/city-of-london/2016-06/2016-06-city-of-london-street.csv");
    const auto stops = shared_data("police-uk/metropolitan/2016-06/2016-06-metropolitan-stop-and-search.csv");
    const std::vector<std::string> first{shared_data("police-uk/city-of-london"), shared_data("police-uk/metropolitan")};
    // The month again, its first hundred rows with a new last outcome and a new place.
    std::istringstream original(read_text(month));
    std::string line, reissued;
    for (int i = 0; i <= 100 && std::getline(original, line); ++i) {
        if (i > 0) line = line.substr(0, line.rfind(',', line.rfind(',') - 1)) + ",Offender sent to prison,";
        reissued += line + "\n";
    }
    reissued += ",2016-06,City of London Police,City of London Police,-0.0901,51.5151,On or near New Place,E01032739,"
                "City of London 001F,Anti-social behaviour,,\n";
    write_file(dir.path() / "again" / "2016-06-city-of-london-street.csv", reissued);
    std::string fewer_stops = read_text(stops);
    fewer_stops.resize(fewer_stops.find('\n', fewer_stops.size() / 2) + 1);
    write_file(dir.path() / "again" / "2016-06-metropolitan-stop-and-search.csv", fewer_stops);
    const auto fewer_stop_rows = std::count(fewer_stops.begin(), fewer_stops.end(), '\n') - 1;
    REQUIRE(fewer_stop_rows > 1000);
    REQUIRE(fewer_stop_rows < 10490);

    for (const auto& db : {sqlite, postgresql}) {
        import_paths(db, first);
        const auto crimes = count(db, "SELECT count(*) FROM crimes");
        const auto in_month = count(db, "SELECT count(*) FROM crimes WHERE month = 201606");
        const auto locations = count(db, "SELECT count(*) FROM locations");
        REQUIRE(in_month > 101);
        auto run = import_paths(db, {(dir.path() / "again").string()});
        CHECK(run.summary.files == 2);
        CHECK(count(db, "SELECT count(*) FROM crimes WHERE month = 201606") == 101);
        CHECK(count(db, "SELECT count(*) FROM crimes") == crimes - in_month + 101);
        CHECK(count(db, "SELECT count(*) FROM crimes c JOIN outcome_types o ON o.id = c.last_outcome "
                        "WHERE c.month = 201606 AND o.label = 'Offender sent to prison'") == 100);
        CHECK(count(db, "SELECT count(*) FROM stops") == fewer_stop_rows);
        CHECK(count(db, "SELECT count(*) FROM locations") == locations + 1);  // earlier map locations are kept
        CHECK(count(db, "SELECT count(*) FROM import_files WHERE month = 201606") == 2);
        CHECK(count(db, "SELECT min(first_row) FROM import_files WHERE month = 201606 AND kind = 'street'") > 0);
    }
    check_same(sqlite, postgresql);
}

TEST_CASE("bad input leaves a store in PostgreSQL as it was, with the file and line in the message", "[.postgres]") {
    temp_dir dir;
    const auto postgresql = postgres_store("import_bad_input");
    const auto stops = shared_data("police-uk/metropolitan/2016-06/2016-06-metropolitan-stop-and-search.csv");
    import_paths(postgresql, {shared_data("police-uk/city-of-london"), shared_data("police-uk/metropolitan")});
    const auto before = stored(postgresql);
    REQUIRE(before.at("stops").size() == 10490);

    // The stops month again, twice as long, with a bad row at its end: its first batches are
    // COPYed (and the month's earlier rows deleted) before the bad row is read.
    std::string text = read_text(stops);
    const std::string body = text.substr(text.find('\n') + 1);
    const auto bad_line = 1 + 2 * data_rows(stops) + 1;
    const auto long_file = dir.path() / "long" / "2016-06-metropolitan-stop-and-search.csv";
    write_file(long_file, text + body +
                              "Person search,2016-06-31 noon,False,,51.45,-0.04,Male,10-17,,,,,Nothing found,,\n");
    try {
        import_paths(postgresql, {long_file.string()}, true);
        FAIL("a bad row with --strict stops the import");
    } catch (const data::import_error& error) {
        CHECK_THAT(error.what(), Catch::Contains("2016-06-metropolitan-stop-and-search.csv:" + std::to_string(bad_line) +
                                                 ": bad Date '2016-06-31 noon'"));
    }
    CHECK(stored(postgresql) == before);

    // An unclosed quote near the end of a long file rejects the file, not the import.
    write_file(long_file, text + body + "Person search,\"2016-06-30T10:00:00+00:00,False\n");
    auto run = import_paths(postgresql, {long_file.string()});
    REQUIRE(run.summary.rejected.size() == 1);
    CHECK_THAT(run.summary.rejected[0], Catch::Contains("2016-06-metropolitan-stop-and-search.csv:") &&
                                            Catch::Contains("nothing of this file was written"));
    CHECK(stored(postgresql) == before);

    // The other sources, one bad file each.
    const auto other = dir.path() / "other";
    write_file(other / "watch" / "schemes.geojson", R"({"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"w1","name":"Good","status":"self-declared"},
         "geometry":{"type":"Point","coordinates":[-0.09,51.52]}},
        {"type":"Feature","properties":{"id":"w2","name":"Bad","status":"official"},
         "geometry":{"type":"Point","coordinates":[-0.09,51.52]}}]})");
    CHECK_THROWS_AS(import_paths(postgresql, {(other / "watch").string()}, true), data::import_error);
    write_file(other / "postcodes.csv", "postcode,eastings,northings\nEC2Y 8DS,532318,181899\nEC4A 1AA,east,181106\n");
    CHECK_THROWS_WITH(import_paths(postgresql, {(other / "postcodes.csv").string()}, true),
                      Catch::Contains("postcodes.csv:3: bad eastings/northings 'east'"));
    write_file(other / "boundaries" / "city-of-london" / "BROKEN.kml", "<kml><Document><Placemark>");
    write_file(other / "neighbourhoods" / "city-of-london" / "WEST.json", R"({"id":"WEST","people":{}})");
    write_file(other / "forces.json", R"([{"id":"x"}])");
    run = import_paths(postgresql, {(other / "boundaries").string(), (other / "neighbourhoods").string(),
                                    (other / "forces.json").string()});
    CHECK(run.summary.rejected.size() == 3);
    CHECK(run.summary.files == 0);
    CHECK(stored(postgresql) == before);
}

namespace {

// What a team and a coordinator edit through the app, written as the app writes it
// (server/accounts/team_handlers.cpp, server/watch/watch_handlers.cpp).
void edit_as_the_app(const std::string& db) {
    auto store = data::open_store_for_writing(db);
    data::Transaction tx(store);
    data::mark_edited(store, data::neighbourhood_entity, "city-of-london/WEST", "contact_details",
                      R"({"email":"west@example.org"})");
    store.exec(store.is_postgresql()
                   ? "UPDATE neighbourhoods SET details = jsonb_set(details::jsonb, '{contact_details}', "
                     "'{\"email\":\"team.edited@example.org\"}')::text WHERE id = 'WEST'"
                   : "UPDATE neighbourhoods SET details = json_set(details, '$.contact_details', "
                     "json('{\"email\":\"team.edited@example.org\"}')) WHERE id = 'WEST'");
    data::Statement was(store, "SELECT " + data::sql::json_quote(store, "description") + " FROM watch_schemes WHERE id = 'w1'");
    REQUIRE(was.step());
    data::mark_edited(store, data::watch_scheme_entity, "w1", "description", was.column_text(0));
    store.exec("UPDATE watch_schemes SET description = 'Edited by the coordinator', visibility = 'hidden' WHERE id = 'w1'");
    tx.commit();
}

// The same JSON whatever order its members were written in (PostgreSQL's jsonb sorts them).
std::string details_of(const std::string& db, const char* member) {
    auto store = data::open_store_for_reading(db);
    data::Statement select(store, "SELECT details FROM neighbourhoods WHERE id = 'WEST'");
    REQUIRE(select.step());
    auto details = nlohmann::json::parse(select.column_text(0));
    return details.contains(member) ? details[member].dump() : "absent";
}

}  // namespace

TEST_CASE("an import into PostgreSQL never undoes what a team or a coordinator edited, as in SQLite", "[.postgres]") {
    temp_dir dir;
    const auto sqlite = dir.file("store.sqlite");
    const auto postgresql = postgres_store("import_keeps_edits");
    const auto sources = every_source(dir);
    const auto folder = dir.path() / "sources";
    const auto details = folder / "neighbourhoods" / "city-of-london" / "WEST.json";
    const auto schemes = folder / "watch" / "schemes.geojson";
    const auto published_details = read_text(details.string()), published_schemes = read_text(schemes.string());
    for (const auto& db : {sqlite, postgresql}) {
        INFO(db);
        write_file(details, published_details);
        write_file(schemes, published_schemes);
        import_paths(db, sources);
        edit_as_the_app(db);
        // The same files again: nothing edited is undone, nothing is a conflict.
        auto again = import_paths(db, {details.string(), schemes.string()});
        CHECK(again.summary.kept_edits == 0);
        CHECK(details_of(db, "contact_details") == R"({"email":"team.edited@example.org"})");
        CHECK(count(db, "SELECT count(*) FROM watch_schemes WHERE id = 'w1' AND description = 'Edited by the coordinator' "
                        "AND visibility = 'hidden'") == 1);
        CHECK(count(db, "SELECT count(*) FROM import_conflicts") == 0);
        // Files changed upstream: the edited fields stay, the others take the new values.
        auto changed_details = nlohmann::json::parse(published_details);
        changed_details["contact_details"] = {{"email", "upstream.changed@example.org"}};
        changed_details["description"] = "<p>Changed upstream</p>";
        write_file(details, changed_details.dump());
        std::string changed_schemes = published_schemes;
        changed_schemes.replace(changed_schemes.find("As published"), 12, "Changed upstream");
        changed_schemes.replace(changed_schemes.find("Barbican Watch"), 14, "Barbican Renamed");
        write_file(schemes, changed_schemes);
        auto changed = import_paths(db, {details.string(), schemes.string()});
        CHECK(changed.summary.kept_edits == 2);
        CHECK(details_of(db, "contact_details") == R"({"email":"team.edited@example.org"})");
        CHECK(details_of(db, "description") == R"("<p>Changed upstream</p>")");
        CHECK(count(db, "SELECT count(*) FROM watch_schemes WHERE id = 'w1' AND description = 'Edited by the coordinator' "
                        "AND name = 'Barbican Renamed' AND visibility = 'hidden'") == 1);
        CHECK(count(db, "SELECT count(*) FROM import_conflicts") == 2);
        CHECK(count(db, "SELECT count(*) FROM audit_log WHERE outcome = 'kept'") == 2);
        // Once more: no new conflict, nothing logged twice.
        import_paths(db, {details.string(), schemes.string()});
        CHECK(count(db, "SELECT count(*) FROM audit_log WHERE outcome = 'kept'") == 2);
    }
    CHECK(details_of(postgresql, "people") == details_of(sqlite, "people"));
    // The edit's own writes differ (json_set against jsonb_set keep members in other orders).
    auto a = stored(sqlite), b = stored(postgresql);
    for (const char* table : {"watch_schemes", "local_edits", "import_conflicts", "audit_log", "meta", "forces"}) {
        INFO(table);
        CHECK(b.at(table) == a.at(table));
    }
}

namespace {

const std::string street_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n";
const std::string stops_header =
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing\n";
const std::string hex_id = "5b4a2d3f5e0a7c8d9e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";

}  // namespace

TEST_CASE("rows with NULLs, non-ASCII text and negative coordinates read back from PostgreSQL as written, and as from "
          "SQLite", "[.postgres]") {
    temp_dir dir;
    const auto sqlite = dir.file("store.sqlite");
    const auto postgresql = postgres_store("import_binary_rows");
    const auto folder = dir.path() / "2020-01";
    write_file(folder / "2020-01-south-wales-street.csv",
               street_header + hex_id +
                   ",2020-01,Heddlu De Cymru,Heddlu De Cymru,-3.179090,51.481583,On or near Heol y Frenhines \xc5\xb4,"
                   "W01001234,Caerdydd 032F,Burglary,Under investigation,Ar \xc3\xb4l y t\xc3\xa2n\n"
                   // every optional column empty: NULL
                   ",2020-01,,,,,No Location,,,Anti-social behaviour,,\n"
                   "not-a-hex-id,2020-01,Heddlu De Cymru,Heddlu De Cymru,-0.000001,-33.9,\"On or near \"\"Caf\xc3\xa9\"\", "
                   "tab\there\",W01001234,Caerdydd 032F,Burglary,,\"back\\slash\nand a new line \xf0\x9f\x9a\x93\"\n");
    write_file(folder / "2020-01-south-wales-stop-and-search.csv",
               stops_header +
                   "Person search,2020-01-05T10:00:00+00:00,,,51.48,-3.18,Female,18-24,Cymraeg \xe2\x80\x93 Welsh,,"
                   "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,,\n"
                   "Vehicle search,2020-01-06T11:30:00+00:00,True,Ymgyrch \xc3\x9f,-51.5,-179.999999,,,,,,,,False,True\n");
    for (const auto& db : {sqlite, postgresql}) {
        auto run = import_paths(db, {folder.string()});
        CHECK(run.problems.empty());
        CHECK(run.summary.rows == 5);
        CHECK(run.summary.skipped == 0);
    }
    check_same(sqlite, postgresql);

    // And read back through the store, as the server reads it.
    auto store = data::open_store_for_reading(postgresql);
    data::Statement located(store, "SELECT c.persistent_id, l.longitude, l.latitude, l.street, s.name, c.context "
                                   "FROM crimes c JOIN locations l ON l.id = c.location JOIN lsoas s ON s.id = c.lsoa "
                                   "ORDER BY c.id");
    REQUIRE(located.step());
    CHECK(located.column_text(0) == hex_id);
    CHECK(located.column_double(1) == -3.179090);
    CHECK(located.column_double(2) == 51.481583);
    CHECK(located.column_text(3) == "On or near Heol y Frenhines \xc5\xb4");
    CHECK(located.column_text(4) == "Caerdydd 032F");
    CHECK(located.column_text(5) == "Ar \xc3\xb4l y t\xc3\xa2n");
    REQUIRE(located.step());
    CHECK(located.column_text(0) == "not-a-hex-id");
    CHECK(located.column_double(1) == -0.000001);
    CHECK(located.column_double(2) == -33.9);
    CHECK(located.column_text(3) == "On or near \"Caf\xc3\xa9\", tab\there");
    CHECK(located.column_text(5) == "back\\slash\nand a new line \xf0\x9f\x9a\x93");
    CHECK_FALSE(located.step());
    CHECK(store.query_int("SELECT count(*) FROM crimes WHERE persistent_id IS NULL AND reported_by IS NULL AND "
                          "falls_within IS NULL AND location IS NULL AND lsoa IS NULL AND last_outcome IS NULL AND "
                          "context IS NULL") == 1);

    data::Statement stops(store, "SELECT s.part_of_operation, s.operation, s.self_defined_ethnicity, s.gender, "
                                 "s.outcome_linked_to_object, s.removal_of_outer_clothing, l.longitude, l.latitude, "
                                 "l.street FROM stops s JOIN locations l ON l.id = s.location ORDER BY s.id");
    REQUIRE(stops.step());
    CHECK(stops.is_null(0));
    CHECK(stops.is_null(1));
    CHECK(stops.column_text(2) == "Cymraeg \xe2\x80\x93 Welsh");
    CHECK(stops.column_text(3) == "Female");
    CHECK(stops.is_null(4));
    CHECK(stops.is_null(5));
    CHECK(stops.column_double(6) == -3.18);
    REQUIRE(stops.step());
    CHECK(stops.column_int(0) == 1);
    CHECK(stops.column_text(1) == "Ymgyrch \xc3\x9f");
    CHECK(stops.is_null(2));
    CHECK(stops.is_null(3));
    CHECK(stops.column_int(4) == 0);
    CHECK(stops.column_int(5) == 1);
    CHECK(stops.column_double(6) == -179.999999);
    CHECK(stops.column_double(7) == -51.5);
    CHECK(stops.column_text(8).empty());
    CHECK_FALSE(stops.step());
}

TEST_CASE("a NUL byte in a row is a malformed row named by file, line and column, in PostgreSQL as in SQLite",
          "[.postgres]") {
    temp_dir dir;
    const auto sqlite = dir.file("store.sqlite");
    const auto postgresql = postgres_store("import_nul_byte");
    const auto path = dir.path() / "2020-01-testshire-street.csv";
    const char nul_row[] = "a2,2020-01,T,T,-1.5,52.5,On or near A\0Road,E1,X 001A,Burglary,,\n";
    write_file(path, street_header +
                         "a1,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n" +
                         std::string(nul_row, sizeof nul_row - 1) +
                         "a3,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,,\n");
    for (const auto& db : {sqlite, postgresql}) {
        INFO(db);
        try {
            import_paths(db, {path.string()}, true);
            FAIL("--strict stops at the NUL byte");
        } catch (const data::import_error& error) {
            CHECK_THAT(error.what(), Catch::Contains("2020-01-testshire-street.csv:3: a NUL byte in column 'Location'"));
        }
        CHECK(count(db, "SELECT count(*) FROM crimes") == 0);
        auto run = import_paths(db, {path.string()});
        CHECK(run.summary.rows == 2);
        CHECK(run.summary.skipped_by_reason["NUL byte"] == 1);
        REQUIRE(run.problems.size() == 1);
        CHECK_THAT(run.problems[0], Catch::EndsWith("2020-01-testshire-street.csv:3: a NUL byte in column 'Location'"));
    }
    check_same(sqlite, postgresql);
}

TEST_CASE("files written into PostgreSQL at once take the ids SQLite gives, a file named twice in one import included",
          "[.postgres]") {
    temp_dir dir;
    const auto sqlite = dir.file("store.sqlite");
    const auto postgresql = postgres_store("import_lanes");
    auto street = [](const std::string& id, int rows) {
        std::string text = street_header;
        for (int i = 0; i < rows; ++i)
            text += id + std::to_string(i) + ",2020-01,T,T,-1." + std::to_string(i % 7) + ",52.5,On or near " + id +
                    " Road,E1,X 001A,Burglary,,\n";
        return text;
    };
    // Sorted by month, then path: the first testshire file, other forces' files, the second
    // testshire file (which replaces the first within the import), then a later month.
    write_file(dir.path() / "a" / "2020-01-testshire-street.csv", street("a", 30));
    write_file(dir.path() / "a" / "2020-01-otherton-street.csv", street("b", 20));
    write_file(dir.path() / "b" / "2020-01-northshire-street.csv", street("c", 25));
    write_file(dir.path() / "c" / "2020-01-testshire-street.csv", street("d", 10));
    write_file(dir.path() / "c" / "2020-02-otherton-street.csv", street("e", 5));
    for (const auto& db : {sqlite, postgresql}) {
        INFO(db);
        auto run = import_paths(db, {(dir.path() / "a").string(), (dir.path() / "b").string(), (dir.path() / "c").string()});
        CHECK(run.summary.files == 5);
        CHECK(count(db, "SELECT count(*) FROM crimes") == 20 + 25 + 10 + 5);
        // The last file again: its rows were the table's last, so their ids are taken again.
        run = import_paths(db, {(dir.path() / "c" / "2020-02-otherton-street.csv").string()});
        CHECK(count(db, "SELECT max(id) FROM crimes") == 20 + 30 + 25 + 10 + 5);
        // Two files again, the first of them in the middle of the table.
        run = import_paths(db, {(dir.path() / "c").string()});
        CHECK(count(db, "SELECT count(*) FROM crimes") == 20 + 25 + 10 + 5);
    }
    check_same(sqlite, postgresql);
}
