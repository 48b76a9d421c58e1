#include "data/import/import.hpp"

#include "data/import/csv_reader.hpp"
#include "data/import/neighbourhood_lookup.hpp"
#include "data/import/police_csv_import.hpp"
#include "data/import/source_imports.hpp"
#include "data/store/store.hpp"
#include "geo/projection.hpp"

#include <chrono>

namespace crimemap::data {

namespace {

bool is_monthly(source_kind kind) {
    return kind == source_kind::street || kind == source_kind::outcomes || kind == source_kind::stop_and_search;
}

// Imports one non-monthly file; a file that cannot be read is rejected, not fatal,
// unless --strict.
void import_other(Database& db, const import_source& source, const import_options& options,
                  import_observer& observer, import_summary& summary, detail::progress_totals& totals) {
    observer.file_started(source);
    file_result result;
    // A file's bad input (its own text, or coordinates PROJ cannot convert) rejects that file
    // alone; any other error (the store's) ends the import.
    auto reject = [&](const std::exception& error) {
        std::string message = std::string(error.what()) + " (nothing of this file was written)";
        observer.problem(message);
        summary.rejected.push_back(message);
        if (options.strict) throw import_error(message);
    };
    try {
        switch (source.kind) {
        case source_kind::boundary: result = detail::import_boundaries(db, source, observer, options.strict); break;
        case source_kind::forces: result = detail::import_forces(db, source); break;
        case source_kind::neighbourhood: result = detail::import_neighbourhood_details(db, source); break;
        case source_kind::watch: result = detail::import_watch_schemes(db, source, observer, options.strict); break;
        case source_kind::postcodes: result = detail::import_postcodes(db, source, observer, options.strict); break;
        case source_kind::support: result = detail::import_support_services(db, source); break;
        default: return;
        }
    } catch (const input_error& error) {
        reject(error);
        return;
    } catch (const geo::projection_error& error) {
        reject(error);
        return;
    }
    ++summary.files;
    summary.rows += result.rows;
    summary.skipped += result.skipped;
    summary.kept_edits += result.kept_edits;
    if (result.skipped > 0) summary.skipped_by_reason[std::string(to_string(source.kind)) + " entry"] += result.skipped;
    totals.bytes += source.size;
    totals.rows += result.rows;
    observer.progress(totals.rows, totals.bytes);
    observer.file_finished(source, result);
}

// One import at a time into a PostgreSQL store, as SQLite's one writer: an import reads the
// dictionaries' and tables' next ids once, which a second import at the same time would also
// take. The lock is the connection's, so it ends with the import however it ends.
void take_import_lock(Database& db, import_observer& observer) {
    constexpr const char* lock_key = "7316351";
    if (db.query_int(std::string("SELECT CAST(pg_try_advisory_lock(") + lock_key + ") AS INTEGER)") == 1) return;
    observer.problem(db.path() + ": another import into this database is running; waiting for it to finish");
    db.exec(std::string("SELECT pg_advisory_lock(") + lock_key + ")");
}

}  // namespace

import_summary run_import(const import_options& options, import_observer& observer) {
    auto start = std::chrono::steady_clock::now();
    auto found = discover_sources(options.paths, named_files{options.kind, options.force, options.month});
    import_summary summary;
    summary.unrecognised = found.unrecognised;
    std::uint64_t total_bytes = 0;
    for (const auto& source : found.sources) total_bytes += source.size;
    observer.started(found.sources.size(), total_bytes);

    auto db = open_store_for_writing(options.db);
    if (db.is_postgresql()) take_import_lock(db, observer);
    detail::progress_totals totals;
    bool boundaries_changed = false;
    std::vector<import_source> monthly;
    for (const auto& source : found.sources) {
        if (is_monthly(source.kind)) {
            monthly.push_back(source);
            continue;
        }
        auto files_before = summary.files;
        import_other(db, source, options, observer, summary, totals);
        boundaries_changed |= source.kind == source_kind::boundary && summary.files > files_before;
    }

    detail::neighbourhood_lookup lookup(db);
    // Locations imported before these boundaries get their neighbourhood now; new
    // locations get theirs as they are imported.
    if (boundaries_changed) summary.locations_assigned = detail::assign_all_locations(db, lookup);
    try {
        detail::import_police_csv(db, options.db, monthly, lookup, options.strict, observer, summary, totals);
    } catch (...) {
        // The files committed before the bad one are kept: running servers still hear of them.
        try {
            if (!db.in_transaction()) announce_import(db);
        } catch (const std::exception&) {
        }
        throw;
    }
    // Every running replica on PostgreSQL reloads (and the next poll of any other sees it).
    announce_import(db);
    if (!db.is_postgresql()) db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace crimemap::data
