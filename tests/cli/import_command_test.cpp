// The crimemap binary as an operator runs it: exit codes, stats output, and an
// import killed in the middle of a file.

#include "data/stats.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
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
