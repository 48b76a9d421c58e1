#pragma once
// Importers for the smaller inputs: boundaries, API JSON, Watch schemes, postcodes.
// Each writes one file in one transaction and returns what it did; a file that
// cannot be read at all throws input_error and writes nothing. With `strict`, a
// malformed entry rejects the whole file the same way.

#include "data/import/import.hpp"
#include "data/store/sqlite.hpp"

namespace crimemap::data::detail {

/// Neighbourhood boundaries: <force>/<id>.kml, or a vector file whose features carry
/// `id` (or `neighbourhood`) and optionally `force` and `name` fields. Any CRS GDAL
/// knows is converted to WGS84.
file_result import_boundaries(Database& db, const import_source& source, import_observer& observer, bool strict);

/// forces.json: an array of /forces/{id} objects.
file_result import_forces(Database& db, const import_source& source);

/// neighbourhoods/<force>/<id>.json: a /{force}/{id} object, optionally with
/// `people`, `priorities` and `events`.
file_result import_neighbourhood_details(Database& db, const import_source& source);
/// support/<force>.json: an array of {"name", "helps", "telephone", "web"} for the force's area.
file_result import_support_services(Database& db, const import_source& source);

/// Watch schemes: a GeoJSON FeatureCollection, one polygon or point feature per scheme.
file_result import_watch_schemes(Database& db, const import_source& source, import_observer& observer, bool strict);

/// Postcodes: CSV with postcode, eastings and northings columns, or Code-Point Open's
/// headerless layout; EPSG:27700 converted to WGS84.
file_result import_postcodes(Database& db, const import_source& source, import_observer& observer, bool strict);

/// Reads a whole (small) file through GDAL's virtual file systems.
std::string read_whole_file(const import_source& source);

}  // namespace crimemap::data::detail
