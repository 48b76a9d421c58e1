#pragma once
// The files a run writes besides the monthly ones (monthly_files.hpp), each from the file of
// what it holds; the layouts are those of docs/data-formats.md.

#include "generator/months.hpp"
#include "generator/world.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace crimemap::generator {

class output_folder;

/// boundaries/<force>/<neighbourhood>.kml (boundaries.cpp): one Placemark, one Polygon, WGS84
/// lon,lat. Returns how many neighbourhoods it wrote.
std::uint64_t write_boundaries(const std::vector<force_world>& worlds, output_folder& out);

/// forces.json and neighbourhoods/<force>/<neighbourhood>.json (details.cpp): API-shaped JSON
/// with invented officers, priorities and events (these from stream::details), the events in the
/// month after `last_month`.
void write_details(const std::vector<force_world>& worlds, std::uint64_t seed, const month_stamp& last_month,
                   output_folder& out);

/// support/<force>.json (details.cpp): victim support services for each force's area.
void write_support_services(const std::vector<force_world>& worlds, output_folder& out);

/// watch/schemes.geojson (watch_schemes.cpp); returns how many schemes it holds.
std::uint64_t write_watch_schemes(const std::vector<force_world>& worlds, std::uint64_t seed, output_folder& out);

/// postcodes/postcodes.csv (postcodes.cpp), British National Grid metres; returns how many
/// postcodes it holds.
std::uint64_t write_postcodes(const std::vector<force_world>& worlds, output_folder& output);

/// The invented towns and streets as OpenStreetMap XML (osm.cpp): see generate_options::osm.
void write_osm(const std::vector<force_world>& worlds, std::uint64_t seed, const std::filesystem::path& path);

}  // namespace crimemap::generator
