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

/// What the command line says of the files it names directly (`--kind`, `--force`, `--month`).
struct named_files {
    std::optional<source_kind> kind;
    std::string force;  ///< for a monthly file whose name does not say; "" to read it from the rows
    int month = 0;      ///< YYYYMM, likewise; 0 to read it from the rows
};

/// Expands PATHs (files, folders searched recursively, .zip archives) and recognises
/// each file by its name. `named` applies to files named directly on the command line: a
/// monthly file of another name takes its force and month from `named` or, where that says
/// nothing, from its first row (`Month`, and `Falls within` for a known force's name).
/// Throws std::runtime_error naming a PATH that does not exist, a file named directly
/// that matches no layout, or a monthly file whose force or month cannot be told.
discovery discover_sources(const std::vector<std::string>& paths, const named_files& named);
inline discovery discover_sources(const std::vector<std::string>& paths, std::optional<source_kind> kind) {
    return discover_sources(paths, named_files{kind, {}, 0});
}

/// Recognises one file by its path; nullopt when no layout matches.
std::optional<import_source> recognise(const std::string& vsi_path, const std::string& display_path);

}  // namespace crimemap::data
