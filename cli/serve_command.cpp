#include "cli/options.hpp"
#include "data/map_snapshot.hpp"
#include "server/handlers.hpp"
#include "server/http_server.hpp"

#include <malloc.h>

#include <fstream>

namespace crimemap::cli {

namespace {

// Resident memory in bytes, from /proc (0 where it cannot be read).
std::uint64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * 4096;
}

}  // namespace

int serve_command(const arguments& args) {
    po::options_description options("serve options");
    std::string db, listen = "127.0.0.1:8080", public_url, web_root = CRIMEMAP_WEB_ROOT;
    int threads = 2;
    std::size_t cache_mb = 256;
    options.add_options()                                                             //
        ("db", po::value(&db)->required(), "the store (SQLite file)")                 //
        ("listen", po::value(&listen)->default_value(listen), "ADDRESS:PORT to listen on; port 0 picks a free one")  //
        ("threads", po::value(&threads)->default_value(threads), "worker threads")  //
        ("public-url", po::value(&public_url), "base URL for absolute links (TileJSON); default: from the Host header")  //
        ("web", po::value(&web_root)->default_value(web_root), "folder of the web app")  //
        ("tile-cache-mb", po::value(&cache_mb)->default_value(cache_mb), "memory for encoded tiles; 0 turns the cache off");
    po::variables_map values;
    if (!parse_options(args, "crimemap serve --db FILE [--listen ADDRESS:PORT] [--threads N] [--public-url URL]",
                       options, values))
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
    while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
    if (!public_url.empty() && !public_url.starts_with("http://") && !public_url.starts_with("https://"))
        throw po::error("--public-url must start with http:// or https://");

    server::app_state state;
    state.snapshot = data::load_snapshot(db);
    state.store = std::make_shared<data::store_readers>(db);
    malloc_trim(0);  // hand the loader's temporary arrays back to the system
    state.public_url = public_url;
    state.web = server::static_files(web_root);
    state.tiles = std::make_shared<server::tile_cache>(cache_mb << 20);
    const auto& s = *state.snapshot;
    std::cerr << "loaded " << s.crimes << " crimes at " << s.location_ids.size() << " locations ("
              << s.crimes_without_location << " without a location), " << s.months.size() << " months, "
              << s.neighbourhoods.size() << " neighbourhoods, " << s.schemes.size() << " Watch schemes from " << db
              << " in " << s.load_seconds << " s; indexes " << s.crime_tiles.memory_bytes() / (1 << 20)
              << " MiB, resident " << resident_bytes() / (1 << 20) << " MiB; " << state.web.size() << " web files\n";
    server::run_server(
        config, [&state](const server::request& req) { return server::handle_request(req, state); },
        [&](unsigned short port) {
            std::cerr << "serving http://" << config.address << ":" << port << "/\n" << std::flush;
        });
    return 0;
}

}  // namespace crimemap::cli
