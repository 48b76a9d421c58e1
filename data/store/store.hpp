#pragma once
// Opening the crimemap store: one SQLite file with SpatiaLite, in WAL mode, or a PostgreSQL
// database named by a libpq URI (postgresql://...), the shared store of replicas.

#include "data/store/sqlite.hpp"

#include <string>

namespace crimemap::data {

/// The schema this build reads and writes; stored in meta('schema_version').
inline constexpr int schema_version = 6;

/// Opens the store for writing, creating the file and its schema when absent, and bringing a
/// store of an older schema up to this one (adding tables; nothing stored is changed).
/// Loads SpatiaLite, turns on WAL and foreign-key-free fast settings for bulk work.
/// Throws sqlite_error (cannot open, SpatiaLite missing) or std::runtime_error
/// (the file holds a schema of another version). A postgresql:// URI connects instead and
/// creates the tables there when absent (pg::error, pg::unavailable when it cannot connect).
Database open_store_for_writing(const std::string& path);

/// Opens an existing store read-only. Throws std::runtime_error when the file is absent.
/// Without `spatialite`, geometry functions are unavailable; such a connection may be opened
/// and closed on any thread (SpatiaLite's own clean-up is not thread-safe). A postgresql://
/// URI connects, in read-only transactions.
Database open_store_for_reading(const std::string& path, bool spatialite = true);

/// Increments meta('data_version'): every committed change to served data bumps it.
void bump_data_version(Database& db);
/// Increments meta('map_version') and the data version: every import that changes what the
/// serving indexes hold (crimes, outcomes, stops, locations, neighbourhoods) bumps it, so an
/// index file of another map version is rebuilt. Edits through the app do not.
void bump_map_version(Database& db);

/// The PostgreSQL channel an import's end is announced on (announce_import).
inline constexpr const char* import_channel = "crimemap_import";

/// Marks the end of an import: increments meta('import_version'), and in PostgreSQL notifies
/// every replica listening on import_channel, which then reloads. Inside the import's
/// transaction, the notification goes out when it commits, and not at all if it rolls back.
void announce_import(Database& db);
/// meta('import_version'): 0 before the first import announced.
std::int64_t import_version(Database& db);

}  // namespace crimemap::data
