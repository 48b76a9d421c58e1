// crimemap serve as an operator runs it: the real server on loopback.

#include "data/store/sqlite.hpp"
#include "test_support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

using namespace crimemap::test;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// Runs crimemap serve on a free port; stops it with SIGTERM.
class running_server {
public:
    explicit running_server(const std::string& db) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            dup2(fds[1], STDERR_FILENO);
            close(fds[0]);
            execl(CRIMEMAP_BINARY, CRIMEMAP_BINARY, "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", nullptr);
            _exit(127);
        }
        close(fds[1]);
        log_ = fdopen(fds[0], "r");
        char line[4096];
        while (std::fgets(line, sizeof line, log_)) {
            startup_ += line;
            auto at = std::string(line).find("serving http://127.0.0.1:");
            if (at != std::string::npos) {
                port_ = static_cast<unsigned short>(std::stoi(std::string(line).substr(at + 25)));
                break;
            }
        }
        REQUIRE(port_ != 0);
    }
    ~running_server() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (log_) std::fclose(log_);
    }
    int stop() {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    [[nodiscard]] unsigned short port() const { return port_; }
    [[nodiscard]] const std::string& startup() const { return startup_; }

private:
    pid_t pid_ = -1;
    FILE* log_ = nullptr;
    unsigned short port_ = 0;
    std::string startup_;
};

http::response<http::string_body> get(unsigned short port, const std::string& target,
                                      const std::string& accept_encoding = "") {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    if (!accept_encoding.empty()) req.set(http::field::accept_encoding, accept_encoding);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return res;
}

}  // namespace

TEST_CASE("crimemap serve answers health, TileJSON and tiles on loopback and stops on SIGTERM") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    import_paths(db, {shared_data("police-uk/essex")});
    running_server server(db);
    INFO(server.startup());
    // Essex 2022-12: 13,139 rows, 107 of them without a location. Every crime is counted as
    // `crimemap stats` counts them, and those with a location beside.
    CHECK(server.startup().find("loaded 13139 crimes (13032 with a location)") != std::string::npos);
    auto ready = get(server.port(), "/readyz");
    REQUIRE(ready.result() == http::status::ok);
    auto ready_doc = nlohmann::json::parse(ready.body());
    CHECK(ready_doc["crimes"] == 13139);
    CHECK(ready_doc["crimes_with_location"] == 13032);

    auto health = get(server.port(), "/healthz");
    CHECK(health.result() == http::status::ok);

    auto tilejson = get(server.port(), "/tiles/crimes.json");
    REQUIRE(tilejson.result() == http::status::ok);
    auto doc = nlohmann::json::parse(tilejson.body());
    std::string url = doc["tiles"][0];
    CHECK(url.rfind("http://127.0.0.1:" + std::to_string(server.port()) + "/tiles/crimes/", 0) == 0);

    // Chelmsford at zoom 12.
    auto tile = get(server.port(), "/tiles/crimes/12/2053/1357.mvt", "gzip");
    CHECK(tile.result() == http::status::ok);
    CHECK(tile[http::field::content_encoding] == "gzip");
    CHECK(tile[http::field::content_type] == "application/vnd.mapbox-vector-tile");
    CHECK(get(server.port(), "/tiles/crimes/12/9999/1357.mvt").result() == http::status::not_found);

    CHECK(server.stop() == 0);
}

TEST_CASE("crimemap serve refuses a basemap that is not a vector MBTiles at start, naming the file and why") {
    temp_dir dir;
    auto text = dir.file("notes.mbtiles");
    write_file(text, "these are notes, not a tile archive at all\n");
    auto raster = dir.file("raster.mbtiles");
    {
        crimemap::data::Database db(raster, crimemap::data::Database::mode::create);
        db.exec("CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'png');"
                "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)");
    }
    for (const auto& [file, why] : {std::pair{text, std::string("not MBTiles: not an SQLite database")},
                                    std::pair{raster, std::string("not a vector archive: its metadata format is 'png'")},
                                    std::pair{dir.file("missing.mbtiles"), std::string("no such file")}}) {
        std::string command = std::string(CRIMEMAP_BINARY) + " serve --db " + dir.file("store.sqlite") +
                              " --listen 127.0.0.1:0 --basemap " + file + " 2>&1";
        FILE* pipe = popen(command.c_str(), "r");
        REQUIRE(pipe);
        std::string output;
        char buffer[4096];
        while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
        int status = pclose(pipe);
        INFO(output);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 1);
        CHECK(output.find("crimemap serve: " + file + ": " + why) != std::string::npos);
        CHECK(output.find("serving http://") == std::string::npos);
    }
}
