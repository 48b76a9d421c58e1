#include "cli/options.hpp"
#include "data/store/stats.hpp"
#include "data/store/store.hpp"

namespace crimemap::cli {

int stats_command(const arguments& args) {
    po::options_description options("stats options");
    std::string db;
    options.add_options()("db", po::value(&db)->required(), "the store: a SQLite file, or a PostgreSQL database by its libpq URI (postgresql://...)");
    po::variables_map values;
    if (!parse_options(args, "crimemap stats --db FILE|URI", options, values)) return 0;
    auto store = data::open_store_for_reading(db);
    std::cout << data::store_stats(store).dump(2) << '\n';
    return 0;
}

}  // namespace crimemap::cli
