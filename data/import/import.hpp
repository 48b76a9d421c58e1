#pragma once
// `crimemap import`: reads data.police.uk files into the store.

#include "data/import/import_sources.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace crimemap::data {

struct import_options {
    std::string db;
    std::vector<std::string> paths;
    std::optional<source_kind> kind;  ///< what files named directly are, when their names do not say
    std::string force;                ///< the force of monthly files named directly, when their names do not say
    int month = 0;                    ///< YYYYMM of monthly files named directly, likewise
    bool strict = false;              ///< a malformed row stops the import; its file is not written
};

/// What one file did.
struct file_result {
    std::uint64_t rows = 0;     ///< rows written
    std::uint64_t skipped = 0;  ///< malformed rows reported and skipped
    bool replaced = false;      ///< it replaced an earlier import of the same force, month and kind
    std::uint64_t kept_edits = 0;  ///< fields edited through the app whose new upstream value was not applied
};

struct import_summary {
    std::uint64_t files = 0;           ///< files written
    std::uint64_t rows = 0;            ///< rows written, all kinds
    std::uint64_t skipped = 0;         ///< rows reported and skipped
    std::uint64_t recoded_rows = 0;    ///< rows that were not UTF-8, read as Windows-1252 and written
    std::map<std::string, std::uint64_t> skipped_by_reason;
    std::vector<std::string> rejected; ///< files not written at all, with the reason
    std::vector<std::string> unrecognised;
    std::uint64_t locations_assigned = 0; ///< map locations given a neighbourhood by a full pass
    std::uint64_t kept_edits = 0;         ///< edited fields whose file value differs from the one edited (kept as edited)
    double seconds = 0;
};

/// Told what the import does. Called on the importing thread only.
class import_observer {
public:
    virtual ~import_observer() = default;
    virtual void started(std::uint64_t /*files*/, std::uint64_t /*total_bytes*/) {}
    virtual void file_started(const import_source& /*source*/) {}
    /// Totals since the start: rows written and bytes of input consumed.
    virtual void progress(std::uint64_t /*rows*/, std::uint64_t /*bytes*/) {}
    virtual void file_finished(const import_source& /*source*/, const file_result& /*result*/) {}
    /// A malformed row (`file:line: reason`) or a rejected file.
    virtual void problem(const std::string& /*message*/) {}
};

/// Thrown for what stops an import: --strict and a malformed row, an unreadable file.
/// Files committed before it stay; the file being written is rolled back.
class import_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Imports every source, each file in its own transaction. Throws import_error,
/// sqlite_error, or std::runtime_error for PATHs that do not exist.
import_summary run_import(const import_options& options, import_observer& observer);

}  // namespace crimemap::data
