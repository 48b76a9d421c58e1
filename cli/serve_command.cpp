#include "cli/options.hpp"
#include "data/store.hpp"
#include "server/handlers.hpp"
#include "server/http_server.hpp"

#include <chrono>

namespace crimemap::cli {

int serve_command(const arguments& args) {
    po::options_description options("serve options");
    std::string db, listen = "127.0.0.1:8080";
    int threads = 2;
    options.add_options()                                                             //
        ("db", po::value(&db)->required(), "the store (SQLite file)")                 //
        ("listen", po::value(&listen)->default_value(listen), "ADDRESS:PORT to listen on; port 0 picks a free one")  //
        ("threads", po::value(&threads)->default_value(threads), "worker threads");
    po::variables_map values;
    if (!parse_options(args, "crimemap serve --db FILE [--listen ADDRESS:PORT] [--threads N]", options, values))
        return 0;
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw po::error("--listen wants ADDRESS:PORT, not '" + listen + "'");
    server::server_config config;
    config.address = listen.substr(0, colon);
    try {
        auto port = std::stoul(listen.substr(colon + 1));
        if (port > 65535) throw std::out_of_range("port");
        config.port = static_cast<unsigned short>(port);
    } catch (const std::logic_error&) {
        throw po::error("--listen: '" + listen.substr(colon + 1) + "' is not a port number");
    }
    if (threads < 1 || threads > 256) throw po::error("--threads must be between 1 and 256");
    config.threads = threads;

    auto start = std::chrono::steady_clock::now();
    server::app_state state;
    {
        auto store = data::open_store_for_reading(db);
        state.store_path = db;
        state.crimes = store.query_int("SELECT count(*) FROM crimes");
        state.locations = store.query_int("SELECT count(*) FROM locations");
        state.neighbourhoods = store.query_int("SELECT count(*) FROM neighbourhoods");
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "loaded " << state.crimes << " crimes, " << state.locations << " locations, " << state.neighbourhoods
              << " neighbourhoods from " << db << " in " << seconds << " s\n";
    server::run_server(
        config, [&state](const server::request& req) { return server::handle_request(req, state); },
        [&](unsigned short port) {
            std::cerr << "serving http://" << config.address << ":" << port << "/\n" << std::flush;
        });
    return 0;
}

}  // namespace crimemap::cli
