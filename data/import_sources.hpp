#pragma once
// Finding and recognising the files an import names: CSV files, folders, .zip
// archives (read in place through /vsizip/) and gzip files (/vsigzip/).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::data {

enum class source_kind {
    street,           ///< YYYY-MM-<force>-street.csv
    outcomes,         ///< YYYY-MM-<force>-outcomes.csv
    stop_and_search,  ///< YYYY-MM-<force>-stop-and-search.csv
    boundary,         ///< <force>/<id>.kml, or GeoJSON/GeoPackage/Shapefile with force and id fields
    forces,           ///< forces.json: an array of /forces/{id} objects
    neighbourhood,    ///< neighbourhoods/<force>/<id>.json: a /{force}/{id} object
    watch,            ///< watch/*.geojson: Neighbourhood Watch schemes
    postcodes,        ///< CSV with postcode, eastings, northings (header or Code-Point Open layout)
    support,          ///< support/<force>.json: the victim support services for a force's area
};

std::string_view to_string(source_kind kind);
/// Parses a --kind value; nullopt when unknown.
std::optional<source_kind> parse_source_kind(std::string_view text);

struct import_source {
    source_kind kind;
    std::string vsi_path;      ///< what GDAL opens, e.g. /vsizip//data/x.zip/2014-09/...csv
    std::string display_path;  ///< what messages show, e.g. /data/x.zip/2014-09/...csv
    std::string force;         ///< from the file name or folder, when the layout names one
    std::string neighbourhood; ///< for <force>/<id>.kml and neighbourhoods/<force>/<id>.json
    int month = 0;             ///< YYYYMM for the monthly CSV files
    std::uint64_t size = 0;    ///< bytes, for progress
};

struct discovery {
    std::vector<import_source> sources;  ///< in import order: forces, boundaries, details, watch, postcodes, CSVs by month
    std::vector<std::string> unrecognised; ///< files inside folders or archives that match no layout
};

/// Expands PATHs (files, folders searched recursively, .zip archives) and recognises
/// each file by its name. `forced` applies to files named directly on the command line.
/// Throws std::runtime_error naming a PATH that does not exist, or a file named directly
/// that matches no layout.
discovery discover_sources(const std::vector<std::string>& paths, std::optional<source_kind> forced);

/// Recognises one file by its path; nullopt when no layout matches.
std::optional<import_source> recognise(const std::string& vsi_path, const std::string& display_path);

}  // namespace crimemap::data
