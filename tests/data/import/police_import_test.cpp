// Imports of the monthly data.police.uk CSV files: real samples and bad input.

#include "data/vocabulary/categories.hpp"
#include "data/vocabulary/crime_id.hpp"
#include "data/snapshot/map_snapshot.hpp"
#include "data/store/sqlite.hpp"
#include "data/import/neighbourhood_lookup.hpp"
#include "data/store/stats.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

using namespace crimemap;
using namespace crimemap::test;

namespace {

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    std::string field;
    while (std::getline(in, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    return fields;
}

// What the files say, counted without the importer: rows per month and per category slug.
struct expected_counts {
    std::int64_t rows = 0, no_location = 0, empty_id = 0;
    std::map<std::string, std::int64_t> months, categories;
};

expected_counts count_street_files(const fs::path& folder) {
    expected_counts counts;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (entry.path().extension() != ".csv") continue;
        std::ifstream in(entry.path());
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            auto f = split(line);
            REQUIRE(f.size() == 12);  // the samples hold no quoted commas
            ++counts.rows;
            ++counts.months[f[1]];
            ++counts.categories[data::category_slug(f[9])];
            counts.no_location += f[4].empty();
            counts.empty_id += f[0].empty();
        }
    }
    return counts;
}

const std::string street_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n";

}  // namespace

TEST_CASE("every City of London row from its monthly files is stored, counted by month and category") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto expected = count_street_files(shared_data("police-uk/city-of-london"));
    REQUIRE(expected.rows == 19518);

    auto run = import_paths(db, {shared_data("police-uk/city-of-london")});
    CHECK(run.problems.empty());
    std::uint64_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(shared_data("police-uk/city-of-london")))
        files += entry.path().extension() == ".csv";
    CHECK(files >= 35);
    CHECK(run.summary.files == files);
    CHECK(run.summary.rows == 19518);
    CHECK(run.summary.skipped == 0);

    auto store = data::open_store_for_reading(db);
    auto stats = data::store_stats(store);
    CHECK(stats["crimes"] == expected.rows);
    CHECK(stats["forces"]["city-of-london"] == expected.rows);
    for (const auto& [month, n] : expected.months) CHECK(stats["months"][month] == n);
    for (const auto& [slug, n] : expected.categories) {
        INFO(slug);
        CHECK(stats["categories"][slug] == n);
    }
    // Anti-social behaviour has no Crime ID, and Crime IDs repeat: both kept as they are.
    CHECK(store.query_int("SELECT count(*) FROM crimes WHERE persistent_id IS NULL") == expected.empty_id);
    CHECK(store.query_int("SELECT count(*) FROM crimes c JOIN crime_types t ON t.id = c.crime_type "
                          "WHERE t.slug = 'anti-social-behaviour' AND c.persistent_id IS NOT NULL") == 0);
}

TEST_CASE("importing the same files twice leaves the same counts") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    import_paths(db, {shared_data("police-uk/city-of-london/2014-09"), shared_data("police-uk/essex")});
    auto store_before = data::open_store_for_reading(db);
    auto before = data::store_stats(store_before).dump();
    auto again = import_paths(db, {shared_data("police-uk/city-of-london/2014-09"), shared_data("police-uk/essex")});
    CHECK(again.summary.files == 2);
    auto store_after = data::open_store_for_reading(db);
    CHECK(data::store_stats(store_after).dump() == before);
    CHECK(store_after.query_int("SELECT count(*) FROM import_files") == 2);
}

TEST_CASE("Essex rows without a location are stored without one, and empty street names are kept") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto expected = count_street_files(shared_data("police-uk/essex"));
    REQUIRE(expected.no_location > 0);
    auto run = import_paths(db, {shared_data("police-uk/essex/2022-12/2022-12-essex-street.csv")});
    CHECK(run.summary.rows == 13139);
    CHECK(count(db, "SELECT count(*) FROM crimes") == expected.rows);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE location IS NULL") == expected.no_location);
    CHECK(count(db, "SELECT count(*) FROM locations WHERE street = 'On or near '") > 0);
    // The same point and street is one map location however many crimes it has.
    CHECK(count(db, "SELECT count(*) FROM locations") <
          count(db, "SELECT count(*) FROM crimes WHERE location IS NOT NULL"));
}

TEST_CASE("Metropolitan stop and search rows are stored with latitude and longitude the right way round") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto file = shared_data("police-uk/metropolitan/2016-06/2016-06-metropolitan-stop-and-search.csv");
    auto run = import_paths(db, {file});
    CHECK(run.problems.empty());
    CHECK(count(db, "SELECT count(*) FROM stops") == data_rows(file));
    CHECK(count(db, "SELECT count(*) FROM stops") == 10490);
    // London: longitude near 0, latitude near 51.5.
    CHECK(count(db, "SELECT count(*) FROM stops s JOIN locations l ON l.id = s.location "
                    "WHERE l.latitude NOT BETWEEN 51.2 AND 51.8 OR l.longitude NOT BETWEEN -0.6 AND 0.4") == 0);
    CHECK(count(db, "SELECT count(*) FROM stops WHERE part_of_operation = 0") > 0);
}

TEST_CASE("a file with an unknown header is rejected by name with the expected header, and nothing is written") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    write_file(dir.path() / "2020-01-testshire-street.csv", "Crime ID,Month,Longitude\nabc,2020-01,1.0\n");
    auto run = import_paths(db, {dir.path().string()});
    REQUIRE(run.summary.rejected.size() == 1);
    const auto& message = run.summary.rejected[0];
    CHECK(message.find("2020-01-testshire-street.csv") != std::string::npos);
    CHECK(message.find("Crime ID,Month,Reported by,Falls within,Longitude,Latitude") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM crimes") == 0);
    CHECK(count(db, "SELECT count(*) FROM import_files") == 0);
}

TEST_CASE("malformed rows are reported as file:line: reason, skipped and counted by reason") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto path = dir.path() / "2020-01" / "2020-01-testshire-street.csv";
    write_file(path, street_header +
                         "a1,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n"  // 2
                         "a2,2020-13,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n"  // 3
                         "a3,2020-01,T,T,west,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n"  // 4
                         "a4,2020-01,T,T,-1.5,52.5,On or near A Road\n"                                          // 5
                         ",2020-01,T,T,-8.6e-05,5.25e1,On or near B Road,E1,X 001A,Anti-social behaviour,,\n");  // 6
    auto run = import_paths(db, {path.string()});
    CHECK(run.summary.rows == 2);
    CHECK(run.summary.skipped == 3);
    CHECK(run.summary.skipped_by_reason["bad month"] == 1);
    CHECK(run.summary.skipped_by_reason["bad coordinates"] == 1);
    CHECK(run.summary.skipped_by_reason["wrong column count"] == 1);
    REQUIRE(run.problems.size() == 3);
    CHECK(run.problems[0].find("2020-01-testshire-street.csv:3: bad Month '2020-13'") != std::string::npos);
    CHECK(run.problems[1].find("2020-01-testshire-street.csv:4: bad Longitude 'west'") != std::string::npos);
    CHECK(run.problems[2].find("2020-01-testshire-street.csv:5: expected 12 columns, found 7") != std::string::npos);
    // Scientific notation is a number like any other.
    CHECK(count(db, "SELECT count(*) FROM locations WHERE longitude = -8.6e-05 AND latitude = 52.5") == 1);
}

TEST_CASE("strict mode stops at the first malformed row and writes nothing of that file") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    import_paths(db, {shared_data("police-uk/city-of-london/2014-09")});
    auto before = count(db, "SELECT count(*) FROM crimes");
    auto path = dir.path() / "2020-01-testshire-street.csv";
    write_file(path, street_header +
                         "a1,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n"
                         "a2,2020-1,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n");
    try {
        import_paths(db, {path.string()}, true);
        FAIL("expected import_error");
    } catch (const data::import_error& error) {
        CHECK(std::string(error.what()).find("2020-01-testshire-street.csv:3: bad Month '2020-1'") != std::string::npos);
    }
    CHECK(count(db, "SELECT count(*) FROM crimes") == before);
    CHECK(count(db, "SELECT count(*) FROM import_files WHERE force = 'testshire'") == 0);
}

TEST_CASE("a re-issued month replaces what the earlier file of that force, month and kind wrote") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto path = dir.path() / "2020-01-testshire-street.csv";
    std::string row = "a1,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n";
    write_file(path, street_header + row + row + row);
    import_paths(db, {path.string()});
    CHECK(count(db, "SELECT count(*) FROM crimes") == 3);
    auto location = count(db, "SELECT id FROM locations");
    write_file(path, street_header + "a1,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,"
                                     "Offender sent to prison,\n");
    auto run = import_paths(db, {path.string()});
    CHECK(count(db, "SELECT count(*) FROM crimes") == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes c JOIN outcome_types o ON o.id = c.last_outcome "
                    "WHERE o.label = 'Offender sent to prison'") == 1);
    CHECK(count(db, "SELECT id FROM locations") == location);  // location ids are stable
}

TEST_CASE("outcomes files are stored by Crime ID with their month, coordinates in scientific notation included") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto path = dir.path() / "2020-02-testshire-outcomes.csv";
    write_file(path,
               "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
               "abc,2020-02,T,T,-8.6e-05,51.5,On or near C Road,E2,Y 002B,Offender given a caution\n"
               "abc,2020-02,T,T,,,No Location,,,Court result unavailable\n");
    auto run = import_paths(db, {path.string()});
    CHECK(run.problems.empty());
    CHECK(count(db, "SELECT count(*) FROM outcomes WHERE persistent_id = 'abc' AND month = 202002") == 2);
    CHECK(count(db, "SELECT count(*) FROM outcomes o JOIN locations l ON l.id = o.location "
                    "WHERE l.longitude = -8.6e-05") == 1);
}

TEST_CASE("data.police.uk's Crime IDs are stored as their 32 bytes, any other as its text, and all map back as they came") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    const std::string digest = "0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978";
    std::string upper = digest;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    write_file(dir.path() / "2020-02-testshire-street.csv",
               "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
               "Last outcome category,Context\n" +
                   digest + ",2020-02,T,T,-0.1,51.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n" + upper +
                   ",2020-02,T,T,-0.1,51.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n"
                   "abc,2020-02,T,T,-0.1,51.5,On or near A Road,E1,X 001A,Burglary,Under investigation,\n"
                   ",2020-02,T,T,-0.1,51.5,On or near A Road,E1,X 001A,Anti-social behaviour,,\n");
    write_file(dir.path() / "2020-03-testshire-outcomes.csv",
               "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n" +
                   digest + ",2020-03,T,T,-0.1,51.5,On or near A Road,E1,X 001A,Offender given a caution\n");
    auto run = import_paths(db, {(dir.path() / "2020-02-testshire-street.csv").string(),
                                 (dir.path() / "2020-03-testshire-outcomes.csv").string()});
    REQUIRE(run.problems.empty());
    // Half the bytes to write: 64 lower-case hex digits become a 32-byte BLOB; upper-case digits
    // and other text stay text, so that nothing reads back other than it came.
    for (const char* table : {"crimes", "outcomes"})
        CHECK(count(db, std::string("SELECT count(*) FROM ") + table + " WHERE typeof(persistent_id) = 'blob' AND "
                        "length(persistent_id) = 32 AND lower(hex(persistent_id)) = '" + digest + "'") == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE persistent_id = '" + upper + "'") == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE persistent_id = 'abc'") == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE persistent_id IS NULL") == 1);

    auto check_snapshot = [&] {
        auto s = data::load_snapshot(db);
        auto found = s->find_crime(digest);
        REQUIRE(found);
        CHECK(s->crimes_by_location[*found].pid_kind == data::crime_id_kind::packed);
        CHECK(s->crime_pid(*found) == data::crime_id_bytes{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x11, 0x22,
                                                            0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                                                            0xee, 0xff, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78});
        CHECK(s->outcome_month_of(digest) == 202003);
        REQUIRE(s->find_crime("abc"));
        CHECK(s->other_pid(*s->find_crime("abc")) == "abc");
        CHECK(s->crimes_by_location.size() == 4);
    };
    check_snapshot();
    // A store written before Crime IDs were kept as bytes holds them as text: the same map.
    {
        data::Database store(db, data::Database::mode::read_write);
        store.exec("UPDATE crimes SET persistent_id = lower(hex(persistent_id)) WHERE typeof(persistent_id) = 'blob'");
        store.exec("UPDATE outcomes SET persistent_id = lower(hex(persistent_id)) WHERE typeof(persistent_id) = 'blob'");
    }
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE persistent_id = '" + digest + "'") == 1);
    fs::remove(data::index_file_path(db));
    check_snapshot();
}

TEST_CASE("a row that is not UTF-8 is read as Windows-1252 and reported by file and line") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    // Line 3 is Windows-1252, as older data.police.uk files are: 0xE9 is e-acute, 0x92 a right quote.
    write_file(dir.path() / "2020-01-testshire-street.csv",
               street_header +
                   "a1,2020-01,Testshire Police,Testshire Police,-1.1,52.6,On or near High Street,E01000001,Testshire 001A,"
                   "Burglary,Under investigation,\n"
                   "a2,2020-01,Testshire Police,Testshire Police,-1.2,52.6,On or near Caf\xe9 Row,E01000001,"
                   "Testshire 001A,Burglary,Under investigation,St Mary\x92s\n");
    auto run = import_paths(db, {dir.path().string()});
    CHECK(run.summary.rows == 2);
    CHECK(run.summary.skipped == 0);
    CHECK(run.summary.recoded_rows == 1);
    REQUIRE(run.problems.size() == 1);
    CHECK(run.problems[0].ends_with("2020-01-testshire-street.csv:3: not UTF-8; read as Windows-1252"));
    CHECK(count(db, "SELECT count(*) FROM locations WHERE street = 'On or near Caf\xc3\xa9 Row'") == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE context = 'St Mary\xe2\x80\x99s'") == 1);
}

TEST_CASE("a row with a NUL byte is malformed, named by file, line and column, even in Windows-1252 text") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    // Line 3: a NUL in a quoted Context; line 4: a NUL in a Windows-1252 street, which is not
    // read as Windows-1252 first (no encoding has a NUL in its text).
    const char rows[] = "a1,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,,\n"
                        "a2,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,,\"St\0Mary\"\n"
                        "a3,2020-01,T,T,-1.5,52.5,On or near Caf\xe9\0Row,E1,X 001A,Burglary,,\n"
                        "a4,2020-01,T,T,-1.5,52.5,On or near A Road,E1,X 001A,Burglary,,\n";
    write_file(dir.path() / "2020-01-testshire-street.csv", street_header + std::string(rows, sizeof rows - 1));
    auto run = import_paths(db, {dir.path().string()});
    CHECK(run.summary.rows == 2);
    CHECK(run.summary.skipped == 2);
    CHECK(run.summary.skipped_by_reason["NUL byte"] == 2);
    CHECK(run.summary.recoded_rows == 0);
    REQUIRE(run.problems.size() == 2);
    CHECK(run.problems[0].ends_with("2020-01-testshire-street.csv:3: a NUL byte in column 'Context'"));
    CHECK(run.problems[1].ends_with("2020-01-testshire-street.csv:4: a NUL byte in column 'Location'"));
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE instr(CAST(context AS BLOB), x'00') > 0") == 0);
}

namespace {

std::string square_kml(const std::string& name, double west, double south, double east, double north) {
    auto corner = [](double lon, double lat) { return std::to_string(lon) + "," + std::to_string(lat) + " "; };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark>"
           "<name>" + name + "</name><Polygon><outerBoundaryIs><LinearRing><coordinates>" +
           corner(west, south) + corner(east, south) + corner(east, north) + corner(west, north) + corner(west, south) +
           "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>\n";
}

}  // namespace

TEST_CASE("tens of thousands of new map locations get ids in order of first sight and the neighbourhood point-in-polygon "
          "gives each") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    // Two neighbourhoods sharing the edge at longitude 0; the grid of points runs past both,
    // with points on the shared edge, on the outer edges and outside.
    write_file(dir.path() / "data/boundaries/testshire/TS01.kml", square_kml("TS01", -0.1, 51.0, 0.0, 51.1));
    write_file(dir.path() / "data/boundaries/testshire/TS02.kml", square_kml("TS02", 0.0, 51.0, 0.1, 51.1));
    struct point {
        std::string longitude, latitude, street;
    };
    std::vector<point> points;
    for (int i = -120; i <= 120; ++i)
        for (int j = -10; j <= 110; j += 2) {
            char lon[32], lat[32];
            std::snprintf(lon, sizeof lon, "%.6f", i * 0.001);
            std::snprintf(lat, sizeof lat, "%.6f", 51.0 + j * 0.001);
            points.push_back({lon, lat, "On or near Street " + std::to_string((i * 7 + j) % 50)});
        }
    // Each point in both months (the second in reverse order), and once more with another street:
    // another map location at the same coordinates.
    std::string first = street_header, second = street_header;
    auto row = [](const point& p, const std::string& month, const std::string& street) {
        return "," + month + ",Testshire Police,Testshire Police," + p.longitude + "," + p.latitude + "," + street +
               ",E01000001,Testtown 001A,Burglary,,\n";
    };
    for (const auto& p : points) first += row(p, "2024-01", p.street);
    for (auto it = points.rbegin(); it != points.rend(); ++it) second += row(*it, "2024-02", it->street);
    for (const auto& p : points) second += row(p, "2024-02", "On or near Parking Area");
    write_file(dir.path() / "data/2024-01/2024-01-testshire-street.csv", first);
    write_file(dir.path() / "data/2024-02/2024-02-testshire-street.csv", second);

    auto run = import_paths(db, {(dir.path() / "data").string()});
    CHECK(run.problems.empty());
    REQUIRE(count(db, "SELECT count(*) FROM crimes") == static_cast<std::int64_t>(3 * points.size()));

    auto store = data::open_store_for_writing(db);
    data::detail::neighbourhood_lookup slow_path(store);
    REQUIRE(slow_path.size() == 2);
    const auto ts01 = store.query_int("SELECT key FROM neighbourhoods WHERE id = 'TS01'");
    // Ids in order of first sight: the first file's points, then the second's new streets.
    data::Statement locations(store, "SELECT id, longitude, latitude, street, neighbourhood FROM locations ORDER BY id");
    std::size_t n = 0, wrong_place = 0, wrong_neighbourhood = 0, on_shared_edge = 0, outside = 0;
    while (locations.step()) {
        const auto& p = points[n % points.size()];
        const std::string street = n < points.size() ? p.street : "On or near Parking Area";
        wrong_place += locations.column_int(0) != static_cast<std::int64_t>(n + 1) ||
                       locations.column_double(1) != std::stod(p.longitude) ||
                       locations.column_double(2) != std::stod(p.latitude) || locations.column_text(3) != street;
        auto expected = slow_path.find(locations.column_double(1), locations.column_double(2));
        std::optional<std::int64_t> stored;
        if (!locations.is_null(4)) stored = locations.column_int(4);
        wrong_neighbourhood += stored != expected;
        if (locations.column_double(1) == 0.0 && locations.column_double(2) > 51.0 && locations.column_double(2) < 51.1) {
            ++on_shared_edge;
            wrong_neighbourhood += stored != ts01;  // the lowest key, every time
        }
        outside += !stored.has_value();
        ++n;
    }
    CHECK(n == 2 * points.size());
    CHECK(wrong_place == 0);
    CHECK(wrong_neighbourhood == 0);
    CHECK(on_shared_edge == 2 * 49);
    CHECK(outside > 0);
    // Every crime points at the location of its own coordinates and street.
    CHECK(store.query_int("SELECT count(*) FROM crimes c JOIN locations l ON l.id = c.location") ==
          static_cast<std::int64_t>(3 * points.size()));
    CHECK(store.query_int("SELECT count(DISTINCT location) FROM crimes WHERE month = 202402") ==
          static_cast<std::int64_t>(2 * points.size()));
    // Giving every location its neighbourhood again, the slow way, changes nothing.
    CHECK(data::detail::assign_all_locations(store, slow_path) ==
          static_cast<std::uint64_t>(store.query_int("SELECT count(neighbourhood) FROM locations")));
    CHECK(store.query_int("SELECT count(*) FROM locations WHERE neighbourhood IS NULL") ==
          static_cast<std::int64_t>(outside));
}

TEST_CASE("a file rejected part way gives back its new ids: a later file's rows point at rows that were written") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    // The first file's rows are parsed (new agency, LSOA, type, outcome, location) before its
    // unclosed quote rejects it, and nothing of it is written.
    write_file(dir.path() / "2024-01-testshire-street.csv",
               street_header +
                   "a,2024-01,Testshire Police,Testshire Police,-1.5,52.5,On or near X,E01000001,Y 001A,Burglary,"
                   "Under investigation,\n"
                   "b,2024-01,Testshire Police,Testshire Police,-1.5,52.6,On or near X,E01000001,Y 001A,Burglary,,\"unclosed\n");
    write_file(dir.path() / "2024-02-testshire-street.csv",
               street_header +
                   "c,2024-02,Testshire Police,Testshire Police,-1.5,52.5,On or near X,E01000001,Y 001A,Burglary,"
                   "Under investigation,\n");
    auto run = import_paths(db, {dir.path().string()});
    CHECK(run.summary.rejected.size() == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes") == 1);
    CHECK(count(db, "SELECT count(*) FROM crimes c JOIN locations l ON l.id = c.location JOIN lsoas s ON s.id = c.lsoa "
                    "JOIN agencies a ON a.id = c.reported_by JOIN crime_types t ON t.id = c.crime_type "
                    "JOIN outcome_types o ON o.id = c.last_outcome") == 1);
    CHECK(count(db, "SELECT count(*) FROM locations") == 1);
}
