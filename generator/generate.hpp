#pragma once
// Synthetic data.police.uk-shaped data for the demo, tests and benchmarks.

#include <cstdint>
#include <filesystem>
#include <iosfwd>

namespace crimemap::generator {

struct generate_options {
    std::filesystem::path out;   ///< folder to write into (created when absent)
    std::uint64_t rows = 200000; ///< street crimes in all, spread over forces and months
    int months = 12;             ///< months ending at last_month
    std::uint64_t seed = 1;      ///< same seed and options give byte-identical files
    int last_month = 202409;     ///< YYYYMM of the newest month
    /// When not empty, also writes the invented geography here as OpenStreetMap XML (see generate).
    std::filesystem::path osm;
};

struct generate_summary {
    std::uint64_t street_rows = 0;
    std::uint64_t outcome_rows = 0;
    std::uint64_t stop_rows = 0;
    std::uint64_t neighbourhoods = 0;
    std::uint64_t schemes = 0;
    std::uint64_t postcodes = 0;
    std::uint64_t files = 0;
};

/// Writes the layout `crimemap import` reads (see docs/data-formats.md). Progress goes to `log`.
///
/// The invented world grows with the crimes a month (rows / months): it holds about two map
/// points per crime a month, as data.police.uk does (about 500,000 crimes a month on a million
/// points), and never fewer than 36,000 nor more than 4,000,000; five forces always, another for
/// each further 23,500 points up to 43, and beyond that bigger places. Up to 18,000 crimes a month the world, and so
/// the --osm file, depends on the seed alone.
///
/// Under `options.out`, for each invented force over English countryside:
///   YYYY-MM/YYYY-MM-<force>-street.csv, -outcomes.csv, -stop-and-search.csv (data.police.uk
///     bulk layouts, LF line endings, no field ever needs quoting)
///   boundaries/<force>/<neighbourhood>.kml   one Placemark, one Polygon, WGS84 lon,lat
///   neighbourhoods/<force>/<neighbourhood>.json, forces.json   API-shaped JSON
///   support/<force>.json   victim support services, as an operator publishes them
///   watch/schemes.geojson, postcodes/postcodes.csv (British National Grid metres)
///
/// With `options.osm`, that file gets the same geography as OpenStreetMap XML (OSM API 0.6), for
/// a demo basemap (tilemaker): each street a way along its line whose nodes include its map
/// points at the crime files' very coordinates, named as their "On or near" text, tagged
/// highway=primary (main roads out of towns), secondary (village main roads, ring roads),
/// tertiary (High Streets), residential (side streets) or unclassified (country lanes); a
/// primary road from each place to the nearest one before it; a place node (city, town,
/// village) per place; and scenery from a random stream of its own (the other files do not
/// change with it): a named river across each force's area, two lakes, parks and woods clear of
/// the map points, and 3,000 buildings along the town streets with the most crime a metre
/// (docs/basemap.md); ids from 1.
///
/// Exactly `options.rows` street rows are written in all. Memory stays bounded: crimes stream
/// out month by month and only the outcomes still due are held (a few months of crimes at most).
/// Files already in the folder with other names are left alone; same-named ones are replaced.
///
/// @pre last_month is a valid YYYYMM; 1 <= months <= 1200; rows <= 2^36
/// @throws std::invalid_argument when a precondition does not hold (nothing is written)
/// @throws std::runtime_error (or std::filesystem::filesystem_error) when a file or folder
///         cannot be written
generate_summary generate(const generate_options& options, std::ostream& log);

}  // namespace crimemap::generator
