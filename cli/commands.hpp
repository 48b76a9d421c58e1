#pragma once
// The crimemap subcommands. Each takes the arguments after its name and returns an exit status.

#include <string>
#include <vector>

namespace crimemap::cli {

using arguments = std::vector<std::string>;

int import_command(const arguments& args);
int index_command(const arguments& args);
int stats_command(const arguments& args);
int generate_command(const arguments& args);
int serve_command(const arguments& args);
int user_command(const arguments& args);
int backup_command(const arguments& args);

}  // namespace crimemap::cli
