#include "data/import/import_sources.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <cpl_vsi.h>

#include <cstring>

using namespace crimemap::data;
using namespace crimemap::test;

TEST_CASE("monthly files are recognised by name with their force, month and kind") {
    auto street = recognise("/x/2014-09-city-of-london-street.csv", "/x/2014-09-city-of-london-street.csv");
    REQUIRE(street);
    CHECK(street->kind == source_kind::street);
    CHECK(street->force == "city-of-london");
    CHECK(street->month == 201409);
    auto stops = recognise("/x/2016-06-metropolitan-stop-and-search.csv", "/x/2016-06-metropolitan-stop-and-search.csv");
    REQUIRE(stops);
    CHECK(stops->kind == source_kind::stop_and_search);
    CHECK(stops->force == "metropolitan");
    auto outcomes = recognise("/x/2020-02-avon-and-somerset-outcomes.csv", "/x/2020-02-avon-and-somerset-outcomes.csv");
    REQUIRE(outcomes);
    CHECK(outcomes->kind == source_kind::outcomes);
    CHECK(outcomes->force == "avon-and-somerset");
    CHECK_FALSE(recognise("/x/2020-13-kent-street.csv", "/x/2020-13-kent-street.csv"));
    CHECK_FALSE(recognise("/x/README.md", "/x/README.md"));
}

TEST_CASE("boundary, details and Watch files are recognised by their folders") {
    auto kml = recognise("/b/leicestershire/NC04.kml", "/b/leicestershire/NC04.kml");
    REQUIRE(kml);
    CHECK(kml->kind == source_kind::boundary);
    CHECK(kml->force == "leicestershire");
    CHECK(kml->neighbourhood == "NC04");
    auto details = recognise("/d/neighbourhoods/leicestershire/NC04.json", "/d/neighbourhoods/leicestershire/NC04.json");
    REQUIRE(details);
    CHECK(details->kind == source_kind::neighbourhood);
    auto watch = recognise("/d/watch/schemes.geojson", "/d/watch/schemes.geojson");
    REQUIRE(watch);
    CHECK(watch->kind == source_kind::watch);
}

TEST_CASE("a zip archive is read in place, folders inside it included, in month order") {
    temp_dir dir;
    auto zip = dir.file("download.zip");
    const char* header = "Crime ID,Month\n";
    for (const char* member : {"2014-10/2014-10-city-of-london-street.csv", "2014-09/2014-09-city-of-london-street.csv"}) {
        std::string path = "/vsizip/" + zip + "/" + member;
        VSILFILE* file = VSIFOpenL(path.c_str(), "wb");
        REQUIRE(file);
        VSIFWriteL(header, 1, std::strlen(header), file);
        VSIFCloseL(file);
    }
    auto found = discover_sources({zip}, std::nullopt);
    REQUIRE(found.sources.size() == 2);
    CHECK(found.sources[0].month == 201409);
    CHECK(found.sources[0].vsi_path.rfind("/vsizip/", 0) == 0);
    CHECK(found.sources[0].display_path == zip + "/2014-09/2014-09-city-of-london-street.csv");
}

TEST_CASE("a path that does not exist, or a file named directly that matches nothing, is an error") {
    temp_dir dir;
    CHECK_THROWS_WITH(discover_sources({dir.file("missing.csv")}, std::nullopt),
                      Catch::Contains("missing.csv: no such file or folder"));
    write_file(dir.path() / "notes.txt", "hello");
    CHECK_THROWS_WITH(discover_sources({dir.file("notes.txt")}, std::nullopt), Catch::Contains("--kind"));
    auto found = discover_sources({dir.path().string()}, std::nullopt);
    CHECK(found.unrecognised.size() == 1);
}

TEST_CASE("a monthly file of another name takes its force and month from the options or its first row") {
    temp_dir dir;
    write_file(dir.path() / "crimes.csv", "Crime ID\n");
    // No rows and no options: nothing says what it replaces.
    CHECK_THROWS_WITH(discover_sources({dir.file("crimes.csv")}, source_kind::street),
                      Catch::Contains("give it with --force ID"));
    auto given = discover_sources({dir.file("crimes.csv")}, named_files{source_kind::street, "essex", 202212});
    REQUIRE(given.sources.size() == 1);
    CHECK(given.sources[0].force == "essex");
    CHECK(given.sources[0].month == 202212);
    write_file(dir.path() / "sept.csv",
               "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
               "Last outcome category,Context\n,2024-09,Lincolnshire Police,Lincolnshire Police,-0.5,53.2,On or near X,"
               "E01000001,Lincoln 001A,Anti-social behaviour,,\n");
    auto read = discover_sources({dir.file("sept.csv")}, source_kind::street);
    REQUIRE(read.sources.size() == 1);
    CHECK(read.sources[0].force == "lincolnshire");
    CHECK(read.sources[0].month == 202409);
    auto stops = [&] { discover_sources({dir.file("sept.csv")}, source_kind::stop_and_search); };
    CHECK_THROWS_WITH(stops(), Catch::Contains("--force"));
    write_file(dir.path() / "schemes.json", "{}");
    auto found = discover_sources({dir.file("schemes.json")}, source_kind::watch);
    REQUIRE(found.sources.size() == 1);
    CHECK(found.sources[0].kind == source_kind::watch);
}
