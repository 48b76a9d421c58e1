#pragma once
// What the /api/ methods share: the call they answer, parameter parsing with errors that
// name the parameter, areas (a 1-mile circle or a polygon) and the API's crime shape.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/store_readers.hpp"
#include "geo/prepared_polygon.hpp"
#include "server/http/http.hpp"
#include "server/http/query_string.hpp"
#include "server/http/request_parsers.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::server::api {

using json = nlohmann::ordered_json;

inline constexpr int max_age = 300;
inline constexpr std::size_t max_results = 10000;  ///< more in one answer: 503, as data.police.uk
inline constexpr double earth_radius_m = 6371008.8;  ///< mean radius: distances are on this sphere
inline constexpr double one_mile_m = 1609.344;

/// One /api/ request.
struct call {
    const request& req;
    std::string_view path;                 ///< "/api/..."
    std::vector<std::string_view> parts;   ///< path segments after "/api/"
    const query_parameters& query;
    const data::map_snapshot& snapshot;
    data::store_readers& store;

    /// What shapes the answer (path and parameters), for its ETag.
    [[nodiscard]] std::string identity() const;
    /// A cacheable JSON answer.
    [[nodiscard]] response reply(const json& body) const;
    /// A JSON answer read from the store, whose ETag uses the store's data version then.
    [[nodiscard]] response reply_live(const json& body, std::int64_t data_version) const;
    /// The same for JSON text already written.
    [[nodiscard]] response reply_text(std::string body) const;
};

/// ?date=YYYY-MM as YYYYMM; the latest month when absent or empty; 400 naming it when malformed.
int date_parameter(const call& c);
/// ?from=YYYY-MM&to=YYYY-MM as YYYYMM, each the latest month when absent or empty; 400 naming
/// the parameter when one is malformed or `to` is before `from`.
std::pair<int, int> month_range_parameters(const call& c);
/// Index of a YYYYMM month in snapshot.months; nullopt when the store has none of it.
std::optional<std::uint16_t> month_index(const data::map_snapshot& s, int yyyymm);
/// A category slug's index; nullopt for all-crime and unknown slugs (which mean all crime).
std::optional<std::uint8_t> category_index(const data::map_snapshot& s, std::string_view slug);

/// lat and lng parameters; 400 naming the bad one. `alternative` names what else may be given
/// (empty: nothing else).
std::pair<double, double> lat_lng_parameters(const call& c, std::string_view alternative);

/// Great-circle distance in metres on the mean-radius sphere (haversine).
double distance_m(double lat1, double lng1, double lat2, double lng2);

/// The area a street-level query covers: poly=lat,lng:... or 1 mile around lat/lng.
class area {
public:
    /// Parses poly, else lat and lng; 400 naming the bad parameter.
    explicit area(const call& c);
    /// Inside the polygon or on its boundary (as boost::geometry::covered_by, through the
    /// prepared polygon: the cost of the few edges near `p`), or at most one mile away.
    [[nodiscard]] bool contains(const geo::lonlat& p) const;
    /// The pyramid locations inside: each one covered_by the polygon, or at most one mile away.
    [[nodiscard]] std::vector<std::uint32_t> locations(const data::map_snapshot& s) const;
    /// crimes_in_month(s, locations(s), date, category), visiting only the locations with a
    /// crime of that month (and category) and stopping at the 503: its cost follows the
    /// crimes asked for, not the map locations in the area.
    [[nodiscard]] std::vector<std::pair<std::uint32_t, std::uint32_t>> crimes_in_month(
        const data::map_snapshot& s, int date, std::optional<std::uint8_t> category) const;
    [[nodiscard]] geo::box bounds() const { return bounds_; }
    [[nodiscard]] bool is_polygon() const { return !polygon_.outer().empty(); }
    [[nodiscard]] const geo::polygon& polygon() const { return polygon_; }
    [[nodiscard]] double lat() const { return lat_; }
    [[nodiscard]] double lng() const { return lng_; }

private:
    geo::polygon polygon_;
    std::optional<geo::prepared_polygon> prepared_;
    double lat_ = 0, lng_ = 0;
    geo::box bounds_{geo::lonlat(0, 0), geo::lonlat(0, 0)};
};

/// The pyramid location named by location_id, or nearest lat/lng; 400/404 as the API.
std::uint32_t location_parameter(const call& c);

/// Coordinates as the API writes them: strings, six decimals.
std::string six_decimals(double value);
/// crimes_by_location[index]'s Crime ID as published ("" for none).
std::string crime_id_text(const data::map_snapshot& s, std::uint32_t index);

/// The API's location object for a pyramid location.
json location_json(const data::map_snapshot& s, std::uint32_t location);
/// One crime on the map in the API's shape (api-examples/crime.json).
json crime_json(const data::map_snapshot& s, std::uint32_t location, std::uint32_t index);
/// The crimes (location, crime index) as a JSON array of crime_json objects, written from
/// fragments: each location's object and each label are serialised once per answer, not per
/// crime. The same text crime_json would give, at a fraction of the cost for big answers.
std::string crimes_json_text(const data::map_snapshot& s, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& crimes);
/// A crime without a location, in the same shape with null location.
json unlocated_json(const data::map_snapshot& s, const data::unlocated_crime& u);

/// The crimes of one month (and category, if given) at the locations, ordered by id;
/// 503 past max_results. Pairs of (location, crime index).
std::vector<std::pair<std::uint32_t, std::uint32_t>> crimes_in_month(const data::map_snapshot& s,
                                                                     const std::vector<std::uint32_t>& locations,
                                                                     int date, std::optional<std::uint8_t> category);

/// The same over the months from `first` to `last` (YYYYMM, inclusive), ordered by id.
std::vector<std::pair<std::uint32_t, std::uint32_t>> crimes_in_months(const data::map_snapshot& s,
                                                                      const std::vector<std::uint32_t>& locations,
                                                                      int first, int last,
                                                                      std::optional<std::uint8_t> category);

/// 404 naming the force unless it is known (forces.json, neighbourhoods or files).
void require_force(const data::map_snapshot& s, std::string_view force);
bool force_known(const data::map_snapshot& s, std::string_view force);
const data::force_info* find_force(const data::map_snapshot& s, std::string_view id);
/// Index into snapshot.neighbourhoods; 404 naming the force or the neighbourhood.
std::size_t find_neighbourhood(const data::map_snapshot& s, std::string_view force, std::string_view id);

/// Text cut to `n` bytes for an error message.
std::string clip(std::string_view text, std::size_t n = 60);

}  // namespace crimemap::server::api
