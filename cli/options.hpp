#pragma once
// Parsing a subcommand's options with Boost.Program_options.

#include "cli/commands.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace crimemap::cli {

namespace po = boost::program_options;

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
