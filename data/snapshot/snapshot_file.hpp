#pragma once
// The index file: every large array of a map_snapshot, written once and mapped by each
// serve (and each reload) instead of being rebuilt from the store.
//
// Layout (little-endian, as the machine that wrote it; a file from a machine of another byte
// order or word size fails the format check and is rebuilt):
//   header (64 bytes): magic "CRMAPIDX", format, section count, file size, CRC-32 of every
//     byte after the header;
//   section table: one 64-byte entry a section (name, offset, element count, element size);
//   sections, each at a 64-byte boundary: "meta" (JSON: the store fingerprint it was built
//     from and the snapshot's small members), then one per array.
// A file is trusted only when its fingerprint equals the store's and its CRC matches.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/sqlite.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace crimemap::data::detail {

/// What the indexes are a function of: the store's map version, and the highest row ids of the
/// tables they read (so a store changed by a build that predates map_version is not trusted).
struct index_fingerprint {
    std::int64_t map_version = 0;
    std::int64_t crimes = 0, outcomes = 0, stops = 0, locations = 0, files = 0, neighbourhoods = 0;
    friend bool operator==(const index_fingerprint&, const index_fingerprint&) = default;
};

/// Read in the caller's transaction.
index_fingerprint read_fingerprint(Database& db);

/// What a file of this build, built from data of `fingerprint`, is known by where it is kept
/// outside the machine (data/snapshot/stored_index.hpp): the format and the fingerprint.
std::string index_file_key(const index_fingerprint& fingerprint);

/// Writes the snapshot's arrays to `path` (through a temporary file renamed into place, after
/// fsync). @throws std::runtime_error naming the path when it cannot be written
void write_index_file(const std::string& path, const map_snapshot& snapshot, const index_fingerprint& fingerprint);

/// Maps `path` and fills a snapshot whose arrays view it. Returns null and sets `why_not`
/// (a sentence naming the file) when there is no file, it is of another fingerprint, or it is
/// damaged (size, format, CRC or arrays that do not fit together).
std::shared_ptr<map_snapshot> map_index_file(const std::string& path, const index_fingerprint& fingerprint,
                                             std::string& why_not);

}  // namespace crimemap::data::detail
