#pragma once
// Everything the server answers tile requests from, loaded from the store once and
// shared read-only by every request.

#include "geo/crime_pyramid.hpp"
#include "geo/mapped_array.hpp"
#include "geo/polygon_index.hpp"
#include "geo/polygon_tiles.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <array>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::data {

struct category_info {
    std::string slug;  ///< API slug, e.g. violent-crime
    std::string name;  ///< the newest CSV label seen for it
};

struct neighbourhood_info {
    std::string force, id, name;
    nlohmann::json details;         ///< the /{force}/{id} object as imported (null when none)
    std::vector<geo::lonlat> outer;  ///< the boundary's first outer ring, for /boundary
};

struct force_info {
    std::string id, name;
    nlohmann::json details;  ///< the /forces/{id} object as imported
};

/// A force's street crimes: the newest month it published, and where its crimes lie.
struct force_street_data {
    std::string force;  ///< the files' <force>
    int last_month;     ///< YYYYMM of its newest street file
    geo::box bounds;    ///< WGS84 box of its crimes' locations; (0,0)-(0,0) when none has one
};

/// Months with data and, for each, the forces that published stop and search.
struct dataset_month {
    int month;  ///< YYYYMM
    std::vector<std::string> stop_and_search_forces;
};

struct scheme_info {
    std::string id, name, status;
    geo::multi_polygon area;  ///< WGS84; empty for a scheme drawn as a point
    geo::lonlat point;        ///< a point scheme's place; for an area, its box's centre
    std::string visibility;   ///< public or hidden
};

/// How a crime's Crime ID is kept (crime_record::pid_kind).
namespace crime_id_kind {
inline constexpr std::uint8_t none = 0;    ///< the crime has no Crime ID
inline constexpr std::uint8_t packed = 1;  ///< 64 hex digits, packed into crime_pids
inline constexpr std::uint8_t text = 2;    ///< any other text, in other_pids
}  // namespace crime_id_kind

/// One crime with a location, as the API shows it.
struct crime_record {
    std::int64_t id = 0;             ///< crimes.id: the API's "id"
    std::uint16_t month = 0;         ///< index into map_snapshot::months
    std::uint8_t category = 0;       ///< index into map_snapshot::categories
    std::uint8_t pid_kind = crime_id_kind::none;  ///< a crime_id_kind
    std::uint16_t outcome = 0;       ///< index into map_snapshot::outcome_labels; 0: none
    /// Month of the crime's latest outcomes-file row as months since 1900-01 plus one
    /// (month_number); 0: none imported. Set at load, so answers need no lookup per crime.
    std::uint16_t outcome_month = 0;
};

/// A stop and search with a location: enough to find it by month and place; the rest of
/// its row is read from the store when it is shown.
struct stop_entry {
    std::int64_t row = 0;          ///< stops.id
    std::int64_t location_id = 0;  ///< the map location it is shown at (a crime location's when at the same point)
    geo::lonlat where;
    std::int32_t month = 0;        ///< YYYYMM of its file
};

/// Strings by index: string i is chars[ends[i - 1] .. ends[i]) (from 0 for the first).
struct text_table {
    geo::mapped_array<std::uint64_t> ends;
    geo::mapped_array<char> chars;
    [[nodiscard]] std::size_t size() const { return ends.size(); }
    [[nodiscard]] std::string_view operator[](std::size_t i) const {
        std::uint64_t begin = i == 0 ? 0 : ends[i - 1];
        return {chars.data() + begin, static_cast<std::size_t>(ends[i] - begin)};
    }
};

/// Appends strings to a text_table; add() returns the index.
class text_table_builder {
public:
    std::uint32_t add(std::string_view text);
    [[nodiscard]] std::size_t size() const { return ends_.size(); }
    text_table finish();

private:
    std::vector<std::uint64_t> ends_;
    std::vector<char> chars_;
};

/// A place the search box finds: a town, a neighbourhood or a street.
struct place {
    enum class kind : std::uint8_t { town, neighbourhood, street };
    kind type = kind::street;
    std::string_view name;   ///< what is matched, lower case
    std::string_view label;  ///< what is shown, e.g. "Christow Street, Leicester"
    geo::lonlat where;
    std::int32_t neighbourhood = -1;  ///< index into map_snapshot::neighbourhoods, -1: none
    std::uint32_t crimes = 0;         ///< how many crimes it holds: busier places rank first
};
/// A place as the index file holds it: name and label are indexes into map_snapshot::texts.
struct place_row {
    geo::lonlat where;
    std::uint32_t name = 0, label = 0;
    std::int32_t neighbourhood = -1;
    std::uint32_t crimes = 0;
    place::kind type = place::kind::street;
};

/// A crime published without a location ("No Location"), as crimes-no-location shows it.
struct unlocated_crime {
    crime_record record;
    std::string_view force;  ///< the force whose file it came from
    std::string_view persistent_id, context;
};
/// The same as the index file holds it: force, persistent_id and context index map_snapshot::texts.
struct unlocated_row {
    crime_record record;
    std::uint32_t force = 0, persistent_id = 0, context = 0;
};

/// A text of one crime of crimes_by_location: an index into map_snapshot::texts.
struct crime_text {
    std::uint32_t crime = 0, text = 0;
};

struct map_snapshot {
    std::int64_t data_version = 0;
    std::int64_t import_version = 0;  ///< the store's at load (announce_import): a replica reloads when it moves
    std::vector<int> months;                 ///< YYYYMM ascending; a tally's month is an index here
    std::vector<category_info> categories;   ///< by slug; a tally's category is an index here
    std::vector<std::uint64_t> categories_by_month;  ///< per month index: bits of the categories with crimes
    std::uint64_t crimes = 0;                ///< crimes with a location (the map's)
    std::uint64_t crimes_without_location = 0;
    /// Strings of the crimes without a location, other Crime IDs, contexts and places.
    text_table texts;
    geo::mapped_array<unlocated_row> unlocated_rows;  ///< by force, month, id
    std::vector<unlocated_crime> unlocated;           ///< the same, with their texts

    geo::crime_pyramid crime_tiles;
    geo::mapped_array<std::int64_t> location_ids;       ///< store location id by pyramid location index
    geo::mapped_array<std::uint32_t> location_streets;  ///< index into streets
    text_table streets;
    geo::box bounds{geo::lonlat(0, 0), geo::lonlat(0, 0)};  ///< of the crime locations, WGS84
    geo::mapped_array<geo::lonlat> location_positions;  ///< as published, by pyramid location index
    geo::mapped_array<std::int32_t> location_index_by_id;  ///< store location id → pyramid location index, -1: none

    /// Crimes grouped by pyramid location index, then by month: location i's are
    /// crimes[crime_first[i] .. crime_first[i + 1]).
    geo::mapped_array<crime_record> crimes_by_location;
    geo::mapped_array<std::uint32_t> crime_first;
    /// Binary Crime IDs, parallel to crimes_by_location, while built (and for a snapshot in
    /// memory). From a mapped file they are read with pread() instead (pid_fd): 32 bytes a crime
    /// that only answers showing them need, so they stay in the page cache, not in the server's
    /// memory. Read them through crime_pid() and crime_pids_of().
    geo::mapped_array<std::array<std::uint8_t, 32>> crime_pids;
    int pid_fd = -1;               ///< the index file (owned by `mapping`), or -1
    std::uint64_t pid_offset = 0;  ///< where its crime_pids section starts
    /// The binary Crime ID of crimes_by_location[index] (meaningful when its pid_kind is crime_id_kind::packed).
    [[nodiscard]] std::array<std::uint8_t, 32> crime_pid(std::uint32_t index) const;
    /// Those of many crimes, in one read per run of neighbouring ones: out[i] is indexes[i]'s.
    [[nodiscard]] std::vector<std::array<std::uint8_t, 32>> crime_pids_of(const std::vector<std::uint32_t>& indexes) const;
    geo::mapped_array<crime_text> other_pids;  ///< Crime IDs that are not 64 hex digits, by crime index
    geo::mapped_array<crime_text> contexts;    ///< non-empty Context by crime index
    std::vector<std::string> outcome_labels;                    ///< [0] is "" (no outcome)
    std::vector<std::uint8_t> outcome_label_groups;             ///< outcome group of each label
    /// Every outcomes-file row with a Crime ID, as parallel arrays sorted by Crime ID key
    /// (crime_id_key), then month: the key, the month (as month_number) and the outcome label index.
    geo::mapped_array<std::uint64_t> outcome_keys;
    geo::mapped_array<std::uint16_t> outcome_months;
    geo::mapped_array<std::uint16_t> outcome_types;
    /// Outcome row indexes of the rows with a location, by month then locations.id;
    /// outcome_place_locations holds the locations.id of each, in the same order.
    geo::mapped_array<std::uint32_t> outcomes_by_place;
    geo::mapped_array<std::uint32_t> outcome_place_locations;
    /// Indexes into crimes_by_location of the crimes with a 64-hex-digit Crime ID, by Crime ID.
    geo::mapped_array<std::uint32_t> crimes_by_pid;

    /// The Crime ID of a crime with pid_kind crime_id_kind::text; the Context of a crime ("" when none).
    [[nodiscard]] std::string_view other_pid(std::uint32_t index) const;
    [[nodiscard]] std::string_view context(std::uint32_t index) const;

    /// The outcomes-file rows of a Crime ID: [first, last) into the outcome arrays.
    [[nodiscard]] std::pair<std::size_t, std::size_t> outcomes_of(std::string_view crime_id) const;
    /// Index into crimes_by_location of the crime with this Crime ID; nullopt when none has it.
    [[nodiscard]] std::optional<std::uint32_t> find_crime(std::string_view crime_id) const;
    /// The crime whose Crime ID has this key (crime_id_key); nullopt when none has it.
    [[nodiscard]] std::optional<std::uint32_t> crime_with_key(std::uint64_t key) const;
    /// The pyramid location index of crimes_by_location[index].
    [[nodiscard]] std::uint32_t location_of_crime(std::uint32_t index) const;

    /// YYYYMM of the latest outcome of crimes_by_location[index]; 0 when none was imported.
    [[nodiscard]] std::int32_t outcome_month(std::uint32_t index) const;
    /// The same for a Crime ID given as text.
    [[nodiscard]] std::int32_t outcome_month_of(std::string_view crime_id) const;

    std::vector<force_info> forces;              ///< by id
    std::vector<dataset_month> dataset_months;   ///< newest first, as crimes-street-dates lists them
    int last_updated = 0;                        ///< YYYYMM of the newest street file
    /// Every force with street files, by force; forces publish at different times, so a
    /// force's last_month may be before last_updated (the API's default month).
    std::vector<force_street_data> street_forces;

    std::vector<neighbourhood_info> neighbourhoods;  ///< by force, then id; with or without a boundary
    geo::polygon_tiles neighbourhood_tiles;  ///< ids index neighbourhoods
    geo::polygon_index neighbourhood_index;  ///< ids index neighbourhoods; point → neighbourhood

    geo::mapped_array<std::int32_t> location_neighbourhood;  ///< by pyramid location index; -1: outside every boundary
    /// Pyramid location indexes by neighbourhood: neighbourhood n's are
    /// neighbourhood_locations[neighbourhood_location_first[n] .. neighbourhood_location_first[n + 1]).
    geo::mapped_array<std::uint32_t> neighbourhood_location_first, neighbourhood_locations;
    geo::mapped_array<std::uint32_t> neighbourhood_month_crimes;  ///< [n * months.size() + month index]
    std::vector<std::int64_t> neighbourhood_population;     ///< residents as published; -1: not published

    geo::mapped_array<stop_entry> stops;  ///< stops with a location, by month, then location id, then row

    geo::mapped_array<place_row> place_rows;  ///< towns, neighbourhoods and streets for search, by name
    std::vector<place> places;                ///< the same, with their texts

    std::vector<scheme_info> schemes;
    geo::polygon_tiles scheme_areas;             ///< ids index scheme_area_owner
    std::vector<std::uint32_t> scheme_area_owner;   ///< scheme index by area id
    std::vector<std::pair<geo::world_point, std::uint32_t>> scheme_points;  ///< point schemes
    /// Every scheme's WGS84 box, for "which schemes cover or are near this point".
    boost::geometry::index::rtree<std::pair<geo::box, std::uint32_t>, boost::geometry::index::rstar<16>> scheme_index;

    double load_seconds = 0;
    /// The index file the arrays are viewed in (kept mapped while the snapshot lives); null
    /// when they are owned.
    std::shared_ptr<const void> mapping;
    std::uint64_t mapped_bytes = 0;  ///< the index file's size when mapped
    /// How this snapshot was made: "mapped FILE", or why the file was (re)built.
    std::string origin;
};

struct snapshot_options {
    /// Where the index file goes; empty: the store's path + ".index".
    std::string index_path;
    /// When the index file must be (re)built, build it in a child process running
    /// `EXECUTABLE index --db STORE` rather than in this one (serve's reloads use it, so a
    /// reload never holds a build's temporary arrays beside the served ones). Empty: here.
    std::string builder_executable;
};

/// The index file's path for a store.
std::string index_file_path(const std::string& store_path, const snapshot_options& options = {});

/// Maps the store's index file when it is of the store's map version and intact; for a store in
/// PostgreSQL, else fetches the copy of it the store keeps (data/snapshot/stored_index.hpp);
/// otherwise builds it from the store (linear in crimes plus O(n log n) sorting), writes it beside the
/// store and maps that. A file that cannot be written leaves the snapshot in memory.
/// Throws std::runtime_error or sqlite_error when the store cannot be read.
std::shared_ptr<const map_snapshot> load_snapshot(const std::string& store_path, const snapshot_options& options = {});

struct built_index_file {
    std::string path;
    /// For a store in PostgreSQL, what became of the copy kept in it for replicas on other
    /// machines (data/snapshot/stored_index.hpp), as a sentence; empty for SQLite.
    std::string kept;
};

/// Builds the index file of the store (what `crimemap index` runs), and keeps a copy of it in a
/// store in PostgreSQL.
built_index_file build_index_file(const std::string& store_path, const snapshot_options& options = {});

}  // namespace crimemap::data
