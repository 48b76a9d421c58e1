#pragma once
// Synthetic data.police.uk-shaped data for the demo, tests and benchmarks.

#include <cstdint>
#include <filesystem>
#include <iosfwd>

namespace crimemap::data {

struct generate_options {
    std::filesystem::path out;   ///< folder to write into (created when absent)
    std::uint64_t rows = 200000; ///< street crimes in all, spread over forces and months
    int months = 12;             ///< months ending at last_month
    std::uint64_t seed = 1;      ///< same seed and options give byte-identical files
    int last_month = 202409;     ///< YYYYMM of the newest month
};

struct generate_summary {
    std::uint64_t street_rows = 0;
    std::uint64_t outcome_rows = 0;
    std::uint64_t stop_rows = 0;
    std::uint64_t neighbourhoods = 0;
    std::uint64_t schemes = 0;
    std::uint64_t postcodes = 0;
    std::uint64_t files = 0;
};

/// Writes the layout `crimemap import` reads (see docs/data-formats.md). Progress goes to `log`.
/// Throws std::runtime_error when a file cannot be written.
generate_summary generate(const generate_options& options, std::ostream& log);

}  // namespace crimemap::data
