#pragma once
// Parsing a subcommand's options with Boost.Program_options.

#include "cli/commands.hpp"
#include "data/store/postgres.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <iostream>

namespace crimemap::cli {

namespace po = boost::program_options;

/// The --db value of a command that takes either store: a SQLite file or a postgresql:// URI.
/// Not required as an option: see store_or_environment().
inline po::typed_value<std::string>* any_store_value(std::string* db) { return po::value(db); }

/// The --db value, or without one the CRIMEMAP_DB environment variable, which keeps a URI's
/// password off the command line (where every user of the machine can read it).
inline std::string store_or_environment(const std::string& db) {
    if (!db.empty()) return db;
    if (const char* from_environment = std::getenv("CRIMEMAP_DB"); from_environment && *from_environment)
        return from_environment;
    throw po::error("--db is required: a SQLite file or a postgresql:// URI (or set CRIMEMAP_DB)");
}

/// Parses `args` into a variables_map. Returns false (after printing help) for --help.
/// Throws po::error for unknown or malformed options, naming the option.
inline bool parse_options(const arguments& args, const char* synopsis, po::options_description& options,
                          po::variables_map& values, const po::positional_options_description* positional = nullptr) {
    options.add_options()("help,h", "print this help");
    auto parser = po::command_line_parser(args).options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), values);
    if (values.count("help")) {
        std::cout << "usage: " << synopsis << "\n\n" << options;
        return false;
    }
    po::notify(values);
    return true;
}

}  // namespace crimemap::cli
