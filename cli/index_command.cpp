#include "cli/options.hpp"
#include "data/snapshot/map_snapshot.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace crimemap::cli {

int index_command(const arguments& args) {
    po::options_description options("index options");
    std::string db, index_file;
    options.add_options()("db", any_store_value(&db), "the store: a SQLite file or a postgresql:// URI (default: $CRIMEMAP_DB)")(
        "index-file", po::value(&index_file),
        "where to write the serving indexes (default: the store's path + .index, where serve looks; for a "
        "store in PostgreSQL, a file in ~/.cache/crimemap named after the database)");
    po::variables_map values;
    if (!parse_options(args, "crimemap index --db FILE|URI", options, values)) return 0;
    db = store_or_environment(db);
    auto start = std::chrono::steady_clock::now();
    data::snapshot_options settings;
    settings.index_path = index_file;
    auto built = data::build_index_file(db, settings);
    std::cerr << "wrote " << built.path << " (" << std::filesystem::file_size(built.path) / (1 << 20) << " MiB) in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s"
              << (built.kept.empty() ? "" : "; " + built.kept) << '\n';
    return 0;
}

}  // namespace crimemap::cli
