#pragma once
// The index file kept in the store, for replicas on other machines. Replicas on one machine
// share one file (load_snapshot's lock beside it); a replica on a machine without the file
// would otherwise build it from PostgreSQL, which at national size takes longer than a new
// replica may. So whoever builds the file for a store in PostgreSQL also keeps a copy in it:
// 8 MiB chunks of the file, each deflated (libdeflate), keyed by index_file_key (the format and
// the store fingerprint it was built from). A replica without a valid file fetches that copy
// over two connections at once and inflates it; map_index_file then checks it (size, CRC-32,
// fingerprint) as any other file.
//
// The copy is a cache, not data: an UNLOGGED table (no WAL for a file of gigabytes, none of it
// sent to a standby; emptied by a crash of the server, after which a replica builds again),
// created when first needed, holding the copy of one fingerprint at a time.

#include "data/snapshot/snapshot_file.hpp"
#include "data/store/sqlite.hpp"

#include <cstdint>
#include <string>

namespace crimemap::data::detail {

/// Keeps the file at `path`, built from data of `fingerprint`, in the store at `store_uri` (a
/// postgresql:// URI), replacing any copy there was, in one transaction of a connection of its
/// own. Returns a sentence for the log. @throws store_error or std::runtime_error (the file unreadable)
std::string store_index_file(const std::string& store_uri, const std::string& path,
                             const index_fingerprint& fingerprint);

/// Writes the stored copy of the file of `fingerprint` to `path` (through a temporary file
/// renamed into place), holding one chunk a connection at a time, and returns true; false, with `why_not`
/// set, when the store holds no copy of that fingerprint. The caller maps and so checks it.
/// @throws store_error or std::runtime_error (`path` cannot be written)
bool fetch_index_file(const std::string& store_uri, const index_fingerprint& fingerprint, const std::string& path,
                      std::string& why_not);

/// While held, no other replica of the store, on any machine, builds the index file through
/// load_snapshot: the first to take it builds and keeps the file, the others wait, then fetch.
/// A session advisory lock on a connection of its own, so it ends with the process however it ends.
class store_build_lock {
public:
    explicit store_build_lock(const std::string& store_uri);

private:
    Database connection_;
};

}  // namespace crimemap::data::detail
