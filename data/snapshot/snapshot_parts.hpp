#pragma once
// Parts of load_snapshot: the build from the store (snapshot_build.cpp), what it shares with
// the snapshot's lookups (map_snapshot.cpp), and the API's secondary indexes (snapshot_parts.cpp):
// Crime IDs, neighbourhood tallies, stop and search positions and the search box's places.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/sqlite.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crimemap::data::detail {

/// Every array, built from the store in the caller's read transaction on `db` (which must be
/// open on `store_path`), owned rather than mapped. Minutes at national size; three tasks run
/// beside the calling thread, each on members no other touches meanwhile (snapshot_build.cpp).
std::shared_ptr<map_snapshot> build_snapshot(const std::string& store_path, Database& db);

/// Neighbourhoods (with their boundaries' tiles and index), forces, the months of data and the
/// Watch schemes: small, and edited through the app, so read from the store at every load.
/// Returns neighbourhoods.key → index into snapshot.neighbourhoods.
std::unordered_map<std::int64_t, std::int32_t> load_store_parts(Database& db, map_snapshot& snapshot);

/// A Crime ID's first 8 bytes as a number: outcomes and crimes are matched by it (the IDs are
/// SHA-256 digests, so these are uniform).
std::uint64_t leading_key(const std::array<std::uint8_t, 32>& bytes);
/// The key of a Crime ID's text: leading_key of its bytes, or a string hash for other IDs.
std::uint64_t crime_id_key(std::string_view text);
/// The latest outcome month (YYYYMM) of the crime of this key; 0 when none.
std::int32_t latest_month(const map_snapshot& s, std::uint64_t key);

/// Fills crimes_by_pid from crimes_by_location and crime_pids.
void index_crime_ids(map_snapshot& snapshot);

/// Outcome rows by month and location: row indexes and their locations.id, from each row's
/// month (month_number) and locations.id (-1: none).
void index_outcome_places(const std::vector<std::uint16_t>& months, const std::vector<std::int64_t>& row_locations,
                          std::vector<std::uint32_t>& by_place, std::vector<std::uint32_t>& place_locations);

/// Fills neighbourhood_location_first/_locations and neighbourhood_month_crimes. Needs
/// location_neighbourhood, crimes_by_location and neighbourhoods.
void tally_neighbourhoods(map_snapshot& snapshot);

/// Fills neighbourhood_population from the neighbourhoods' details.
void read_populations(map_snapshot& snapshot);

/// Fills stops: every stop with a location, shown at the crime location at the same point when
/// there is one.
void load_stop_entries(Database& db, map_snapshot& snapshot);

/// Fills place_rows, their texts added to `texts`: towns (from LSOA names, "Colchester 012B" → Colchester), neighbourhoods and
/// streets. `location_lsoa` holds the lsoas.id of each pyramid location's first crime, -1: none.
void build_places(Database& db, map_snapshot& snapshot, const std::vector<std::int64_t>& location_lsoa,
                  text_table_builder& texts);

}  // namespace crimemap::data::detail
