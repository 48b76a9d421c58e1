// The crimemap binary as an operator runs it: exit codes, stats output, and an
// import killed in the middle of a file.

#include "data/store/stats.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

using namespace crimemap;
using namespace crimemap::test;

namespace {

struct command_result {
    int status = -1;
    std::string output;
};

command_result run(const std::string& arguments) {
    std::string command = std::string(CRIMEMAP_BINARY) + " " + arguments + " 2>&1";
    command_result result;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[4096];
    while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, got);
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string street_header() {
    return "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
           "Last outcome category,Context\n";
}

}  // namespace

TEST_CASE("crimemap stats prints the counts an operator checks an import with") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto imported = run("import --db " + db + " " + shared_data("police-uk/essex"));
    CHECK(imported.status == 0);
    CHECK(imported.output.find("rows imported: 13,139") != std::string::npos);
    auto stats = run("stats --db " + db);
    REQUIRE(stats.status == 0);
    auto json = nlohmann::json::parse(stats.output);
    CHECK(json["crimes"] == 13139);
    CHECK(json["forces"]["essex"] == 13139);
    CHECK(json["months"]["2022-12"] == 13139);
    CHECK(json["monthly_files"] == nlohmann::json{{"street", 1}});
    for (const char* key : {"outcomes", "stops", "locations", "neighbourhoods", "categories"}) CHECK(json.contains(key));
}

TEST_CASE("bad arguments exit 2 naming the option, and a rejected file exits 1") {
    temp_dir dir;
    auto missing_db = run("import " + shared_data("police-uk/essex"));
    CHECK(missing_db.status == 2);
    CHECK(missing_db.output.find("--db") != std::string::npos);
    CHECK(run("import --db " + dir.file("s.sqlite") + " --kind nonsense x.csv").status == 2);
    write_file(dir.path() / "2020-01-testshire-street.csv", "wrong,header\n");
    auto rejected = run("import --db " + dir.file("s.sqlite") + " " + dir.file("2020-01-testshire-street.csv"));
    CHECK(rejected.status == 1);
    CHECK(rejected.output.find("unknown header") != std::string::npos);
}

TEST_CASE("an import killed in the middle of a file leaves the store as it was before that file") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    REQUIRE(run("import --db " + db + " " + shared_data("police-uk/city-of-london/2014-09")).status == 0);
    std::string before;
    {
        auto store = data::open_store_for_reading(db);
        before = data::store_stats(store).dump();
    }
    // A file big enough to take several seconds, with new map locations throughout.
    auto big = dir.path() / "2020-01-testshire-street.csv";
    {
        std::ofstream out(big);
        out << street_header();
        for (int i = 0; i < 1500000; ++i)
            out << "id" << i << ",2020-01,Testshire Police,Testshire Police," << -1.0 - (i % 5000) * 1e-4 << ","
                << 52.0 + (i / 5000) * 1e-4 << ",On or near Street " << i % 977
                << ",E01000001,Testshire 001A,Burglary,Under investigation,\n";
    }
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        execl(CRIMEMAP_BINARY, CRIMEMAP_BINARY, "import", "--db", db.c_str(), big.c_str(), nullptr);
        _exit(127);
    }
    close(pipe_fds[1]);
    // Wait for a progress line about the big file: rows of it are being written.
    FILE* log = fdopen(pipe_fds[0], "r");
    char line[4096];
    bool mid_file = false;
    while (std::fgets(line, sizeof line, log)) {
        if (std::string(line).find("progress: ") != std::string::npos) {
            mid_file = true;
            break;
        }
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    std::fclose(log);
    REQUIRE(mid_file);
    REQUIRE(WIFSIGNALED(status));  // it was killed, not finished

    auto store = data::open_store_for_reading(db);
    data::Statement check(store, "PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.column_text(0) == "ok");
    CHECK(data::store_stats(store).dump() == before);
}

namespace {

// Archives are made by Python's zipfile and gzip modules, as a download tool or a script
// would make them: deflate-compressed, with data.police.uk's YYYY-MM/ folders inside.
void python(const std::string& script) {
    temp_dir scratch;
    auto file = scratch.file("make.py");
    write_file(file, script);
    REQUIRE(std::system(("python3 " + file).c_str()) == 0);
}

// A zip of `members` (paths under `root`, in this order), each stored under its path.
void zip_members(const std::string& zip, const std::string& root, const std::vector<std::string>& members) {
    std::string names;
    for (const auto& member : members) names += "'" + member + "', ";
    python("import zipfile\n"
           "with zipfile.ZipFile('" + zip + "', 'w', zipfile.ZIP_DEFLATED) as z:\n"
           "    for name in (" + names + "):\n"
           "        z.write('" + root + "/' + name, name)\n");
}

std::int64_t street_rows_under(const fs::path& folder) {
    std::int64_t rows = 0;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.path().string().ends_with("-street.csv")) rows += data_rows(entry.path().string());
    return rows;
}

}  // namespace

TEST_CASE("a deflate-compressed zip as data.police.uk ships it imports every row of every member") {
    temp_dir dir;
    auto source = shared_data("police-uk/city-of-london");
    auto zip = dir.file("download.zip");
    std::vector<std::string> members;
    for (const auto& entry : fs::recursive_directory_iterator(source))
        if (entry.is_regular_file()) members.push_back(fs::relative(entry.path(), source).string());
    std::sort(members.begin(), members.end());
    zip_members(zip, source, members);
    auto db = dir.file("store.sqlite");
    auto imported = run("import --db " + db + " " + zip);
    INFO(imported.output);
    CHECK(imported.status == 0);
    CHECK(imported.output.find("rejected") == std::string::npos);
    auto expected = street_rows_under(source);
    REQUIRE(expected > 19000);
    CHECK(count(db, "SELECT count(*) FROM crimes") == expected);
    std::int64_t months = std::distance(fs::directory_iterator(source), fs::directory_iterator());
    CHECK(count(db, "SELECT count(*) FROM import_files") == months);
}

TEST_CASE("a .csv.gz imports through /vsigzip/ and leaves nothing beside it") {
    temp_dir dir;
    auto source = shared_data("police-uk/essex/2022-12/2022-12-essex-street.csv");
    fs::create_directories(dir.path() / "in");
    auto gz = dir.file("in/2022-12-essex-street.csv.gz");
    python("import gzip, shutil\n"
           "with open('" + source + "', 'rb') as i, gzip.open('" + gz + "', 'wb') as o:\n"
           "    shutil.copyfileobj(i, o)\n");
    auto db = dir.file("store.sqlite");
    auto imported = run("import --db " + db + " " + gz);
    INFO(imported.output);
    CHECK(imported.status == 0);
    CHECK(count(db, "SELECT count(*) FROM crimes") == data_rows(source));
    std::vector<std::string> beside;
    for (const auto& entry : fs::directory_iterator(dir.path() / "in")) beside.push_back(entry.path().filename().string());
    // No GDAL gzip index (.properties) is written into the input's folder.
    CHECK(beside == std::vector<std::string>{"2022-12-essex-street.csv.gz"});
}

TEST_CASE("a damaged member of a zip is refused by name, nothing of it written, the other members imported") {
    temp_dir dir;
    auto root = shared_data("police-uk/city-of-london");
    auto zip = dir.file("damaged.zip");
    // The first member's deflate stream is overwritten in its middle; the second is whole.
    zip_members(zip, root, {"2014-09/2014-09-city-of-london-street.csv", "2014-10/2014-10-city-of-london-street.csv"});
    python("data = bytearray(open('" + zip + "', 'rb').read())\n"
           "start = data.index(b'2014-09-city-of-london-street.csv') + 40\n"
           "data[start + 4000:start + 4200] = bytes(200)\n"
           "open('" + zip + "', 'wb').write(bytes(data))\n");
    auto db = dir.file("store.sqlite");
    auto imported = run("import --db " + db + " " + zip);
    INFO(imported.output);
    CHECK(imported.status == 1);
    CHECK(imported.output.find("damaged.zip/2014-09/2014-09-city-of-london-street.csv: ") != std::string::npos);
    CHECK(imported.output.find("nothing of this file was written") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM import_files WHERE month = 201409") == 0);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE month = 201409") == 0);
    CHECK(count(db, "SELECT count(*) FROM crimes WHERE month = 201410") ==
          data_rows(root + "/2014-10/2014-10-city-of-london-street.csv"));
}

TEST_CASE("a renamed monthly file imports with --kind street, its force and month from its rows or from --force and --month") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    auto source = shared_data("police-uk/essex/2022-12/2022-12-essex-street.csv");
    fs::copy_file(source, dir.path() / "essex december.csv");
    auto from_rows = run("import --db " + db + " --kind street '" + dir.file("essex december.csv") + "'");
    INFO(from_rows.output);
    CHECK(from_rows.status == 0);
    CHECK(count(db, "SELECT count(*) FROM import_files WHERE force = 'essex' AND month = 202212 AND kind = 'street'") == 1);
    // The same rows again, said by the options: they replace, not add.
    auto given = run("import --db " + db + " --kind street --force essex --month 2022-12 '" + dir.file("essex december.csv") + "'");
    CHECK(given.status == 0);
    CHECK(count(db, "SELECT count(*) FROM crimes") == data_rows(source));
    CHECK(run("import --db " + db + " --kind street --month 2022-13 x.csv").output.find("--month") != std::string::npos);
    CHECK(run("import --db " + db + " --force essex x.csv").status == 2);
}
