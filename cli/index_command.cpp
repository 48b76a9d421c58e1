#include "cli/options.hpp"
#include "data/snapshot/map_snapshot.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace crimemap::cli {

int index_command(const arguments& args) {
    po::options_description options("index options");
    std::string db, index_file;
    options.add_options()("db", sqlite_store_value(&db, "index"), "the store (SQLite file)")(
        "index-file", po::value(&index_file),
        "where to write the serving indexes (default: the store's path + .index, where serve looks)");
    po::variables_map values;
    if (!parse_options(args, "crimemap index --db FILE", options, values)) return 0;
    auto start = std::chrono::steady_clock::now();
    data::snapshot_options settings;
    settings.index_path = index_file;
    auto path = data::build_index_file(db, settings);
    std::cerr << "wrote " << path << " (" << std::filesystem::file_size(path) / (1 << 20) << " MiB) in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
    return 0;
}

}  // namespace crimemap::cli
