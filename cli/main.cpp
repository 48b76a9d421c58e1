// crimemap: a neighbourhood crime map tile and query server.

#include "cli/commands.hpp"

#include <boost/program_options/errors.hpp>

#include <cstring>
#include <iostream>

namespace {

constexpr const char* usage = R"(usage: crimemap <command> [options]

commands:
  import    read data.police.uk files (CSV, folders, .zip) into the store
  index     build the serving indexes beside the store, for serve to map (serve builds them too)
  stats     print what the store holds, as JSON
  generate  write synthetic data in data.police.uk's layouts
  serve     serve the map, tiles and API over HTTP
  user      add, list, disable or reset the accounts of admins, teams and Watch coordinators
  backup    copy the store while it is in use, and check the copy

'crimemap <command> --help' describes a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::cout << usage;
        return argc < 2 ? 2 : 0;
    }
    std::string command = argv[1];
    crimemap::cli::arguments args(argv + 2, argv + argc);
    try {
        if (command == "import") return crimemap::cli::import_command(args);
        if (command == "index") return crimemap::cli::index_command(args);
        if (command == "stats") return crimemap::cli::stats_command(args);
        if (command == "generate") return crimemap::cli::generate_command(args);
        if (command == "serve") return crimemap::cli::serve_command(args);
        if (command == "user") return crimemap::cli::user_command(args);
        if (command == "backup") return crimemap::cli::backup_command(args);
        std::cerr << "crimemap: unknown command '" << command << "'\n" << usage;
        return 2;
    } catch (const boost::program_options::error& error) {
        std::cerr << "crimemap " << command << ": " << error.what() << " (see 'crimemap " << command << " --help')\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "crimemap " << command << ": " << error.what() << '\n';
        return 1;
    }
}
