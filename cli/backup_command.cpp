#include "cli/options.hpp"
#include "data/store/store.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace crimemap::cli {

int backup_command(const arguments& args) {
    po::options_description options("backup options");
    std::string db, out;
    options.add_options()                                                         //
        ("db", po::value(&db)->required(), "the store (SQLite file); it may be in use by crimemap serve. A store in PostgreSQL is backed up with pg_dump: given its URI, backup says how")  //
        ("out", po::value(&out)->required(), "the copy to write; must not exist yet");
    po::positional_options_description positional;
    positional.add("out", 1);
    po::variables_map values;
    if (!parse_options(args, "crimemap backup --db FILE OUT", options, values, &positional)) return 0;
    if (std::filesystem::exists(out)) throw po::error("OUT: " + out + " already exists; give a new name");
    auto start = std::chrono::steady_clock::now();
    // PostgreSQL's own tools back it up; backup_to says how, once the database answers.
    if (data::pg::is_uri(db)) data::Database::postgresql(db).backup_to(out);
    auto store = data::open_store_for_reading(db, false);
    store.backup_to(out);
    // The copy is checked before it is called good.
    data::Database copy(out, data::Database::mode::read_only);
    data::Statement check(copy, "PRAGMA integrity_check");
    std::string verdict = check.step() ? std::string(check.column_text(0)) : "no answer";
    if (verdict != "ok") throw std::runtime_error(out + ": the copy fails integrity_check: " + verdict);
    std::cout << "backed up " << db << " to " << out << " (" << std::filesystem::file_size(out) / (1 << 20) << " MiB) in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s; integrity_check ok\n";
    return 0;
}

}  // namespace crimemap::cli
