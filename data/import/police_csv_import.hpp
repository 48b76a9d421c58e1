#pragma once
// The import hot path: the monthly street, outcomes and stop-and-search CSV files.
// One thread parses and resolves dictionary ids while this thread writes the
// previous batch to SQLite (or threads of their own write whole files to PostgreSQL), each
// file in its own transaction.

#include "data/import/neighbourhood_lookup.hpp"
#include "data/import/import.hpp"
#include "data/store/sqlite.hpp"

#include <string>
#include <vector>

namespace crimemap::data::detail {

/// Progress shared by every kind of file in one import.
struct progress_totals {
    std::uint64_t rows = 0;
    std::uint64_t bytes = 0;
};

/// The exact header each monthly layout must have.
const std::vector<std::string_view>& expected_header(source_kind kind);

/// Imports the monthly CSV files in order. Each file replaces an earlier import of the
/// same force, month and kind. Throws import_error when --strict meets a malformed row
/// (that file is rolled back, earlier files stay). `store` is the --db that `db` was opened
/// with: into PostgreSQL, files are written on connections of their own to it, more than one
/// at a time, and committed in order.
void import_police_csv(Database& db, const std::string& store, const std::vector<import_source>& files,
                       const neighbourhood_lookup& lookup, bool strict, import_observer& observer,
                       import_summary& summary, progress_totals& totals);

}  // namespace crimemap::data::detail
