#pragma once
// Parts of load_snapshot that build the API's secondary indexes: Crime IDs, neighbourhood
// tallies, stop and search positions and the search box's places.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/sqlite.hpp"

#include <cstdint>
#include <vector>

namespace crimemap::data::detail {

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
