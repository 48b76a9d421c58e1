#pragma once
// The store's tables in PostgreSQL (a --db postgresql://... URI): the same tables and columns
// as data/store/store.cpp's SQLite schema, in PostgreSQL's types.

#include "data/store/sqlite.hpp"

namespace crimemap::data {

/// Creates the tables in the connection's current schema unless they are there, at `version`
/// (the schema_version of data/store/store.hpp); safe against another process doing the same.
void create_postgres_schema(Database& db, int version);
/// True when the store's tables are in the connection's current schema.
[[nodiscard]] bool has_postgres_schema(Database& db);

}  // namespace crimemap::data
