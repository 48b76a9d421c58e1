#pragma once
// The monthly files, month by month: YYYY-MM/YYYY-MM-<force>-street.csv, -outcomes.csv and
// -stop-and-search.csv in data.police.uk's bulk layouts (LF line endings, no field ever needs
// quoting). Each crime's whole story is decided when it is written; only the outcomes still to
// come are held, a few months of crimes at most.

#include "generator/generate.hpp"
#include "generator/months.hpp"
#include "generator/outcomes.hpp"
#include "generator/output.hpp"
#include "generator/random.hpp"
#include "generator/world.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::generator {

/// Splits `rows` exactly over forces and months by largest remainder, in integers (crimes.cpp).
std::vector<std::vector<std::uint64_t>> share_out_rows(const std::vector<force_world>& worlds, std::uint64_t rows,
                                                       const std::vector<month_stamp>& months);

/// Writes the monthly files of every force; months must be written oldest first, each once.
class monthly_writer {
public:
    /// Keeps references to all it is given; adds the rows it writes to `summary`.
    monthly_writer(const generate_options& options, const std::vector<force_world>& worlds,
                   const std::vector<month_stamp>& months, output_folder& output, generate_summary& summary);

    /// Month m's three files for each force, `counts[f][m]` street rows in force f's.
    void write_month(std::size_t m, const std::vector<std::vector<std::uint64_t>>& counts);

private:
    std::string row_prefix(std::size_t f, const month_stamp& month) const;
    void schedule(std::size_t f, std::size_t month, std::uint64_t crime, std::uint32_t point, outcome what);

    // crimes.cpp
    void write_street(std::size_t f, std::size_t m, std::uint64_t count, const std::filesystem::path& path);

    // outcomes.cpp
    std::string_view decide_outcomes(std::size_t f, std::size_t m, std::uint64_t crime, std::uint32_t point,
                                     std::size_t type, random_source& random);
    void write_outcomes(std::size_t f, std::size_t m, const std::filesystem::path& path);

    // stops.cpp
    void write_stop_and_search(std::size_t f, std::size_t m, std::uint64_t crimes, const std::filesystem::path& path);

    const generate_options& options_;
    const std::vector<force_world>& worlds_;
    const std::vector<month_stamp>& months_;
    output_folder& output_;
    generate_summary& summary_;
    std::uint64_t id_key_;
    std::uint64_t next_crime_ = 0;
    std::vector<std::vector<pending_outcome>> pending_;  ///< per force and month of the window
    std::vector<std::uint32_t> minutes_;
};

}  // namespace crimemap::generator
