#include "generator/generate.hpp"
#include "generator/british_national_grid.hpp"
#include "generator/text_file.hpp"

#include "data/categories.hpp"
#include "data/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

// How the synthetic world is made, in brief:
//  * Invented police forces sit over real English countryside: five always, and more (up to the
//    43 data.police.uk publishes for) as the run's crimes a month grow, since the world holds
//    about two map points per crime a month, as data.police.uk does (world_scale_of). Each force
//    has a city, towns and villages, whose people grow with the world too.
//  * Each place has a street network: main roads radiating from its centre, a High Street, ring
//    roads round cities and larger towns, and side streets branching off those and off each
//    other, bending a little and ending at junctions (the shortest are closes). Lanes wander
//    through the countryside between. Map points lie on the streets' lines, every few tens of
//    metres, named after their street ("On or near <street>"), as data.police.uk's anonymised
//    points are; the --osm file draws each street as a way through its points. Town centres also
//    carry the named hot spots the real data is full of ("On or near Supermarket"), on their
//    main roads.
//  * Every map point gets a weight (long-tailed, falling away from its place's centre; the hot
//    spots share an eighth of a town's crime) and crimes are drawn from those weights, so the
//    same points repeat month after month: most see a few crimes, the busiest thousands.
//  * Neighbourhoods are the cells of a jittered grid over the force; cells share their vertices
//    and edges exactly, so they tile the force without gaps. Map points closer than a few
//    micro-degrees to any boundary are moved along their street, so each lies in exactly one
//    neighbourhood.
//  * Crimes stream out month by month; only outcomes still to come are held in memory.
//
// Determinism: every draw comes from std::mt19937_64 (whose output the standard fixes) through
// the helpers below, never through std::uniform_*_distribution (whose algorithms differ between
// standard libraries). Geometry uses + - * / and std::sqrt only, which IEEE 754 rounds exactly,
// provided the compiler does not fuse multiply-adds (true by default on x86-64; elsewhere build
// with -ffp-contract=off for output identical across machines). The single exception is the
// National Grid projection of postcodes, rounded to whole metres.

namespace crimemap::generator {

namespace {

using json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// Random numbers

/// The splitmix64 finaliser: a fast bijective 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// Independent streams, so that changing how one kind of output is drawn leaves the others alone.
enum class stream : std::uint64_t {
    geography = 1,
    street = 2,
    stops = 3,
    details = 4,
    schemes = 5,
    crime_ids = 6,
    basemap = 7,  ///< the OSM file's rivers, lakes, parks, woods and buildings (write_osm)
};

class random_source {
public:
    random_source(std::uint64_t seed, stream purpose, std::uint64_t a = 0, std::uint64_t b = 0)
        : engine_(derive(seed, purpose, a, b)) {}

    std::uint64_t next() { return engine_(); }

    /// Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform in [-1, 1).
    double centred() { return 2.0 * unit() - 1.0; }

    /// Uniform in [0, n). The modulo bias is below 2^-40 for every n used here. @pre n > 0
    std::uint64_t below(std::uint64_t n) { return next() % n; }

    /// Uniform in [low, high]. @pre low <= high
    int between(int low, int high) {
        return low + static_cast<int>(below(static_cast<std::uint64_t>(high - low) + 1));
    }

    bool chance(double probability) { return unit() < probability; }

    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

    /// A point uniform in the unit disc, by rejection (no trigonometry).
    std::pair<double, double> in_disc() {
        for (;;) {
            const double a = centred();
            const double b = centred();
            if (a * a + b * b <= 1.0) {
                return {a, b};
            }
        }
    }

private:
    static std::uint64_t derive(std::uint64_t seed, stream purpose, std::uint64_t a, std::uint64_t b) {
        std::uint64_t key = mix64(seed);
        key = mix64(key ^ static_cast<std::uint64_t>(purpose));
        key = mix64(key ^ a);
        return mix64(key ^ b);
    }

    std::mt19937_64 engine_;
};

/// Picks an index with probability proportional to integer weights (zero weights never win).
class weighted_choice {
public:
    weighted_choice(std::initializer_list<std::uint32_t> weights)
        : weighted_choice(std::vector<std::uint32_t>(weights)) {}

    explicit weighted_choice(const std::vector<std::uint32_t>& weights) {
        std::uint64_t sum = 0;
        for (const std::uint32_t weight : weights) {
            sum += weight;
            cumulative_.push_back(sum);
        }
        if (sum == 0) {
            throw std::logic_error("weighted_choice needs a positive weight");
        }
    }

    std::size_t pick(random_source& random) const {
        const std::uint64_t ticket = random.below(cumulative_.back());
        std::size_t index = 0;
        while (ticket >= cumulative_[index]) {  // a handful of entries: a scan beats a search
            ++index;
        }
        return index;
    }

private:
    std::vector<std::uint64_t> cumulative_;
};

struct weighted_label {
    std::string_view label;
    std::uint32_t weight;
};

/// A weighted choice between published labels.
class label_choice {
public:
    label_choice(std::initializer_list<weighted_label> items) : choice_(weights_of(items)) {
        for (const weighted_label& item : items) {
            labels_.push_back(item.label);
        }
    }

    std::string_view pick(random_source& random) const { return labels_[choice_.pick(random)]; }

private:
    static weighted_choice weights_of(std::initializer_list<weighted_label> items) {
        std::vector<std::uint32_t> weights;
        for (const weighted_label& item : items) {
            weights.push_back(item.weight);
        }
        return weighted_choice(weights);
    }

    weighted_choice choice_;
    std::vector<std::string_view> labels_;
};

/// Walker's alias method: O(1) weighted picks among thousands of map points, one draw each.
class alias_table {
public:
    alias_table() = default;

    /// @pre weights is non-empty, fewer than 2^32 entries, and sums to a positive value
    explicit alias_table(const std::vector<double>& weights) {
        const std::size_t n = weights.size();
        double sum = 0.0;
        for (const double weight : weights) {
            sum += weight;
        }
        std::vector<double> scaled(n);
        std::vector<std::uint32_t> small;
        std::vector<std::uint32_t> large;
        for (std::size_t i = 0; i < n; ++i) {
            scaled[i] = weights[i] * static_cast<double>(n) / sum;
            (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
        }
        threshold_.assign(n, full);
        alias_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            alias_[i] = static_cast<std::uint32_t>(i);
        }
        while (!small.empty() && !large.empty()) {
            const std::uint32_t low = small.back();
            small.pop_back();
            const std::uint32_t high = large.back();
            threshold_[low] = static_cast<std::uint64_t>(scaled[low] * 4294967296.0);
            alias_[low] = high;
            scaled[high] = (scaled[high] + scaled[low]) - 1.0;
            if (scaled[high] < 1.0) {
                large.pop_back();
                small.push_back(high);
            }
        }
    }

    /// Maps 64 random bits to an index: the high half chooses a column, the low half the side.
    std::uint32_t pick(std::uint64_t bits) const {
        const auto column = static_cast<std::uint32_t>(((bits >> 32) * alias_.size()) >> 32);
        return (bits & 0xffffffffULL) < threshold_[column] ? column : alias_[column];
    }

private:
    static constexpr std::uint64_t full = std::uint64_t{1} << 32;
    std::vector<std::uint64_t> threshold_;
    std::vector<std::uint32_t> alias_;
};

// ---------------------------------------------------------------------------------------------
// Coordinates

/// WGS84 longitude and latitude in micro-degrees: the six decimals data.police.uk publishes.
struct micro_point {
    std::int32_t lon = 0;
    std::int32_t lat = 0;
};

/// A closed ring: the first point is repeated at the end.
using ring = std::vector<micro_point>;

constexpr double pi = 3.14159265358979323846;

/// cos(x) by its Taylor series; exact to double precision for |x| <= pi/2 and free of libm,
/// so every platform derives the same metres-per-degree factor.
constexpr double series_cos(double x) {
    double term = 1.0;
    double sum = 1.0;
    for (int k = 1; k <= 14; ++k) {
        term *= -x * x / static_cast<double>((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

/// A flat frame in metres east and north of a force's south-west corner. Good to a fraction of
/// a per cent over 80 km, which is all invented geography needs.
class local_frame {
public:
    static constexpr double metres_per_degree_latitude = 111200.0;

    local_frame(double west, double south, double mid_latitude)
        : west_(west),
          south_(south),
          metres_per_degree_longitude_(metres_per_degree_latitude *
                                       series_cos(mid_latitude * pi / 180.0)) {}

    micro_point to_micro(double x, double y) const {
        return {static_cast<std::int32_t>(std::llround((west_ + x / metres_per_degree_longitude_) * 1e6)),
                static_cast<std::int32_t>(std::llround((south_ + y / metres_per_degree_latitude) * 1e6))};
    }

    double width_of(double east) const { return (east - west_) * metres_per_degree_longitude_; }
    double height_of(double north) const { return (north - south_) * metres_per_degree_latitude; }

private:
    double west_;
    double south_;
    double metres_per_degree_longitude_;
};

/// Writes decimal degrees with exactly six decimals ("-0.111497"), as the published files do.
char* write_degrees(char* out, std::int32_t micro) {
    std::uint32_t magnitude = 0;
    if (micro < 0) {
        *out++ = '-';
        magnitude = static_cast<std::uint32_t>(-static_cast<std::int64_t>(micro));
    } else {
        magnitude = static_cast<std::uint32_t>(micro);
    }
    out = std::to_chars(out, out + 4, magnitude / 1000000).ptr;
    *out++ = '.';
    std::uint32_t fraction = magnitude % 1000000;
    for (int digit = 5; digit >= 0; --digit) {
        out[digit] = static_cast<char>('0' + fraction % 10);
        fraction /= 10;
    }
    return out + 6;
}

std::string degrees_text(std::int32_t micro) {
    char buffer[16];
    return std::string(buffer, write_degrees(buffer, micro));
}

/// Even-odd test with exact integer arithmetic.
bool ring_contains(const ring& boundary, micro_point p) {
    bool inside = false;
    for (std::size_t i = 1; i < boundary.size(); ++i) {
        const micro_point a = boundary[i - 1];
        const micro_point b = boundary[i];
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const std::int64_t lhs = std::int64_t{p.lon - a.lon} * (b.lat - a.lat);
            const std::int64_t rhs = std::int64_t{p.lat - a.lat} * (b.lon - a.lon);
            if (b.lat > a.lat ? lhs < rhs : lhs > rhs) {
                inside = !inside;
            }
        }
    }
    return inside;
}

/// Distance from p to the nearest edge, in micro-degrees (planar; used only as a safety margin).
double distance_to_ring(const ring& boundary, micro_point p) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < boundary.size(); ++i) {
        const double ax = boundary[i - 1].lon;
        const double ay = boundary[i - 1].lat;
        const double dx = boundary[i].lon - ax;
        const double dy = boundary[i].lat - ay;
        const double length2 = dx * dx + dy * dy;
        double t = length2 > 0.0 ? ((p.lon - ax) * dx + (p.lat - ay) * dy) / length2 : 0.0;
        t = std::clamp(t, 0.0, 1.0);
        const double ex = ax + t * dx - p.lon;
        const double ey = ay + t * dy - p.lat;
        best = std::min(best, ex * ex + ey * ey);
    }
    return std::sqrt(best);
}

/// Twice the signed area; positive for a counter-clockwise ring.
std::int64_t twice_signed_area(const ring& boundary) {
    std::int64_t sum = 0;
    for (std::size_t i = 1; i < boundary.size(); ++i) {
        sum += std::int64_t{boundary[i - 1].lon} * boundary[i].lat -
               std::int64_t{boundary[i].lon} * boundary[i - 1].lat;
    }
    return sum;
}

/// Euclidean length with std::sqrt only (std::hypot may differ between maths libraries).
double length_of(double dx, double dy) { return std::sqrt(dx * dx + dy * dy); }

/// The unit vector at `angle` radians from east, by series_cos and std::sqrt (no libm).
std::pair<double, double> unit_at(double angle) {
    const double turn = 2.0 * pi;
    angle -= turn * std::floor((angle + pi) / turn);  // into [-pi, pi)
    const double c = std::clamp(series_cos(angle), -1.0, 1.0);
    const double s = std::sqrt(1.0 - c * c);
    return {c, angle < 0.0 ? -s : s};
}

/// "North", "South East", ... for a direction in metres east and north.
std::string_view compass(double dx, double dy) {
    const double tan_22_5 = 0.41421356237;
    const bool east_west = std::abs(dy) < tan_22_5 * std::abs(dx);
    const bool north_south = std::abs(dx) < tan_22_5 * std::abs(dy);
    if (east_west) {
        return dx >= 0 ? "East" : "West";
    }
    if (north_south) {
        return dy >= 0 ? "North" : "South";
    }
    if (dy >= 0) {
        return dx >= 0 ? "North East" : "North West";
    }
    return dx >= 0 ? "South East" : "South West";
}

// ---------------------------------------------------------------------------------------------
// Published vocabularies

enum crime_type : std::uint8_t {
    anti_social_behaviour,
    bicycle_theft,
    burglary,
    criminal_damage_and_arson,
    drugs,
    other_theft,
    possession_of_weapons,
    public_order,
    robbery,
    shoplifting,
    theft_from_the_person,
    vehicle_crime,
    violence_and_sexual_offences,
    other_crime,
};

constexpr std::array<std::string_view, 14> crime_type_labels{
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Other crime",
};

/// What kind of place a map point is; it shifts the mix of crime types recorded there.
enum class place_profile : std::uint8_t { residential, retail, night_time, parking, town_centre };

// Per thousand, in crime_type order. The residential mix follows Essex (Dec 2022); the retail,
// night-time and parking ones what the City of London files record at supermarkets, nightclubs
// and car parks; the town centre's (the streets near a town's middle) is heavy in anti-social
// behaviour, shoplifting and public order, as the central streets of Essex's towns are.
const std::array<weighted_choice, 5> crime_mix_by_profile{{
    {180, 10, 55, 85, 30, 75, 9, 75, 8, 25, 8, 85, 335, 20},
    {120, 15, 20, 30, 25, 90, 8, 60, 15, 400, 40, 20, 145, 12},
    {170, 10, 5, 40, 70, 80, 20, 140, 20, 5, 50, 10, 370, 10},
    {150, 20, 5, 100, 30, 120, 5, 50, 10, 80, 10, 250, 160, 10},
    {280, 25, 15, 55, 45, 90, 12, 110, 15, 110, 35, 25, 170, 13},
}};

enum outcome : std::uint8_t {
    no_suspect,
    unable_to_prosecute,
    status_update_unavailable,
    local_resolution,
    caution,
    another_organisation,
    further_action_not_in_public_interest,
    formal_action_not_in_public_interest,
    further_investigation_not_in_public_interest,
    drugs_possession_warning,
    penalty_notice,
    charged_as_part_of_another_case,
    // court results: reached through "Suspect charged"
    sent_to_prison,
    suspended_sentence,
    fined,
    community_sentence,
    conditional_discharge,
    found_not_guilty,
    court_case_unable_to_proceed,
    court_result_unavailable,
    otherwise_dealt_with,
    ordered_to_pay_compensation,
    deprived_of_property,
    absolute_discharge,
    // states and steps, not final outcomes
    under_investigation,
    awaiting_court_outcome,
    suspect_charged,
};

constexpr std::array<std::string_view, 27> outcome_labels{
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Status update unavailable",
    "Local resolution",
    "Offender given a caution",
    "Action to be taken by another organisation",
    "Further action is not in the public interest",
    "Formal action is not in the public interest",
    "Further investigation is not in the public interest",
    "Offender given a drugs possession warning",
    "Offender given penalty notice",
    "Suspect charged as part of another case",
    "Offender sent to prison",
    "Offender given suspended prison sentence",
    "Offender fined",
    "Offender given community sentence",
    "Offender given conditional discharge",
    "Defendant found not guilty",
    "Court case unable to proceed",
    "Court result unavailable",
    "Offender otherwise dealt with",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Offender given absolute discharge",
    "Under investigation",
    "Awaiting court outcome",
    "Suspect charged",
};

constexpr bool goes_to_court(std::size_t final_outcome) {
    return final_outcome >= sent_to_prison && final_outcome <= absolute_discharge;
}

// Final outcomes per thousand crimes, in `outcome` order up to absolute_discharge.
// Groups: 0 violence, public order, damage and other crime; 1 thefts, burglary, robbery and
// vehicle crime (rarely detected); 2 shoplifting and weapons (offender usually known); 3 drugs.
const std::array<weighted_choice, 4> final_outcome_mix{{
    {330, 330, 20, 45, 25, 25, 15, 10, 5, 0, 5, 10, 35, 20, 25, 25, 10, 15, 8, 35, 3, 2, 1, 1},
    {700, 120, 20, 20, 10, 10, 5, 3, 12, 0, 0, 10, 20, 8, 10, 10, 5, 5, 4, 25, 1, 1, 0, 1},
    {220, 220, 20, 110, 90, 10, 15, 15, 5, 0, 15, 20, 45, 25, 55, 35, 30, 15, 10, 35, 4, 4, 1, 1},
    {60, 150, 20, 120, 120, 10, 40, 30, 5, 250, 15, 10, 30, 15, 45, 20, 25, 5, 5, 20, 2, 1, 1, 1},
}};

constexpr std::size_t outcome_group(std::size_t type) {
    switch (type) {
        case bicycle_theft:
        case burglary:
        case other_theft:
        case robbery:
        case theft_from_the_person:
        case vehicle_crime:
            return 1;
        case shoplifting:
        case possession_of_weapons:
            return 2;
        case drugs:
            return 3;
        default:
            return 0;
    }
}

// Months from the crime to its first outcome, and from a charge to the court's result.
const weighted_choice first_outcome_delay{90, 50, 24, 14, 8, 6, 4, 2, 1, 1};
const weighted_choice court_delay{0, 10, 18, 18, 14, 11, 8, 6, 5, 4, 3, 2, 1};

// ---------------------------------------------------------------------------------------------
// Invented places and people

struct force_spec {
    std::string_view id;
    std::string_view name;
    std::string_view code;    ///< neighbourhood id prefix and postcode area; not a real area
    std::string_view domain;  ///< under the reserved .example top-level domain
    double west, south, east, north;
    int columns, rows;        ///< neighbourhood grid
    std::uint32_t city_population;
    int towns, villages, rural_lanes;
    std::uint32_t no_location_per_mille;
    std::uint32_t stops_per_mille;  ///< stop and searches per thousand street crimes
    std::string_view landscape;
};

// Rectangles over real English countryside, none overlapping, each 30-52 km across. The first
// five always exist; the others join in this order as the world grows (world_scale_of), up to
// the 43 forces data.police.uk publishes for in England and Wales.
constexpr std::array<force_spec, 43> force_specs{{
    {"northshire", "Northshire Police", "NS", "northshire.police.example", -2.05, 53.90, -1.25, 54.30, 6, 5, 310000, 5,
     14, 260, 20, 70, "dales, moorland and stone-built market towns"},
    {"east-wessex", "East Wessex Constabulary", "EW", "eastwessex.police.example", -1.95, 51.02, -1.30, 51.40, 5, 4,
     180000, 4, 12, 220, 28, 55, "chalk downland, river valleys and a cathedral city"},
    {"mercia-vale", "Mercia Vale Police", "MV", "merciavale.police.example", -1.85, 52.15, -1.20, 52.50, 6, 4, 390000,
     5, 12, 200, 24, 90, "a busy manufacturing city, canal towns and farmland"},
    {"downland", "Downland Constabulary", "DW", "downland.police.example", -0.55, 50.90, 0.10, 51.20, 5, 4, 150000, 4,
     13, 240, 35, 60, "wooded weald, commuter towns and the chalk downs"},
    {"marches", "Marches Police", "MX", "marches.police.example", -2.90, 52.30, -2.35, 52.70, 4, 3, 90000, 3, 11, 280,
     16, 50, "border hills, river meadows and small market towns"},
    {"tamar-moor", "Tamar and Moor Police", "TY", "tamarmoor.police.example", -4.40, 50.40, -3.90, 50.70, 5, 4, 270000,
     3, 12, 200, 26, 45, "granite moorland, a naval port and deep wooded valleys"},
    {"kennet-vale", "Kennet Vale Police", "KV", "kennetvale.police.example", -1.10, 51.25, -0.60, 51.55, 5, 4, 190000,
     6, 11, 260, 22, 80, "a thriving commuter town, water meadows and chalk streams"},
    {"tyneside-north", "Tyne and Wansbeck Police", "TV", "tynesidenorth.police.example", -2.10, 54.70, -1.55, 55.00, 5,
     4, 120000, 5, 10, 240, 18, 70, "a river city, pit villages and coal-era terraces"},
    {"mersey-vale", "Mersey Vale Police", "MY", "merseyvale.police.example", -2.95, 53.25, -2.45, 53.55, 5, 4, 350000,
     4, 13, 220, 31, 60, "docklands, market towns and flat farmland"},
    {"irwell", "Irwell Police", "IW", "irwell.police.example", -2.40, 53.25, -1.90, 53.55, 5, 4, 280000, 3, 12, 200, 27,
     45, "a great industrial city, mill towns and the Pennine edge"},
    {"aire-calder", "Aire and Calder Police", "AC", "airecalder.police.example", -1.85, 53.66, -1.35, 53.88, 5, 3,
     210000, 6, 11, 260, 23, 85, "wool towns, canal valleys and moorland"},
    {"trentside", "Trentside Police", "TX", "trentside.police.example", -1.30, 52.90, -0.80, 53.20, 5, 4, 140000, 5, 10,
     240, 19, 70, "a lace-making city, mining villages and the Trent valley"},
    {"soar-vale", "Soar Vale Constabulary", "SV", "soarvale.police.example", -1.20, 52.55, -0.70, 52.85, 5, 4, 360000,
     4, 14, 220, 32, 60, "a hosiery city, red-brick villages and rolling pasture"},
    {"severn-mouth", "Severn Mouth Constabulary", "SX", "severnmouth.police.example", -2.75, 51.40, -2.25, 51.70, 5, 4,
     290000, 3, 12, 200, 28, 50, "a harbour city, limestone gorges and orchards"},
    {"don-valley", "Don Valley Police", "DX", "donvalley.police.example", -1.30, 53.35, -0.80, 53.65, 5, 4, 220000, 6,
     11, 260, 24, 85, "steel towns, coalfield villages and river levels"},
    {"exe-valley", "Exe Valley Constabulary", "XV", "exevalley.police.example", -3.75, 50.78, -3.25, 51.08, 5, 4,
     150000, 5, 10, 240, 20, 75, "red-soil farmland, a cathedral city and wooded hills"},
    {"cam-fen", "Cam and Fen Constabulary", "CX", "camfen.police.example", -0.05, 52.10, 0.45, 52.40, 5, 4, 380000, 4,
     14, 230, 33, 60, "a university city, fen droves and flint villages"},
    {"wear-tees", "Wear and Tees Police", "WT", "weartees.police.example", -1.40, 54.40, -0.90, 54.70, 5, 4, 310000, 3,
     13, 210, 28, 50, "a steel town on the estuary, villages and the moors' edge"},
    {"ribble", "Ribble Police", "RX", "ribble.police.example", -2.95, 53.60, -2.45, 53.90, 5, 4, 230000, 6, 12, 270, 24,
     90, "cotton towns, the river plain and the fells behind"},
    {"ouse-forest", "Ouse and Forest Police", "OF", "ouseforest.police.example", -1.20, 53.70, -0.70, 54.00, 5, 4,
     160000, 5, 10, 250, 20, 75, "a walled city, the vale's farms and river ings"},
    {"blackmore", "Blackmore Vale Police", "BV", "blackmore.police.example", -2.65, 50.65, -2.15, 50.95, 5, 4, 390000,
     4, 14, 230, 33, 65, "clay vales, chalk hills and stone market towns"},
    {"weald-east", "East Weald Police", "EQ", "wealdeast.police.example", 0.70, 51.00, 1.25, 51.30, 5, 4, 320000, 3, 13,
     210, 29, 50, "orchards, hop gardens and a cathedral city"},
    {"chiltern", "Chiltern Hundreds Police", "CQ", "chiltern.police.example", -1.05, 51.60, -0.55, 51.90, 5, 4, 250000,
     6, 12, 270, 25, 90, "beech woods, chalk escarpment and commuter towns"},
    {"lea-valley", "Lea Valley Constabulary", "LQ", "leavalley.police.example", -0.50, 51.70, 0.00, 52.00, 5, 4, 180000,
     5, 11, 250, 21, 80, "new towns, market towns and river meadows"},
    {"blackwater", "Blackwater Police", "BQ", "blackwater.police.example", 0.05, 51.60, 0.60, 51.90, 5, 4, 400000, 4,
     14, 230, 34, 65, "a county town, estuary villages and arable land"},
    {"broadland", "Broadland Constabulary", "BY", "broadland.police.example", 1.15, 52.45, 1.65, 52.80, 5, 5, 330000, 3,
     13, 210, 30, 55, "a fine old city, reed beds and waterways"},
    {"nene-vale", "Nene Vale Police", "NQ", "nenevale.police.example", -1.15, 52.15, -0.65, 52.45, 5, 4, 260000, 6, 12,
     270, 26, 90, "shoe towns, stone villages and the Nene valley"},
    {"cannock-chase", "Cannock and Chase Police", "CZ", "cannockchase.police.example", -2.30, 52.55, -1.80, 52.85, 5, 4,
     190000, 5, 11, 260, 22, 80, "heathland, coalfield towns and the canal network"},
    {"peak-fringe", "Peak Fringe Police", "PQ", "peakfringe.police.example", -1.85, 52.90, -1.35, 53.20, 5, 4, 120000,
     5, 10, 240, 18, 70, "a railway city, limestone dales and mill villages"},
    {"potteries", "Potteries Police", "PZ", "potteries.police.example", -2.40, 52.90, -1.90, 53.20, 5, 4, 350000, 4, 13,
     220, 31, 55, "six pottery towns, canal wharves and farmland"},
    {"dee-weaver", "Dee and Weaver Constabulary", "DQ", "deeweaver.police.example", -3.00, 52.85, -2.45, 53.15, 5, 4,
     270000, 3, 12, 200, 27, 45, "salt towns, dairy pasture and meres"},
    {"witham", "Witham Police", "WQ", "witham.police.example", -0.75, 52.90, -0.20, 53.20, 5, 4, 200000, 6, 11, 260, 23,
     85, "a hilltop cathedral city, heath and fenland"},
    {"ancholme", "Ancholme Police", "AQ", "ancholme.police.example", -0.75, 53.30, -0.25, 53.60, 5, 4, 130000, 5, 10,
     240, 19, 70, "steel works, wolds villages and drained carrs"},
    {"holderness", "Holderness Police", "HQ", "holderness.police.example", -0.65, 53.70, -0.15, 54.05, 5, 5, 360000, 4,
     14, 220, 31, 60, "the wolds, a minster town and the coast's low farmland"},
    {"calder-pennine", "Calder and Pennine Police", "KQ", "calderpennine.police.example", -1.85, 53.35, -1.35, 53.65, 5,
     4, 290000, 3, 12, 200, 27, 45, "a cutlers' city, reservoirs and moorland"},
    {"ryedale", "Ryedale Police", "RQ", "ryedale.police.example", -1.20, 54.05, -0.65, 54.35, 5, 4, 210000, 6, 11, 260,
     23, 85, "moorland, limestone hills and market towns"},
    {"kent-fells", "Kent and Fells Police", "KF", "kentfells.police.example", -3.20, 54.20, -2.65, 54.55, 5, 5, 140000,
     5, 10, 240, 19, 75, "lakes, fells and slate-built towns"},
    {"eden-border", "Eden Border Constabulary", "EZ", "edenborder.police.example", -3.20, 54.60, -2.65, 54.95, 5, 5,
     370000, 4, 14, 220, 32, 60, "a border city, the Eden valley and red sandstone villages"},
    {"tees-dale", "Teesdale Constabulary", "TU", "teesdale.police.example", -2.00, 54.35, -1.45, 54.65, 5, 4, 300000, 3,
     13, 210, 28, 50, "a market town, dales farms and the old coalfield"},
    {"tynedale", "Tynedale Police", "TZ", "tynedale.police.example", -2.60, 55.00, -2.05, 55.30, 5, 4, 230000, 6, 11,
     270, 24, 85, "the Roman wall, hill farms and a river valley"},
    {"wansbeck", "Wansbeck and Coquet Police", "WZ", "wansbeck.police.example", -2.00, 55.05, -1.55, 55.35, 4, 4,
     160000, 5, 10, 250, 20, 75, "pit towns, castles and farmland to the sea"},
    {"avon-levels", "Avon Levels Constabulary", "AZ", "avonlevels.police.example", -2.75, 51.05, -2.25, 51.35, 5, 4,
     380000, 4, 14, 230, 33, 65, "the levels, a small cathedral city and the Mendip hills"},
    {"solent-east", "East Solent Police", "SQ", "solenteast.police.example", -1.25, 50.80, -0.70, 51.15, 6, 5, 310000,
     3, 13, 210, 29, 50, "a harbour city, chalk downs and forest"},
}};

// Uncommon syllables, so that invented places rarely share a name with a real town.
constexpr std::array<std::string_view, 44> name_starts{
    "Alder", "Bax",    "Caver",  "Dorr",   "Elsing", "Farrow", "Gorse",   "Hesk",  "Ivel",    "Kest",  "Lyd",
    "Morr",  "Nesh",   "Orrin",  "Pell",   "Quarr",  "Ress",   "Skarth",  "Tarn",  "Ulver",  "Vell",  "Wend",
    "Yarl",  "Brisk",  "Carrow", "Emble",  "Fenn",   "Grist",  "Hollin",  "Kelm",  "Loft",   "Mire",  "Quill",
    "Ottle", "Pike",   "Rook",   "Sorrel", "Thistle", "Ullen", "Wray",    "Yew",   "Brae",   "Cresk", "Hask"};

constexpr std::array<std::string_view, 20> name_ends{
    "ford", "ton",   "bury",   "ley",  "field", "ham",   "wick",    "by",      "worth", "stead",
    "bridge", "well", "combe", "thorpe", "den", "hurst", "minster", "borough", "leigh", "stow"};

constexpr std::array<std::string_view, 56> street_words{
    "Church",  "Mill",     "Station", "Park",     "Victoria", "King",    "Queen",   "Bridge",
    "Chapel",  "Market",   "Green",   "North",    "South",    "West",    "Meadow",  "Orchard",
    "Oak",     "Elm",      "Willow",  "Beech",    "Cedar",    "Hawthorn", "Rowan",  "Holly",
    "Fox",     "Kestrel",  "Heron",   "Lark",     "Wren",     "Priory",  "Abbey",   "Castle",
    "Manor",   "Grange",   "Mount",   "Spring",   "Brook",    "River",   "Canal",   "Forge",
    "Tanner",  "Weaver",   "Cooper",  "Mason",    "Granary",  "School",  "Albert",  "Alexandra",
    "Windsor", "Nelson",   "Clarence", "Foundry", "Quarry",   "Pound",   "Well",    "Vicarage"};

// Second halves of compound street names ("Oakfield Road").
constexpr std::array<std::string_view, 12> compound_ends{"field", "brook", "wood",  "lands", "side", "croft",
                                                         "dale",  "gate",  "hurst", "mead",  "ley",  "holme"};

// Short streets and cul-de-sacs.
constexpr std::array<std::string_view, 7> close_types{"Close", "Court", "Mews", "Gardens", "Place", "Walk", "Rise"};

constexpr std::array<std::string_view, 20> street_types{
    "Street", "Road", "Lane", "Avenue", "Close",  "Way",  "Drive", "Crescent", "Gardens", "Place",
    "Grove",  "Court", "Walk", "Terrace", "Rise", "Mews", "Row",   "Hill",     "View",    "Square"};

constexpr std::array<std::string_view, 5> first_streets{"High Street", "Station Road", "Church Lane",
                                                        "Market Place", "Mill Lane"};

constexpr std::array<std::string_view, 20> first_names{
    "Alex",  "Sam",   "Jo",     "Chris",  "Jamie", "Morgan", "Taylor", "Robin", "Charlie", "Casey",
    "Jordan", "Riley", "Kit",   "Frankie", "Leigh", "Dana",  "Rowan",  "Elliot", "Harper", "Quinn"};

constexpr std::array<std::string_view, 10> surname_ends{"wood", "well", "ford", "ley", "ton",
                                                        "by",   "man",  "er",   "field", "shaw"};

enum class town_size : std::uint8_t { city, town, village };

struct hot_spot_kind {
    std::string_view label;
    place_profile profile;
    std::array<int, 3> count;  ///< per city, town, village
};

constexpr std::array<hot_spot_kind, 13> hot_spot_kinds{{
    {"Shopping Area", place_profile::retail, {4, 1, 0}},
    {"Supermarket", place_profile::retail, {6, 2, 1}},
    {"Parking Area", place_profile::parking, {5, 2, 1}},
    {"Petrol Station", place_profile::parking, {3, 1, 0}},
    {"Nightclub", place_profile::night_time, {4, 1, 0}},
    {"Police Station", place_profile::night_time, {1, 1, 0}},
    {"Bus/Coach Station", place_profile::night_time, {1, 1, 0}},
    {"Pedestrian Subway", place_profile::night_time, {2, 0, 0}},
    {"Sports/Recreation Area", place_profile::residential, {3, 1, 1}},
    {"Hospital", place_profile::residential, {1, 0, 0}},
    {"Further/Higher Educational Building", place_profile::residential, {2, 1, 0}},
    {"Theatre/Concert Hall", place_profile::night_time, {1, 0, 0}},
    {"Conference/Exhibition Centre", place_profile::residential, {1, 0, 0}},
}};

constexpr std::uint32_t no_street = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t no_location = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// Points closer than this to a neighbourhood boundary are moved: about 0.5 m, far more than
// any reader's rounding, so every reader agrees which neighbourhood holds a point.
constexpr double boundary_margin_micro = 5.0;

struct town {
    std::string name;
    town_size size = town_size::village;
    double x = 0.0;  ///< metres in the force's frame
    double y = 0.0;
    double radius = 0.0;
    double spread = 0.0;  ///< how far its streets reach beyond its radius
    std::uint32_t population = 0;
    std::size_t district = 0;       ///< the city or town whose name its LSOAs carry
    int postcode_district = 0;      ///< a city has four, from this one up
    std::size_t residential_points = 0;
};

/// A point in a force's flat frame: metres east and north of its south-west corner.
struct frame_point {
    double x = 0.0;
    double y = 0.0;
};

/// OpenStreetMap's highway classes, as the --osm file tags the streets.
enum class road_class : std::uint8_t { primary, secondary, tertiary, residential, unclassified };

constexpr std::array<std::string_view, 5> highway_values{"primary", "secondary", "tertiary", "residential",
                                                         "unclassified"};

struct street {
    std::string name;
    std::size_t town = 0;
    bool rural = false;
    road_class kind = road_class::residential;
    double x = 0.0;  ///< the middle of its line
    double y = 0.0;
    std::vector<frame_point> line;      ///< its polyline, at least two vertices
    std::vector<std::uint32_t> points;  ///< map points named after it, in order along it
    /// Every map point on it (those named after it and hot spots beside it) with its distance
    /// along the line in metres, in order: the --osm way passes through each.
    std::vector<std::pair<double, std::uint32_t>> stops;
    std::string postcode;  ///< the first of its postcodes; empty when it has none
};

struct map_point {
    micro_point at;
    double x = 0.0;
    double y = 0.0;
    std::size_t town = 0;
    std::uint32_t street_index = no_street;
    bool rural = false;
    std::uint32_t lsoa_index = 0;
    std::uint32_t neighbourhood = 0;
    place_profile profile = place_profile::residential;
    double weight = 0.0;
    std::string location;  ///< "On or near ..." as published
};

struct lsoa {
    std::string code;
    std::string name;
};

struct neighbourhood {
    std::string id;
    std::string name;
    ring boundary;
    double x_min = 0.0, y_min = 0.0, x_max = 0.0, y_max = 0.0;  ///< bounds in metres
    std::int32_t lon_min = 0, lat_min = 0, lon_max = 0, lat_max = 0;
    double centre_x = 0.0;
    double centre_y = 0.0;
    micro_point centre;
    std::uint32_t population = 0;
    std::vector<std::size_t> towns;  ///< places whose centre lies in it, largest first
    std::size_t main_town = std::numeric_limits<std::size_t>::max();  ///< where most residents live
};

struct postcode_entry {
    std::string postcode;
    std::int64_t easting = 0;
    std::int64_t northing = 0;
};

/// Everything about one invented force that the monthly files draw from.
struct force_world {
    const force_spec* spec = nullptr;
    std::vector<town> towns;
    std::vector<street> streets;
    std::vector<map_point> points;
    std::vector<lsoa> lsoas;
    std::vector<neighbourhood> neighbourhoods;
    std::vector<postcode_entry> postcodes;
    alias_table sampler;
    double crime_weight = 0.0;
    // Each point's published text, laid end to end: "lon,lat,On or near X,E01...,Name 001A" for
    // street and outcome rows, "lat,lon" for stop and search rows.
    std::string crime_blocks;
    std::vector<std::uint32_t> crime_block_starts;
    std::string stop_blocks;
    std::vector<std::uint32_t> stop_block_starts;

    std::string_view crime_block(std::uint32_t point) const {
        if (point == no_location) {
            return ",,No Location,,";
        }
        return std::string_view(crime_blocks)
            .substr(crime_block_starts[point], crime_block_starts[point + 1] - crime_block_starts[point]);
    }

    std::string_view stop_block(std::uint32_t point) const {
        if (point == no_location) {
            return ",";
        }
        return std::string_view(stop_blocks)
            .substr(stop_block_starts[point], stop_block_starts[point + 1] - stop_block_starts[point]);
    }
};

std::string join(std::initializer_list<std::string_view> parts) {
    std::string text;
    for (const std::string_view part : parts) {
        text += part;
    }
    return text;
}

std::string zero_padded(std::uint64_t value, int width) {
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) {
        digits.insert(0, static_cast<std::size_t>(width - static_cast<int>(digits.size())), '0');
    }
    return digits;
}

std::string slug_of(std::string_view text) { return data::slugify(text); }

/// Length of a polyline in metres.
double line_length(const std::vector<frame_point>& line) {
    double length = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        length += length_of(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    }
    return length;
}

/// The point `arc` metres along a polyline (clamped to its ends).
frame_point point_along(const std::vector<frame_point>& line, double arc) {
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double dx = line[i].x - line[i - 1].x, dy = line[i].y - line[i - 1].y;
        const double segment = length_of(dx, dy);
        if (arc <= segment && segment > 0.0) {
            const double t = std::max(arc, 0.0) / segment;
            return {line[i - 1].x + t * dx, line[i - 1].y + t * dy};
        }
        arc -= segment;
    }
    return line.back();
}

/// Which street first came near each 25 m square of a place: side streets stop where they would
/// come within about a square of another street, so they end at junctions and keep apart.
class street_cells {
public:
    void mark(const std::vector<frame_point>& line, std::uint32_t s) {
        for (std::size_t i = 1; i < line.size(); ++i) {
            const double dx = line[i].x - line[i - 1].x, dy = line[i].y - line[i - 1].y;
            const int steps = 1 + static_cast<int>(length_of(dx, dy) / 8.0);
            for (int k = 0; k <= steps; ++k) {
                const double t = static_cast<double>(k) / steps;
                owner_.try_emplace(pack(cell(line[i - 1].x + t * dx), cell(line[i - 1].y + t * dy)), s);
            }
        }
    }

    /// Whether a street other than `except` passes within about a square of (x, y).
    bool crowded(double x, double y, std::uint32_t except) const {
        const std::int64_t cx = cell(x), cy = cell(y);
        for (std::int64_t i = cx - 1; i <= cx + 1; ++i) {
            for (std::int64_t j = cy - 1; j <= cy + 1; ++j) {
                const auto found = owner_.find(pack(i, j));
                if (found != owner_.end() && found->second != except) return true;
            }
        }
        return false;
    }

private:
    static constexpr double size = 25.0;
    static std::int64_t cell(double v) { return static_cast<std::int64_t>(std::floor(v / size)); }
    static std::uint64_t pack(std::int64_t cx, std::int64_t cy) {
        return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint32_t>(cy);
    }

    std::unordered_map<std::uint64_t, std::uint32_t> owner_;
};

// How the world grows with the run (world_scale_of): data.police.uk has about two map points for
// every crime of a month (some 500,000 crimes a month on about a million points over the years),
// so the world holds two map points per crime a month, never fewer than the smallest world's
// 36,000 (the demo's size). The first five forces come first; another joins for each further
// 23,500 points, up to all 43, and beyond that the forces grow, up to 4,000,000 points (four
// times data.police.uk's, to bound memory); busier runs put more crimes on each point. Each force's places grow in
// people with the square root of its growth and its streets in points with the growth itself.
constexpr double points_per_crime_a_month = 2.0;
constexpr double smallest_world_points = 36000.0;
constexpr double largest_world_points = 4000000.0;
constexpr double points_per_added_force = 23500.0;
constexpr double points_per_force_at_first = 7200.0;
constexpr std::size_t first_forces = 5;

/// How large the invented world is for a run.
struct world_scale {
    std::size_t forces = first_forces;
    double points = smallest_world_points;  ///< map points wanted, all forces together
    double growth = 1.0;                    ///< map points per force over the smallest world's
};

world_scale world_scale_of(std::uint64_t rows, int months) {
    world_scale scale;
    scale.points = std::clamp(points_per_crime_a_month * static_cast<double>(rows) / static_cast<double>(months),
                              smallest_world_points, largest_world_points);
    scale.forces = std::clamp(static_cast<std::size_t>(std::ceil(scale.points / points_per_added_force)), first_forces,
                              force_specs.size());
    scale.growth = std::max(1.0, scale.points / (static_cast<double>(scale.forces) * points_per_force_at_first));
    return scale;
}

/// A force's people before growth, for sharing the world's points out between the forces.
double nominal_population(const force_spec& spec) {
    return spec.city_population + spec.towns * 37000.0 + spec.villages * 2400.0;
}

/// Builds one force's towns, streets, map points, LSOAs, neighbourhoods and postcodes.
class force_builder {
public:
    /// `points` is how many map points the force should hold, about; `growth` as world_scale's.
    force_builder(const force_spec& spec, std::size_t force_index, std::uint64_t seed, double growth, double points,
                  std::set<std::string>& used_place_names, std::uint32_t& next_lsoa_code)
        : spec_(spec),
          growth_(growth),
          points_wanted_(points),
          random_(seed, stream::geography, force_index),
          frame_(spec.west, spec.south, (spec.south + spec.north) / 2.0),
          width_(frame_.width_of(spec.east)),
          height_(frame_.height_of(spec.north)),
          used_place_names_(used_place_names),
          next_lsoa_code_(next_lsoa_code) {
        world_.spec = &spec;
    }

    force_world build() {
        place_towns();
        build_neighbourhood_grid();
        locate_town_centres();
        const int lanes = static_cast<int>(std::lround(spec_.rural_lanes * growth_));
        double people = 0.0;
        for (const town& place : world_.towns) {
            people += place.population;
        }
        // What the lanes (2.5 points each) and hot spots leave goes to the places' streets.
        const double town_points = std::max(points_wanted_ - 2.5 * lanes - 150.0, 0.5 * points_wanted_);
        for (std::size_t t = 0; t < world_.towns.size(); ++t) {
            add_town_streets(t, std::max(8.0, town_points * world_.towns[t].population / people));
        }
        add_rural_lanes(lanes);
        for (street& road : world_.streets) {
            std::stable_sort(road.stops.begin(), road.stops.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
        }
        assign_lsoas();
        weigh_points();
        count_population();
        name_neighbourhoods();
        make_postcodes();
        make_blocks();
        return std::move(world_);
    }

private:
    // -- towns --------------------------------------------------------------------------------

    std::string invent_place_name() {
        for (;;) {
            std::string name = join({random_.pick(name_starts), random_.pick(name_ends)});
            // "Pell" + "ley" reads "Pelley": no letter three times in a row.
            for (std::size_t i = 2; i < name.size(); ++i) {
                if (name[i] == name[i - 1] && name[i] == name[i - 2]) {
                    name.erase(i, 1);
                    --i;
                }
            }
            if (used_place_names_.insert(name).second) {
                return name;
            }
        }
    }

    void place_towns() {
        const double people = std::sqrt(growth_);
        auto grown = [&](double population) { return static_cast<std::uint32_t>(std::llround(population * people)); };
        add_town(town_size::city, grown(spec_.city_population));
        for (int i = 0; i < spec_.towns; ++i) {
            const double u = random_.unit();
            add_town(town_size::town, grown(18000 + u * u * 57000.0));
        }
        for (int i = 0; i < spec_.villages; ++i) {
            const double u = random_.unit();
            add_town(town_size::village, grown(700 + u * u * 5000.0));
        }
        // Villages belong to the district of the nearest city or town; postcode districts are
        // numbered city first (four of them), then in order of founding.
        int next_postcode_district = 1;
        for (std::size_t t = 0; t < world_.towns.size(); ++t) {
            town& place = world_.towns[t];
            place.postcode_district = next_postcode_district;
            next_postcode_district += place.size == town_size::city ? 4 : 1;
            if (place.size != town_size::village) {
                place.district = t;
                continue;
            }
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t other = 0; other < world_.towns.size(); ++other) {
                const town& candidate = world_.towns[other];
                if (candidate.size == town_size::village) {
                    continue;
                }
                const double d = length_of(candidate.x - place.x, candidate.y - place.y);
                if (d < best) {
                    best = d;
                    place.district = other;
                }
            }
        }
    }

    void add_town(town_size size, std::uint32_t population) {
        town place;
        place.name = invent_place_name();
        place.size = size;
        place.population = population;
        place.radius = 900.0 * std::sqrt(population / 10000.0);
        place.spread = 0.25 * place.radius;
        const double margin = place.radius + 2500.0;
        double gap = size == town_size::village ? 1500.0 : 5000.0;
        for (int attempt = 0;; ++attempt) {
            if (attempt > 0 && attempt % 200 == 0) {
                gap /= 2.0;  // a crowded force: let places sit closer rather than loop forever
            }
            if (size == town_size::city) {
                place.x = width_ * (0.3 + 0.4 * random_.unit());
                place.y = height_ * (0.3 + 0.4 * random_.unit());
            } else {
                place.x = margin + (width_ - 2.0 * margin) * random_.unit();
                place.y = margin + (height_ - 2.0 * margin) * random_.unit();
            }
            bool clear = true;
            for (const town& other : world_.towns) {
                if (length_of(other.x - place.x, other.y - place.y) < other.radius + place.radius + gap) {
                    clear = false;
                    break;
                }
            }
            if (clear) {
                break;
            }
        }
        world_.towns.push_back(std::move(place));
    }

    // -- neighbourhoods -----------------------------------------------------------------------

    /// Column (or row) widths that shrink near the city, summing to `extent`.
    std::vector<double> grid_widths(int count, double extent, double city_position) {
        std::vector<double> widths(static_cast<std::size_t>(count));
        double sum = 0.0;
        for (int i = 0; i < count; ++i) {
            const double middle = (i + 0.5) / count * extent;
            const double offset = (middle - city_position) / (0.22 * extent);
            const double closeness = 1.0 / (1.0 + offset * offset);
            widths[static_cast<std::size_t>(i)] = 1.0 / (1.0 + 1.5 * closeness) + 0.1 * random_.unit();
            sum += widths[static_cast<std::size_t>(i)];
        }
        for (double& width : widths) {
            width *= extent / sum;
        }
        return widths;
    }

    struct metres_point {
        double x = 0.0;
        double y = 0.0;
    };

    /// Three points between two vertices, pushed sideways a little; shared by both cells.
    std::array<micro_point, 3> wiggle(metres_point from, metres_point to) {
        const double dx = to.x - from.x;
        const double dy = to.y - from.y;
        std::array<micro_point, 3> middle{};
        for (int k = 1; k <= 3; ++k) {
            const double t = k / 4.0;
            // Unit normal (-dy, dx)/length times at most 6% of the length: the side of
            // the polyline turns by at most about 10 degrees, far from any neighbour.
            const double push = 0.06 * 4.0 * t * (1.0 - t) * random_.centred();
            middle[static_cast<std::size_t>(k - 1)] =
                frame_.to_micro(from.x + t * dx - push * dy, from.y + t * dy + push * dx);
        }
        return middle;
    }

    void build_neighbourhood_grid() {
        const int columns = spec_.columns;
        const int rows = spec_.rows;
        const town& city = world_.towns.front();
        const std::vector<double> widths = grid_widths(columns, width_, city.x);
        const std::vector<double> heights = grid_widths(rows, height_, city.y);
        const auto column_count = static_cast<std::size_t>(columns);
        const auto row_count = static_cast<std::size_t>(rows);

        // Vertices: interior ones move both ways, edge ones only along the edge, corners stay,
        // so the force keeps its outline apart from the wiggles of its outer edges.
        std::vector<metres_point> vertices((column_count + 1) * (row_count + 1));
        auto vertex = [&](std::size_t i, std::size_t j) -> metres_point& {
            return vertices[j * (column_count + 1) + i];
        };
        double y = 0.0;
        for (std::size_t j = 0; j <= row_count; ++j) {
            double x = 0.0;
            for (std::size_t i = 0; i <= column_count; ++i) {
                metres_point p{x, y};
                if (i > 0 && i < column_count) {
                    p.x += 0.18 * std::min(widths[i - 1], widths[i]) * random_.centred();
                }
                if (j > 0 && j < row_count) {
                    p.y += 0.18 * std::min(heights[j - 1], heights[j]) * random_.centred();
                }
                vertex(i, j) = p;
                if (i < column_count) {
                    x += widths[i];
                }
            }
            if (j < row_count) {
                y += heights[j];
            }
        }
        // Exact corners (the running sums can be an ulp off the extent).
        for (std::size_t j = 0; j <= row_count; ++j) {
            vertex(column_count, j).x = width_;
        }
        for (std::size_t i = 0; i <= column_count; ++i) {
            vertex(i, row_count).y = height_;
        }

        std::vector<micro_point> corner_micro(vertices.size());
        for (std::size_t k = 0; k < vertices.size(); ++k) {
            corner_micro[k] = frame_.to_micro(vertices[k].x, vertices[k].y);
        }
        auto corner = [&](std::size_t i, std::size_t j) { return corner_micro[j * (column_count + 1) + i]; };

        // Edges, each wiggled once: horizontal (i,j)->(i+1,j) and vertical (i,j)->(i,j+1).
        std::vector<std::array<micro_point, 3>> horizontal(column_count * (row_count + 1));
        std::vector<std::array<micro_point, 3>> vertical((column_count + 1) * row_count);
        for (std::size_t j = 0; j <= row_count; ++j) {
            for (std::size_t i = 0; i < column_count; ++i) {
                horizontal[j * column_count + i] = wiggle(vertex(i, j), vertex(i + 1, j));
            }
        }
        for (std::size_t j = 0; j < row_count; ++j) {
            for (std::size_t i = 0; i <= column_count; ++i) {
                vertical[j * (column_count + 1) + i] = wiggle(vertex(i, j), vertex(i, j + 1));
            }
        }

        // Cells numbered from the north-west, reading order, as ids NS01, NS02, ...
        world_.neighbourhoods.resize(column_count * row_count);
        for (std::size_t j = 0; j < row_count; ++j) {
            for (std::size_t i = 0; i < column_count; ++i) {
                const std::size_t number = (row_count - 1 - j) * column_count + i;
                neighbourhood& cell = world_.neighbourhoods[number];
                cell.id = join({spec_.code, zero_padded(number + 1, 2)});
                ring& boundary = cell.boundary;
                // Counter-clockwise: along the bottom eastwards, up the right, back along the
                // top westwards, down the left.
                boundary.push_back(corner(i, j));
                for (const micro_point p : horizontal[j * column_count + i]) {
                    boundary.push_back(p);
                }
                boundary.push_back(corner(i + 1, j));
                for (const micro_point p : vertical[j * (column_count + 1) + i + 1]) {
                    boundary.push_back(p);
                }
                boundary.push_back(corner(i + 1, j + 1));
                const auto& top = horizontal[(j + 1) * column_count + i];
                for (auto p = top.rbegin(); p != top.rend(); ++p) {
                    boundary.push_back(*p);
                }
                boundary.push_back(corner(i, j + 1));
                const auto& left = vertical[j * (column_count + 1) + i];
                for (auto p = left.rbegin(); p != left.rend(); ++p) {
                    boundary.push_back(*p);
                }
                boundary.push_back(corner(i, j));
                if (twice_signed_area(boundary) <= 0) {
                    throw std::logic_error("generated neighbourhood is not counter-clockwise");
                }

                const std::array<metres_point, 4> corners{vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1),
                                                          vertex(i, j + 1)};
                cell.x_min = cell.y_min = std::numeric_limits<double>::infinity();
                cell.x_max = cell.y_max = -std::numeric_limits<double>::infinity();
                for (const metres_point& p : corners) {
                    cell.centre_x += p.x / 4.0;
                    cell.centre_y += p.y / 4.0;
                    cell.x_min = std::min(cell.x_min, p.x);
                    cell.y_min = std::min(cell.y_min, p.y);
                    cell.x_max = std::max(cell.x_max, p.x);
                    cell.y_max = std::max(cell.y_max, p.y);
                }
                cell.centre = frame_.to_micro(cell.centre_x, cell.centre_y);
                cell.lon_min = cell.lat_min = std::numeric_limits<std::int32_t>::max();
                cell.lon_max = cell.lat_max = std::numeric_limits<std::int32_t>::min();
                for (const micro_point p : boundary) {
                    cell.lon_min = std::min(cell.lon_min, p.lon);
                    cell.lat_min = std::min(cell.lat_min, p.lat);
                    cell.lon_max = std::max(cell.lon_max, p.lon);
                    cell.lat_max = std::max(cell.lat_max, p.lat);
                }
            }
        }
    }

    /// The neighbourhood holding p, or `none`; with a margin, also `none` near any boundary.
    std::size_t neighbourhood_of(micro_point p, double margin) const {
        for (std::size_t n = 0; n < world_.neighbourhoods.size(); ++n) {
            const neighbourhood& cell = world_.neighbourhoods[n];
            if (p.lon < cell.lon_min - margin || p.lon > cell.lon_max + margin ||
                p.lat < cell.lat_min - margin || p.lat > cell.lat_max + margin) {
                continue;
            }
            if (margin > 0.0 && distance_to_ring(cell.boundary, p) < margin) {
                return none;
            }
            if (ring_contains(cell.boundary, p)) {
                return n;
            }
        }
        return none;
    }

    void locate_town_centres() {
        for (std::size_t t = 0; t < world_.towns.size(); ++t) {
            const town& place = world_.towns[t];
            const std::size_t cell = neighbourhood_of(frame_.to_micro(place.x, place.y), 0.0);
            if (cell != none) {
                world_.neighbourhoods[cell].towns.push_back(t);
            }
        }
        for (neighbourhood& cell : world_.neighbourhoods) {
            std::stable_sort(cell.towns.begin(), cell.towns.end(), [&](std::size_t a, std::size_t b) {
                return world_.towns[a].population > world_.towns[b].population;
            });
        }
    }

    // -- map points ---------------------------------------------------------------------------

    /// Adds a point at (x, y) when it lies well inside one neighbourhood; returns whether it did.
    bool try_add_point(double x, double y, map_point point) {
        const micro_point at = frame_.to_micro(x, y);
        const std::size_t cell = neighbourhood_of(at, boundary_margin_micro);
        if (cell == none) {
            return false;
        }
        point.at = at;
        point.x = x;
        point.y = y;
        point.neighbourhood = static_cast<std::uint32_t>(cell);
        if (point.street_index != no_street) {
            world_.streets[point.street_index].points.push_back(static_cast<std::uint32_t>(world_.points.size()));
        }
        world_.points.push_back(std::move(point));
        return true;
    }

    std::string invent_street_name(std::size_t t, std::size_t made, std::set<std::string>& used) {
        const town& place = world_.towns[t];
        for (int attempt = 0;; ++attempt) {
            std::string name;
            if (made + 1 < first_streets.size() && attempt == 0 && place.size != town_size::village) {
                name = first_streets[made + 1];  // the High Street is the centre's own
            } else if (random_.chance(0.06)) {
                // Roads named after where they lead.
                const town& other = world_.towns[random_.below(world_.towns.size())];
                name = join({other.name, other.size == town_size::village ? " Lane" : " Road"});
            } else if (random_.chance(0.35)) {
                name = join({random_.pick(street_words), random_.pick(compound_ends), " ", random_.pick(street_types)});
            } else {
                name = join({random_.pick(street_words), " ", random_.pick(street_types)});
            }
            if (attempt > 50) {
                name += join({" ", zero_padded(static_cast<std::uint64_t>(attempt), 1)});
            }
            if (used.insert(name).second) {
                return name;
            }
        }
    }

    /// A short street's name: "Rowan Close", "Millbrook Court".
    std::string invent_close_name(std::set<std::string>& used) {
        for (int attempt = 0;; ++attempt) {
            std::string name = random_.chance(0.3) ? join({random_.pick(street_words), random_.pick(compound_ends)})
                                                   : std::string(random_.pick(street_words));
            name = join({name, " ", random_.pick(close_types)});
            if (attempt > 50) {
                name += join({" ", zero_padded(static_cast<std::uint64_t>(attempt), 1)});
            }
            if (used.insert(name).second) {
                return name;
            }
        }
    }

    /// A main road's name: after the place it heads for when one lies that way, else its direction.
    std::string main_road_name(std::size_t t, double ux, double uy, std::set<std::string>& used) {
        const town& place = world_.towns[t];
        std::size_t best = none;
        double best_score = 0.0;
        for (std::size_t other = 0; other < world_.towns.size(); ++other) {
            const town& there = world_.towns[other];
            const double dx = there.x - place.x, dy = there.y - place.y, d = length_of(dx, dy);
            if (other == t || d < 1.0) continue;
            const double alignment = (dx * ux + dy * uy) / d;
            const double score = alignment * (there.size == town_size::village ? 0.8 : 1.0);
            if (alignment > 0.85 && score > best_score) {
                best_score = score;
                best = other;
            }
        }
        if (best != none && used.insert(join({world_.towns[best].name, " Road"})).second) {
            return join({world_.towns[best].name, " Road"});
        }
        if (used.insert(join({compass(ux, uy), " Road"})).second) {
            return join({compass(ux, uy), " Road"});
        }
        return invent_street_name(t, first_streets.size(), used);
    }

    /// A line from `from` along the unit heading (ux, uy) in steps of `step` metres, turning by
    /// up to `bend` radians at each, for up to `length` metres. It ends early `reach` metres from
    /// (centre_x, centre_y), near the force's edge, or (with `cells`) short of a street other
    /// than `parent` once 30 m from its start.
    std::vector<frame_point> grow_line(frame_point from, double ux, double uy, double length, double step, double bend,
                                       double centre_x, double centre_y, double reach, const street_cells* cells,
                                       std::uint32_t parent) {
        std::vector<frame_point> line{from};
        double travelled = 0.0;
        while (travelled + 1e-6 < length) {
            const double d = std::min(step, length - travelled);
            const auto [c, s] = unit_at(bend * random_.centred());
            const double turned_x = ux * c - uy * s;
            uy = ux * s + uy * c;
            ux = turned_x;
            const frame_point next{line.back().x + d * ux, line.back().y + d * uy};
            if (length_of(next.x - centre_x, next.y - centre_y) > reach || next.x < 300.0 || next.y < 300.0 ||
                next.x > width_ - 300.0 || next.y > height_ - 300.0) {
                break;
            }
            if (cells != nullptr && travelled + d > 30.0 && cells->crowded(next.x, next.y, parent)) {
                break;
            }
            line.push_back(next);
            travelled += d;
        }
        return line;
    }

    std::uint32_t add_street(std::string name, std::size_t t, road_class kind, bool rural,
                             std::vector<frame_point> line) {
        street road;
        road.name = std::move(name);
        road.town = t;
        road.kind = kind;
        road.rural = rural;
        const frame_point middle = point_along(line, line_length(line) / 2.0);
        road.x = middle.x;
        road.y = middle.y;
        road.line = std::move(line);
        world_.streets.push_back(std::move(road));
        return static_cast<std::uint32_t>(world_.streets.size() - 1);
    }

    /// Adds a map point at `arc` metres along street s (or a few metres on, when that is too near
    /// a neighbourhood boundary); returns whether it did.
    bool add_point_on(std::uint32_t s, double arc, map_point point) {
        const street& road = world_.streets[s];
        const double length = line_length(road.line);
        for (int attempt = 0; attempt < 6; ++attempt) {
            const double along = std::clamp(arc + 4.0 * attempt, 0.0, length);
            const frame_point at = point_along(road.line, along);
            if (try_add_point(at.x, at.y, point)) {
                world_.streets[s].stops.emplace_back(along, static_cast<std::uint32_t>(world_.points.size() - 1));
                return true;
            }
        }
        return false;
    }

    /// `count` map points spread along street s with some jitter, named after it.
    void add_street_points(std::uint32_t s, std::size_t count) {
        const street& road = world_.streets[s];
        const town& place = world_.towns[road.town];
        const double length = line_length(road.line);
        const bool shops = road.name == "High Street" || road.name == "Market Place";
        for (std::size_t k = 0; k < count; ++k) {
            map_point point;
            point.town = road.town;
            point.street_index = s;
            point.rural = road.rural;
            // Real data has a few points whose street has no name.
            point.location = !road.rural && random_.chance(0.03) ? "On or near " : join({"On or near ", road.name});
            const double arc =
                (static_cast<double>(k) + 0.5 + 0.35 * random_.centred()) * length / static_cast<double>(count);
            const frame_point at = point_along(road.line, arc);
            const double from_centre = length_of(at.x - place.x, at.y - place.y);
            if (!road.rural && place.size != town_size::village && shops && from_centre < 0.4 * place.radius) {
                point.profile = place_profile::retail;
            } else if (!road.rural && place.size != town_size::village && from_centre < 0.18 * place.radius) {
                point.profile = place_profile::town_centre;
            }
            if (add_point_on(s, arc, std::move(point)) && !road.rural) {
                ++world_.towns[road.town].residential_points;
            }
        }
    }

    /// A place's street network and its map points (about `points_wanted` of them, one every
    /// few tens of metres of street): main roads radiating from the centre, a High Street across
    /// it, ring roads round cities and larger towns, and side streets branching off those and off
    /// each other, curving a little, ending at junctions, the shortest of them closes; then the
    /// hot spots on the main roads near the centre.
    void add_town_streets(std::size_t t, double points_wanted) {
        const town& place = world_.towns[t];
        const bool village = place.size == town_size::village;
        const double reach = place.radius + place.spread;
        const std::uint32_t first = static_cast<std::uint32_t>(world_.streets.size());
        street_cells cells;
        std::set<std::string> used;
        std::vector<std::uint32_t> mains;

        const int main_count = place.size == town_size::city ? 8
                               : village                     ? random_.between(2, 3)
                                                             : random_.between(5, 6);
        const double start = 2.0 * pi * random_.unit();
        for (int k = 0; k < main_count; ++k) {
            const double angle = start + 2.0 * pi * (k + 0.2 * random_.centred()) / main_count;
            const auto [ux, uy] = unit_at(angle);
            std::vector<frame_point> line =
                grow_line({place.x, place.y}, ux, uy, reach, 150.0, 0.12, place.x, place.y, reach, nullptr, 0);
            if (line.size() < 2) continue;
            mains.push_back(add_street(main_road_name(t, ux, uy, used), t,
                                       village ? road_class::secondary : road_class::primary, false, std::move(line)));
        }
        if (!village) {
            const auto [ux, uy] = unit_at(start + pi / main_count);
            const double length = std::max(300.0, 0.25 * place.radius);
            used.insert("High Street");
            std::vector<frame_point> line = grow_line({place.x - ux * length / 2.0, place.y - uy * length / 2.0}, ux,
                                                      uy, length, 60.0, 0.05, place.x, place.y, reach, nullptr, 0);
            mains.push_back(add_street("High Street", t, road_class::tertiary, false, std::move(line)));
        }
        std::vector<double> rings;
        if (place.size == town_size::city) {
            rings = {0.38, 0.72};
        } else if (!village && place.radius > 1200.0) {
            rings = {0.55};
        }
        for (std::size_t r = 0; r < rings.size(); ++r) {
            constexpr int corners = 32;
            std::array<double, corners> noise{};
            for (double& n : noise)
                n = random_.centred();
            std::vector<frame_point> line;
            for (int i = 0; i < corners; ++i) {
                const double wobble =
                    0.07 * (noise[(i + corners - 1) % corners] + 2.0 * noise[i] + noise[(i + 1) % corners]) / 4.0;
                const auto [ux, uy] = unit_at(2.0 * pi * i / corners);
                const double radius = rings[r] * place.radius * (1.0 + wobble);
                line.push_back({place.x + radius * ux, place.y + radius * uy});
            }
            line.push_back(line.front());
            const std::string name = rings.size() == 1 ? join({place.name, " Ring Road"})
                                     : r == 0          ? std::string("Inner Ring Road")
                                                       : std::string("Outer Ring Road");
            used.insert(name);
            add_street(name, t, road_class::secondary, false, std::move(line));
        }

        std::vector<std::pair<std::uint32_t, std::uint32_t>> segments;  // (street, first vertex)
        double total = 0.0;
        auto adopt = [&](std::uint32_t s) {
            const street& road = world_.streets[s];
            cells.mark(road.line, s);
            for (std::uint32_t i = 0; i + 1 < road.line.size(); ++i)
                segments.emplace_back(s, i);
            total += line_length(road.line);
        };
        for (auto s = first; s < world_.streets.size(); ++s)
            adopt(s);
        const std::size_t arterial_segments = segments.size();

        // Streets enough for a point every 55 m, and never fewer than 4 km of them a square
        // kilometre (3 in a village), so that a small world's places are still towns.
        const double wanted_length = std::max(55.0 * points_wanted, (village ? 0.003 : 0.004) * pi * reach * reach);
        std::size_t side_streets = 0;
        for (double failures = 0;
             total < wanted_length && failures < 1000.0 + wanted_length / 50.0 && !segments.empty();) {
            // Four in ten branch off a main or ring road, so that every one of them gets its streets.
            const auto [parent, i] = segments[random_.below(random_.chance(0.4) ? arterial_segments : segments.size())];
            const frame_point a = world_.streets[parent].line[i], b = world_.streets[parent].line[i + 1];
            const double u = random_.unit();
            const frame_point from{a.x + u * (b.x - a.x), a.y + u * (b.y - a.y)};
            const double out = length_of(from.x - place.x, from.y - place.y) / reach;
            if (random_.unit() > 1.0 - 0.6 * out) {  // fewer streets towards the edge
                ++failures;
                continue;
            }
            const double segment = length_of(b.x - a.x, b.y - a.y);
            if (segment < 1e-6) {
                ++failures;
                continue;
            }
            const double side = random_.chance(0.5) ? 1.0 : -1.0;
            const auto [c, s] = unit_at(0.35 * random_.centred());
            const double nx = -side * (b.y - a.y) / segment, ny = side * (b.x - a.x) / segment;
            const double length = (60.0 + 340.0 * random_.unit()) * (0.6 + 0.6 * out);
            const double bend = random_.chance(0.3) ? 0.22 : 0.06;
            std::vector<frame_point> line = grow_line(from, nx * c - ny * s, nx * s + ny * c, length, 35.0, bend,
                                                      place.x, place.y, reach, &cells, parent);
            const double grown = line_length(line);
            if (grown < 50.0) {
                ++failures;
                continue;
            }
            std::string name = grown < 160.0 && random_.chance(0.6) ? invent_close_name(used)
                                                                    : invent_street_name(t, side_streets, used);
            ++side_streets;
            adopt(add_street(std::move(name), t, road_class::residential, false, std::move(line)));
        }

        // Points every so many metres, so the place gets about the points it should.
        const double spacing = std::max(total, 1.0) / points_wanted;
        for (auto s = first; s < world_.streets.size(); ++s) {
            const double share = line_length(world_.streets[s].line) / spacing;
            const auto count = static_cast<std::size_t>(std::floor(share + random_.unit()));
            add_street_points(s, count);
        }

        const auto size_index = static_cast<std::size_t>(place.size);
        for (const hot_spot_kind& kind : hot_spot_kinds) {
            for (int k = 0; k < kind.count[size_index] && !mains.empty(); ++k) {
                map_point point;
                point.town = t;
                point.profile = kind.profile;
                point.location = join({"On or near ", kind.label});
                for (int attempt = 0; attempt < 20; ++attempt) {
                    const std::uint32_t s = mains[random_.below(mains.size())];
                    const double arc = world_.streets[s].kind == road_class::tertiary
                                           ? line_length(world_.streets[s].line) * random_.unit()
                                           : 0.3 * place.radius * random_.unit();
                    if (add_point_on(s, arc, point)) break;
                }
            }
        }
    }

    void add_rural_lanes(int lanes) {
        std::set<std::string> used;
        for (int lane = 0; lane < lanes; ++lane) {
            double x = 0.0;
            double y = 0.0;
            for (int attempt = 0; attempt < 30; ++attempt) {
                x = 1000.0 + (width_ - 2000.0) * random_.unit();
                y = 1000.0 + (height_ - 2000.0) * random_.unit();
                bool in_town = false;
                for (const town& place : world_.towns) {
                    if (length_of(place.x - x, place.y - y) < place.radius + place.spread + 500.0) {
                        in_town = true;
                        break;
                    }
                }
                if (!in_town) {
                    break;
                }
            }
            std::size_t nearest = 0;
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t t = 0; t < world_.towns.size(); ++t) {
                const double d = length_of(world_.towns[t].x - x, world_.towns[t].y - y) - world_.towns[t].radius;
                if (d < best) {
                    best = d;
                    nearest = t;
                }
            }
            std::string name;
            for (int attempt = 0;; ++attempt) {
                const double style = random_.unit();
                name = style < 0.6   ? join({random_.pick(street_words), " Lane"})
                       : style < 0.8 ? join({random_.pick(street_words), " Farm Road"})
                                     : join({world_.towns[random_.below(world_.towns.size())].name, " Road"});
                if (attempt > 50) {
                    name += join({" ", zero_padded(static_cast<std::uint64_t>(attempt), 1)});
                }
                if (used.insert(name).second) {
                    break;
                }
            }
            const auto [ux, uy] = unit_at(2.0 * pi * random_.unit());
            std::vector<frame_point> line = grow_line({x, y}, ux, uy, 700.0 + 1300.0 * random_.unit(), 100.0, 0.15, x,
                                                      y, std::numeric_limits<double>::infinity(), nullptr, 0);
            if (line.size() < 2) {
                line.push_back({x + 1.0, y});  // at the force's edge: a stub, still a line
            }
            const std::uint32_t s =
                add_street(std::move(name), nearest, road_class::unclassified, true, std::move(line));
            add_street_points(s, static_cast<std::size_t>(random_.between(1, 4)));
        }
    }

    // -- LSOAs, weights, population -----------------------------------------------------------

    void assign_lsoas() {
        // An LSOA is a square of a grid laid over each place (sized for ~1,500 residents each),
        // or a 4 km square of countryside; it is named after the district, numbered in order.
        std::map<std::tuple<std::size_t, bool, long, long>, std::uint32_t> lsoa_of_square;
        std::vector<std::uint32_t> next_in_district(world_.towns.size(), 0);
        for (map_point& point : world_.points) {
            const town& place = world_.towns[point.town];
            long gx = 0;
            long gy = 0;
            if (point.rural) {
                gx = static_cast<long>(std::floor(point.x / 4000.0));
                gy = static_cast<long>(std::floor(point.y / 4000.0));
            } else {
                const double across = std::max(1.0, std::round(std::sqrt(place.population / 1500.0)));
                const double extent = 2.0 * (place.radius + place.spread);
                const double square = extent / across;
                const long last = static_cast<long>(across) - 1;
                gx = std::clamp(static_cast<long>(std::floor((point.x - place.x + extent / 2.0) / square)), 0L, last);
                gy = std::clamp(static_cast<long>(std::floor((point.y - place.y + extent / 2.0) / square)), 0L, last);
            }
            const auto key = std::make_tuple(point.town, point.rural, gx, gy);
            const auto found = lsoa_of_square.find(key);
            if (found != lsoa_of_square.end()) {
                point.lsoa_index = found->second;
                continue;
            }
            const std::size_t district = place.district;
            const std::uint32_t number = next_in_district[district]++;
            lsoa area;
            area.code = join({"E01", zero_padded(next_lsoa_code_++, 6)});
            area.name = join({world_.towns[district].name, " ", zero_padded(number / 5 + 1, 3),
                              std::string(1, static_cast<char>('A' + number % 5))});
            point.lsoa_index = static_cast<std::uint32_t>(world_.lsoas.size());
            lsoa_of_square.emplace(key, point.lsoa_index);
            world_.lsoas.push_back(std::move(area));
        }
    }

    void weigh_points() {
        // Crime per resident grows with the size of the place. Each point's weight has a long
        // tail (most points see a crime or two a year, a few dozens) and falls away from its
        // place's centre; the hot spots share an eighth of a town's crime (a twelfth of a
        // village's), unevenly, so the busiest take thousands in a national run.
        std::vector<double> town_share(world_.towns.size(), 0.0);
        std::vector<double> street_sum(world_.towns.size(), 0.0);
        std::vector<double> hot_sum(world_.towns.size(), 0.0);
        double rural_sum = 0.0;
        double towns_total = 0.0;
        for (std::size_t t = 0; t < world_.towns.size(); ++t) {
            const double people = world_.towns[t].population;
            town_share[t] = people * (0.7 + 0.3 * people / 100000.0);
            towns_total += town_share[t];
        }
        for (map_point& point : world_.points) {
            const town& place = world_.towns[point.town];
            const double u = random_.unit();
            const double v = random_.unit();
            const double d = length_of(point.x - place.x, point.y - place.y) / (0.5 * place.radius);
            if (point.rural) {
                point.weight = 1.0 / ((0.03 + u) * (0.08 + v * v));
                rural_sum += point.weight;
            } else if (point.street_index == no_street) {
                point.weight = (10.0 + 300.0 * u * u) / (1.0 + d * d);
                hot_sum[point.town] += point.weight;
            } else {
                point.weight = 1.0 / ((0.03 + u) * (0.08 + v * v) * (1.0 + d * d));
                street_sum[point.town] += point.weight;
            }
        }
        const double rural_share = 0.06 * towns_total;
        std::vector<double> weights;
        weights.reserve(world_.points.size());
        for (map_point& point : world_.points) {
            const std::size_t t = point.town;
            const double hot_share =
                hot_sum[t] > 0.0 ? (world_.towns[t].size == town_size::village ? 1.0 / 12.0 : 1.0 / 8.0) : 0.0;
            if (point.rural) {
                point.weight *= rural_share / rural_sum;
            } else if (point.street_index == no_street) {
                point.weight *= town_share[t] * hot_share / hot_sum[t];
            } else {
                point.weight *= town_share[t] * (1.0 - hot_share) / street_sum[t];
            }
            weights.push_back(point.weight);
            world_.crime_weight += point.weight;
        }
        world_.sampler = alias_table(weights);
    }

    void count_population() {
        // A place's residents are spread evenly over its street points.
        std::vector<double> people(world_.neighbourhoods.size(), 0.0);
        std::vector<std::vector<double>> people_by_town(world_.neighbourhoods.size(),
                                                        std::vector<double>(world_.towns.size(), 0.0));
        for (const map_point& point : world_.points) {
            const town& place = world_.towns[point.town];
            if (point.rural) {
                people[point.neighbourhood] += 150.0;
            } else if (point.street_index != no_street) {
                const double share = static_cast<double>(place.population) / static_cast<double>(place.residential_points);
                people[point.neighbourhood] += share;
                people_by_town[point.neighbourhood][point.town] += share;
            }
        }
        for (std::size_t n = 0; n < people.size(); ++n) {
            const std::vector<double>& by_town = people_by_town[n];
            const auto most = std::max_element(by_town.begin(), by_town.end());
            if (*most > 0.0) {
                world_.neighbourhoods[n].main_town = static_cast<std::size_t>(most - by_town.begin());
            }
            const double scattered = 300.0 + 2200.0 * random_.unit();  // farms and hamlets
            world_.neighbourhoods[n].population =
                static_cast<std::uint32_t>(std::llround((people[n] + scattered) / 10.0) * 10);
        }
    }

    void name_neighbourhoods() {
        std::set<std::string> used;
        const double force_centre_x = width_ / 2.0;
        const double force_centre_y = height_ / 2.0;
        for (neighbourhood& cell : world_.neighbourhoods) {
            std::string name;
            const bool urban = cell.main_town != none && world_.towns[cell.main_town].size != town_size::village;
            const bool holds_centre =
                urban && std::find(cell.towns.begin(), cell.towns.end(), cell.main_town) != cell.towns.end();
            if (urban && !holds_centre) {
                // Part of a city or town whose centre is elsewhere.
                const town& place = world_.towns[cell.main_town];
                name = join({place.name, " ", compass(cell.centre_x - place.x, cell.centre_y - place.y)});
            } else if (urban) {
                const town& place = world_.towns[cell.main_town];
                name = place.size == town_size::city ? join({place.name, " Central"}) : place.name;
            } else if (!cell.towns.empty()) {
                const town& biggest = world_.towns[cell.towns.front()];
                if (cell.towns.size() > 1) {
                    name = join({biggest.name, " and ", world_.towns[cell.towns[1]].name});
                } else {
                    name = join({biggest.name, " and District"});
                }
            } else {
                // Outskirts of a city or town when one is close, else the countryside between
                // its two nearest villages.
                std::size_t near_town = none;
                double near_distance = std::numeric_limits<double>::infinity();
                std::array<std::size_t, 2> villages{none, none};
                std::array<double, 2> village_distance{std::numeric_limits<double>::infinity(),
                                                       std::numeric_limits<double>::infinity()};
                for (std::size_t t = 0; t < world_.towns.size(); ++t) {
                    const town& place = world_.towns[t];
                    const double d = length_of(place.x - cell.centre_x, place.y - cell.centre_y);
                    if (place.size != town_size::village) {
                        if (d - place.radius < near_distance) {
                            near_distance = d - place.radius;
                            near_town = t;
                        }
                    } else if (d < village_distance[0]) {
                        villages[1] = villages[0];
                        village_distance[1] = village_distance[0];
                        villages[0] = t;
                        village_distance[0] = d;
                    } else if (d < village_distance[1]) {
                        villages[1] = t;
                        village_distance[1] = d;
                    }
                }
                const double half_diagonal =
                    length_of(cell.x_max - cell.x_min, cell.y_max - cell.y_min) / 2.0;
                if (near_town != none && near_distance < half_diagonal) {
                    const town& place = world_.towns[near_town];
                    name = join({place.name, " ", compass(cell.centre_x - place.x, cell.centre_y - place.y)});
                } else if (villages[1] != none) {
                    name = join({world_.towns[villages[0]].name, " and ", world_.towns[villages[1]].name, " Rural"});
                } else {
                    name = join({spec_.name.substr(0, spec_.name.find(' ')), " Rural"});
                }
            }
            if (used.count(name) != 0) {
                name = join({name, " ", compass(cell.centre_x - force_centre_x, cell.centre_y - force_centre_y)});
            }
            const std::string base = name;
            for (int suffix = 2; used.count(name) != 0; ++suffix) {
                name = join({base, " ", std::to_string(suffix)});
            }
            used.insert(name);
            cell.name = std::move(name);
        }
    }

    // -- postcodes and published text ---------------------------------------------------------

    void make_postcodes() {
        // Unit letters as Royal Mail uses them (no C, I, K, M, O, V).
        constexpr std::string_view unit_letters = "ABDEFGHJLNPQRSTUWXYZ";
        std::map<int, std::uint32_t> next_in_district;
        for (street& road : world_.streets) {
            if (road.points.empty()) {
                continue;
            }
            const town& place = world_.towns[road.town];
            int district = place.postcode_district;
            if (place.size == town_size::city) {
                district += (road.x >= place.x ? 1 : 0) + (road.y >= place.y ? 2 : 0);
            }
            const std::size_t count = road.points.size() >= 4 ? 2 : 1;
            for (std::size_t k = 0; k < count; ++k) {
                const map_point& point = world_.points[road.points[k * (road.points.size() - 1)]];
                // 4,000 units per district, visited in a scrambled but one-to-one order
                // (2897 is coprime with 4000).
                const std::uint32_t serial = next_in_district[district]++;
                const std::uint32_t unit = (serial * 2897 + 1601) % 4000;
                std::string code = join({spec_.code, std::to_string(district), " ", std::to_string(unit / 400),
                                         std::string(1, unit_letters[(unit % 400) / 20]),
                                         std::string(1, unit_letters[unit % 20])});
                const grid_position grid =
                    wgs84_to_british_grid(point.at.lat / 1e6, point.at.lon / 1e6);
                if (k == 0) {
                    road.postcode = code;
                }
                world_.postcodes.push_back({std::move(code), std::llround(grid.easting), std::llround(grid.northing)});
            }
        }
    }

    void make_blocks() {
        char buffer[32];
        for (const map_point& point : world_.points) {
            const lsoa& area = world_.lsoas[point.lsoa_index];
            world_.crime_block_starts.push_back(static_cast<std::uint32_t>(world_.crime_blocks.size()));
            world_.crime_blocks.append(buffer, write_degrees(buffer, point.at.lon));
            world_.crime_blocks += ',';
            world_.crime_blocks.append(buffer, write_degrees(buffer, point.at.lat));
            world_.crime_blocks += ',';
            world_.crime_blocks += point.location;
            world_.crime_blocks += ',';
            world_.crime_blocks += area.code;
            world_.crime_blocks += ',';
            world_.crime_blocks += area.name;

            world_.stop_block_starts.push_back(static_cast<std::uint32_t>(world_.stop_blocks.size()));
            world_.stop_blocks.append(buffer, write_degrees(buffer, point.at.lat));
            world_.stop_blocks += ',';
            world_.stop_blocks.append(buffer, write_degrees(buffer, point.at.lon));
        }
        world_.crime_block_starts.push_back(static_cast<std::uint32_t>(world_.crime_blocks.size()));
        world_.stop_block_starts.push_back(static_cast<std::uint32_t>(world_.stop_blocks.size()));
    }

    const force_spec& spec_;
    double growth_;
    double points_wanted_;
    random_source random_;
    local_frame frame_;
    double width_;
    double height_;
    std::set<std::string>& used_place_names_;
    std::uint32_t& next_lsoa_code_;
    force_world world_;
};

std::vector<force_world> build_worlds(std::uint64_t seed, const world_scale& scale) {
    std::vector<force_world> worlds;
    std::set<std::string> used_place_names;
    // Real LSOA codes stop near E01035800; starting at 50001 keeps invented ones apart.
    std::uint32_t next_lsoa_code = 50001;
    double people = 0.0;
    for (std::size_t f = 0; f < scale.forces; ++f) {
        people += nominal_population(force_specs[f]);
    }
    for (std::size_t f = 0; f < scale.forces; ++f) {
        const double points = scale.points * nominal_population(force_specs[f]) / people;
        worlds.push_back(
            force_builder(force_specs[f], f, seed, scale.growth, points, used_place_names, next_lsoa_code).build());
    }
    return worlds;
}

// ---------------------------------------------------------------------------------------------
// Static files: forces, boundaries, neighbourhoods, watch schemes, postcodes

struct month_stamp {
    int year = 0;
    int month = 0;  ///< 1..12
    std::string text;  ///< "YYYY-MM"
    int days = 0;
};

month_stamp stamp_of(int month_number) {  // month_number = year * 12 + month - 1
    month_stamp stamp;
    stamp.year = month_number / 12;
    stamp.month = month_number % 12 + 1;
    stamp.text = join({zero_padded(static_cast<std::uint64_t>(stamp.year), 4), "-",
                       zero_padded(static_cast<std::uint64_t>(stamp.month), 2)});
    constexpr std::array<int, 12> month_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    stamp.days = month_days[static_cast<std::size_t>(stamp.month - 1)];
    const bool leap = (stamp.year % 4 == 0 && stamp.year % 100 != 0) || stamp.year % 400 == 0;
    if (stamp.month == 2 && leap) {
        stamp.days = 29;
    }
    return stamp;
}

std::string date_time_text(const month_stamp& month, int day, int hour, int minute) {
    return join({month.text, "-", zero_padded(static_cast<std::uint64_t>(day), 2), "T",
                 zero_padded(static_cast<std::uint64_t>(hour), 2), ":", zero_padded(static_cast<std::uint64_t>(minute), 2),
                 ":00"});
}

std::string force_url(const force_spec& spec) { return join({"https://www.", spec.domain, "/"}); }

json force_details(const force_world& world) {
    const force_spec& spec = *world.spec;
    const std::string handle = slug_of(spec.name);
    std::vector<std::string> biggest;
    for (const town& place : world.towns) {
        if (place.size != town_size::village) {
            biggest.push_back(place.name);
        }
    }
    std::uint64_t people = 0;
    for (const neighbourhood& cell : world.neighbourhoods) {
        people += cell.population;
    }
    std::string description = join({"<p>", spec.name, " keeps the peace across ", spec.landscape, ", from ",
                                     biggest.front(), " to ", biggest.back(), ".</p>\n<p>About ",
                                     std::to_string((people + 5000) / 10000 * 10000),
                                     " people live in its ", std::to_string(world.neighbourhoods.size()),
                                     " neighbourhoods, each with its own team of officers and staff.</p>"});
    json methods = json::array();
    methods.push_back({{"title", "Facebook"},
                       {"url", join({"https://social.example/", handle})},
                       {"description", join({"Follow ", spec.name, " for local news and appeals"})}});
    methods.push_back({{"title", "Twitter"},
                       {"url", join({"https://microblog.example/", handle})},
                       {"description", join({"Keep up to date with ", spec.name})}});
    methods.push_back({{"title", "YouTube"},
                       {"url", join({"https://video.example/", handle})},
                       {"description", "Watch our latest videos"}});
    methods.push_back({{"title", "RSS"},
                       {"url", join({force_url(spec), "news/rss/"})},
                       {"description", "News and appeals as they are published"}});
    methods.push_back({{"title", "telephone"}, {"url", ""}, {"description", "101"}});
    return json{{"id", spec.id},
                {"name", spec.name},
                {"description", description},
                {"url", force_url(spec)},
                {"telephone", "101"},
                {"engagement_methods", methods}};
}

std::string kml_of(const neighbourhood& cell) {
    std::string text =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
        "<Document>\n"
        "<Placemark>\n"
        "<name>";
    text += cell.id;
    text +=
        "</name>\n"
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>";
    char buffer[32];
    for (std::size_t i = 0; i < cell.boundary.size(); ++i) {
        if (i != 0) {
            text += ' ';
        }
        text.append(buffer, write_degrees(buffer, cell.boundary[i].lon));
        text += ',';
        text.append(buffer, write_degrees(buffer, cell.boundary[i].lat));
    }
    text +=
        "</coordinates></LinearRing></outerBoundaryIs></Polygon>\n"
        "</Placemark>\n"
        "</Document>\n"
        "</kml>\n";
    return text;
}

std::string invent_person_name(random_source& random) {
    return join({random.pick(first_names), " ", random.pick(name_starts), random.pick(surname_ends)});
}

/// The invented officers, priorities and events of one neighbourhood, and its public details.
json neighbourhood_details(const force_world& world, std::size_t n, std::uint64_t seed, std::size_t force_index,
                           const month_stamp& last_month) {
    const force_spec& spec = *world.spec;
    const neighbourhood& cell = world.neighbourhoods[n];
    random_source random(seed, stream::details, force_index, n);
    const std::string slug = slug_of(cell.name);
    const std::string team_handle = join({slug_of(cell.id), "team"});

    // Streets and places of this neighbourhood, for the prose.
    std::vector<std::uint32_t> local_streets;
    for (std::uint32_t s = 0; s < world.streets.size(); ++s) {
        const street& road = world.streets[s];
        if (!road.points.empty() && world.points[road.points.front()].neighbourhood == n) {
            local_streets.push_back(s);
        }
    }
    auto some_street = [&]() -> std::string {
        if (local_streets.empty()) {
            return "the main road";
        }
        return world.streets[local_streets[random.below(local_streets.size())]].name;
    };
    std::string place_list;
    for (std::size_t k = 0; k < cell.towns.size() && k < 3; ++k) {
        place_list += k == 0 ? "" : (k + 1 == std::min<std::size_t>(cell.towns.size(), 3) ? " and " : ", ");
        place_list += world.towns[cell.towns[k]].name;
    }
    const bool edge_of_town = cell.main_town != none &&
                              world.towns[cell.main_town].size != town_size::village &&
                              std::find(cell.towns.begin(), cell.towns.end(), cell.main_town) == cell.towns.end();
    if (edge_of_town) {
        place_list = join({"the outer streets of ", world.towns[cell.main_town].name,
                           place_list.empty() ? "" : " and ", place_list});
    } else if (place_list.empty() && cell.main_town != none) {
        const town& place = world.towns[cell.main_town];
        place_list = join({place.size == town_size::village ? "the countryside around " : "the outer streets of ",
                           place.name});
    } else if (place_list.empty()) {
        place_list = "the villages, farms and lanes of the area";
    }
    const std::size_t home = !cell.towns.empty() ? cell.towns.front() : cell.main_town;
    const std::string home_town = home != none ? world.towns[home].name : cell.name;

    json contact{{"email", join({slug, ".team@", spec.domain})},
                 {"telephone", "101"},
                 {"twitter", join({"https://microblog.example/", team_handle})},
                 {"facebook", join({"https://social.example/", slug_of(spec.name)})}};

    json locations = json::array();
    if (!cell.towns.empty() && world.towns[cell.towns.front()].size != town_size::village && !local_streets.empty()) {
        const street& road = world.streets[local_streets.front()];
        locations.push_back({{"name", join({home_town, " Police Station"})},
                             {"longitude", nullptr},
                             {"postcode", road.postcode},
                             {"address", join({std::to_string(random.between(1, 120)), " ", road.name, "\n, ", home_town})},
                             {"latitude", nullptr},
                             {"type", "station"},
                             {"description", nullptr}});
    }

    // The council of the place it is named after, or of the nearest place its lanes lead to.
    const std::size_t local_town = home != none              ? home
                                   : !local_streets.empty() ? world.streets[local_streets.front()].town
                                                            : 0;
    const std::string district_name = world.towns[world.towns[local_town].district].name;
    json links = json::array();
    links.push_back({{"url", join({"https://www.", slug_of(district_name), ".council.example/"})},
                     {"description", nullptr},
                     {"title", join({district_name, " Council"})}});

    json people = json::array();
    const int officers = random.between(2, 5);
    for (int k = 0; k < officers; ++k) {
        std::string_view rank = k == 0 ? "Sergeant" : random.chance(0.55) ? "Police Constable" : "Police Community Support Officer";
        if (k == 0 && !cell.towns.empty() && world.towns[cell.towns.front()].size != town_size::village &&
            random.chance(0.5)) {
            rank = "Inspector";
        }
        const std::string name = invent_person_name(random);
        const std::string first = name.substr(0, name.find(' '));
        json bio = nullptr;
        if (random.chance(0.6)) {
            constexpr std::array<std::string_view, 6> before{
                "response policing", "the control room", "roads policing",
                "a career in retail", "youth work", "the ambulance service"};
            constexpr std::array<std::string_view, 6> focus{
                "anti-social behaviour", "road safety", "rural crime",
                "burglary prevention", "the night-time economy", "work with local schools"};
            // Drawn in this order, as the seed's output has always been.
            auto joined = random.between(2003, 2021);
            auto came_from = random.pick(before);
            auto years = random.between(1, 9);
            bio = join({first, " joined ", spec.name, " in ", std::to_string(joined), " after ", came_from,
                        " and has worked in ", cell.name, " for ", std::to_string(years), years == 1 ? " year. " : " years. ",
                        first, " leads the team's work on ", random.pick(focus), "."});
        }
        people.push_back({{"name", name}, {"rank", rank}, {"bio", bio}, {"contact_details", json::object()}});
    }

    constexpr std::array<std::string_view, 7> issues{
        "To reduce anti-social behaviour in and around ",
        "To tackle speeding and inconsiderate parking on ",
        "To reduce shoplifting from the shops on ",
        "To disrupt drug dealing reported near ",
        "To prevent thefts from vehicles parked on ",
        "To reduce burglary in the streets around ",
        "To deter off-road motorbikes using "};
    constexpr std::array<std::string_view, 4> actions{
        "Extra patrols at the times residents told us about, with partners from the council.",
        "Warning letters, two arrests and a dispersal order over the summer weekends.",
        "Crime prevention visits to every house on the street and a property marking event.",
        "Joint work with the housing association; reports have fallen and the priority is closed."};
    json priorities = json::array();
    const int priority_count = random.between(1, 3);
    for (int k = 0; k < priority_count; ++k) {
        const month_stamp issued = stamp_of(last_month.year * 12 + last_month.month - 1 - random.between(1, 12));
        const std::string issue = join({"<p>", random.pick(issues), some_street(), ".</p>"});
        json entry{{"action", nullptr},
                   {"issue-date", date_time_text(issued, random.between(1, 28), 0, 0)},
                   {"action-date", nullptr},
                   {"issue", issue}};
        if (random.chance(0.6)) {
            const month_stamp acted = stamp_of(issued.year * 12 + issued.month - 1 + random.between(1, 3));
            entry["action"] = join({"<p>", random.pick(actions), "</p>"});
            entry["action-date"] = date_time_text(acted, random.between(1, 28), 0, 0);
        }
        priorities.push_back(std::move(entry));
    }

    constexpr std::array<std::string_view, 5> event_titles{"Street briefing", "Police surgery", "Bike marking",
                                                           "Community meeting", "Have your say"};
    constexpr std::array<std::string_view, 4> venues{"Library", "Community Centre", "Village Hall", "Community Hub"};
    json events = json::array();
    const int event_count = random.between(0, 3);
    const month_stamp next_month = stamp_of(last_month.year * 12 + last_month.month);
    for (int k = 0; k < event_count; ++k) {
        const std::string_view title = random.pick(event_titles);
        const std::string_view venue = random.pick(venues);
        const int day = random.between(1, 28);
        const int hour = random.between(9, 19);
        events.push_back({{"title", join({title, ", ", home_town})},
                          {"type", "meeting"},
                          {"description", join({"<p>Meet your neighbourhood team at the ", venue,
                                                " and tell us what matters to you.</p>"})},
                          {"address", join({home_town, " ", venue, ", ", some_street()})},
                          {"start_date", date_time_text(next_month, day, hour, 0)},
                          {"end_date", date_time_text(next_month, day, hour + 2, 0)},
                          {"contact_details", json::object()}});
    }

    return json{{"id", cell.id},
                {"name", cell.name},
                {"description", join({"<p>The ", cell.name, " neighbourhood team looks after ", place_list,
                                      ".</p>\n<p>Call 101, or 999 in an emergency.</p>"})},
                {"population", std::to_string(cell.population)},
                {"url_force", join({force_url(spec), "area/your-area/", slug, "/"})},
                {"contact_details", contact},
                {"centre", {{"latitude", degrees_text(cell.centre.lat)}, {"longitude", degrees_text(cell.centre.lon)}}},
                {"locations", locations},
                {"links", links},
                {"people", people},
                {"priorities", priorities},
                {"events", events}};
}

/// Writes watch/schemes.geojson; returns how many schemes it holds.
std::uint64_t write_watch_schemes(const std::vector<force_world>& worlds, std::uint64_t seed,
                                  const std::filesystem::path& path) {
    const label_choice statuses{{"self-declared", 50}, {"verified-by-volunteer", 30}, {"verified-by-police", 20}};
    constexpr std::array<std::string_view, 6> meetings{
        "Monthly, first Tuesday, 7pm at the ", "Quarterly at the ", "Twice a year at the ",
        "Every other month, Wednesday evenings at the ", "Annual meeting each spring at the ",
        "No regular meetings; news goes round by newsletter"};
    constexpr std::array<std::string_view, 3> venues{"Library", "Community Centre", "Village Hall"};
    constexpr std::array<std::string_view, 3> name_forms{" Neighbourhood Watch", " Residents' Watch", " Watch Group"};

    std::string text = "{\"type\":\"FeatureCollection\",\"features\":[\n";
    std::uint64_t count = 0;
    auto append_position = [](std::string& target, micro_point p) {
        char buffer[32];
        target += '[';
        target.append(buffer, write_degrees(buffer, p.lon));
        target += ',';
        target.append(buffer, write_degrees(buffer, p.lat));
        target += ']';
    };
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        const force_world& world = worlds[f];
        const force_spec& spec = *world.spec;
        random_source random(seed, stream::schemes, f);
        const local_frame frame(spec.west, spec.south, (spec.south + spec.north) / 2.0);
        // Streets by town, so schemes sit on real streets of the invented towns.
        std::vector<std::vector<std::uint32_t>> streets_of(world.towns.size());
        for (std::uint32_t s = 0; s < world.streets.size(); ++s) {
            if (!world.streets[s].rural && !world.streets[s].points.empty()) {
                streets_of[world.streets[s].town].push_back(s);
            }
        }
        std::uint64_t force_count = 0;
        for (std::size_t t = 0; t < world.towns.size(); ++t) {
            const town& place = world.towns[t];
            int wanted = place.size == town_size::city   ? random.between(45, 75)
                         : place.size == town_size::town ? random.between(6, 16)
                                                         : random.between(0, 3);
            std::vector<std::uint32_t> candidates = streets_of[t];
            while (wanted-- > 0 && !candidates.empty()) {
                const std::size_t index = random.below(candidates.size());
                const street& road = world.streets[candidates[index]];
                candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(index));

                const std::string name = join({road.name, random.pick(name_forms)});
                std::string geometry;
                int households = 0;
                if (random.chance(0.65)) {
                    // A small hexagon around the street, counter-clockwise from the east.
                    const double a = 60.0 + 160.0 * random.unit();
                    const double b = a * (0.6 + 0.6 * random.unit());
                    const std::array<std::pair<double, double>, 6> shape{
                        {{a, 0.0}, {a / 2.0, b}, {-a / 2.0, b}, {-a, 0.0}, {-a / 2.0, -b}, {a / 2.0, -b}}};
                    ring outline;
                    for (const auto& [dx, dy] : shape) {
                        outline.push_back(frame.to_micro(road.x + dx * (1.0 + 0.12 * random.centred()),
                                                         road.y + dy * (1.0 + 0.12 * random.centred())));
                    }
                    outline.push_back(outline.front());
                    geometry = "{\"type\":\"Polygon\",\"coordinates\":[[";
                    for (std::size_t k = 0; k < outline.size(); ++k) {
                        if (k != 0) {
                            geometry += ',';
                        }
                        append_position(geometry, outline[k]);
                    }
                    geometry += "]]}";
                    const double area = 3.0 * a * b;  // of the regular hexagon
                    const double per_home = place.size == town_size::city ? 350.0 : place.size == town_size::town ? 500.0 : 900.0;
                    households = std::clamp(static_cast<int>(area / per_home), 6, 480);
                } else {
                    geometry = "{\"type\":\"Point\",\"coordinates\":";
                    append_position(geometry, world.points[road.points.front()].at);
                    geometry += '}';
                    households = random.between(8, 120);
                }
                const std::string_view meeting = random.pick(meetings);
                json properties{
                    {"id", join({spec.id, "-", zero_padded(++force_count, 4)})},
                    {"name", name},
                    {"description", join({"Residents of ", road.name, " and the roads nearby in ", place.name,
                                          " looking out for one another and passing on police alerts."})},
                    {"status", statuses.pick(random)},
                    {"households", households},
                    {"website", random.chance(0.4) ? join({"https://", slug_of(name), ".watch.example/"}) : ""},
                    {"meetings", meeting.back() == ' ' ? join({meeting, place.name, " ", random.pick(venues)})
                                                        : std::string(meeting)}};
                text += count == 0 ? "" : ",\n";
                text += "{\"type\":\"Feature\",\"geometry\":";
                text += geometry;
                text += ",\"properties\":";
                text += properties.dump();
                text += '}';
                ++count;
            }
        }
    }
    text += "\n]}\n";
    write_whole_file(path, text);
    return count;
}

// ---------------------------------------------------------------------------------------------
// Monthly files

constexpr std::string_view street_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n";
constexpr std::string_view outcomes_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Outcome type\n";
constexpr std::string_view stop_and_search_header =
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing\n";

/// An outcome decided when its crime was written, waiting for its month.
struct pending_outcome {
    std::uint64_t crime = 0;
    std::uint32_t point = no_location;
    std::uint8_t what = 0;
};

constexpr char hex_digits[] = "0123456789abcdef";

/// Writes the 64 hex digits of a crime's persistent id, a pure function of seed and serial.
char* write_crime_id(char* out, std::uint64_t id_key, std::uint64_t crime) {
    const std::uint64_t base = mix64(id_key + crime);  // a bijection: ids never repeat
    for (std::uint64_t word_index = 0; word_index < 4; ++word_index) {
        std::uint64_t word = word_index == 0 ? base : mix64(base ^ (word_index * 0xd1b54a32d192ed03ULL));
        for (int digit = 15; digit >= 0; --digit) {
            out[digit] = hex_digits[word & 0xf];
            word >>= 4;
        }
        out += 16;
    }
    return out;
}

char* write_two_digits(char* out, std::uint32_t value) {
    out[0] = static_cast<char>('0' + value / 10);
    out[1] = static_cast<char>('0' + value % 10);
    return out + 2;
}

char* append(char* out, std::string_view text) {
    if (!text.empty()) {  // an empty view may hold a null pointer, which memcpy must not get
        std::memcpy(out, text.data(), text.size());
    }
    return out + text.size();
}

// Stop and search vocabularies, as published since 2019; weights per thousand.
const label_choice stop_types{{"Person search", 740}, {"Person and Vehicle search", 220}, {"Vehicle search", 40}};
const label_choice operation_flags{{"False", 800}, {"", 170}, {"True", 30}};
const label_choice operation_names{{"Operation Kestrel", 1}, {"Operation Harrier", 1}, {"Operation Lantern", 1}, {"", 2}};
const label_choice genders{{"Male", 880}, {"Female", 105}, {"Other", 3}, {"", 12}};
const label_choice age_ranges{{"under 10", 1}, {"10-17", 160}, {"18-24", 330}, {"25-34", 250}, {"over 34", 220}, {"", 40}};
const label_choice self_defined_ethnicities{
    {"White - English/Welsh/Scottish/Northern Irish/British", 520},
    {"White - Any other White background", 70},
    {"White - Irish", 5},
    {"Black/African/Caribbean/Black British - African", 40},
    {"Black/African/Caribbean/Black British - Caribbean", 30},
    {"Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", 30},
    {"Asian/Asian British - Pakistani", 30},
    {"Asian/Asian British - Indian", 15},
    {"Asian/Asian British - Bangladeshi", 10},
    {"Asian/Asian British - Any other Asian background", 20},
    {"Asian/Asian British - Chinese", 3},
    {"Mixed/Multiple ethnic groups - White and Black Caribbean", 20},
    {"Mixed/Multiple ethnic groups - White and Black African", 5},
    {"Mixed/Multiple ethnic groups - White and Asian", 5},
    {"Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", 12},
    {"Other ethnic group - Any other ethnic group", 15},
    {"Other ethnic group - Not stated", 120},
    {"", 40},
};
const label_choice officer_ethnicities{{"White", 740}, {"Black", 130}, {"Asian", 90}, {"Other", 20}, {"", 20}};
const label_choice outcome_links{{"True", 70}, {"False", 20}, {"", 10}};
const label_choice removals{{"False", 750}, {"", 220}, {"True", 30}};

/// What the officer saw: from the self-defined group when there is one.
std::string_view officer_view(std::string_view self_defined, random_source& random) {
    if (random.chance(0.9)) {
        if (self_defined.starts_with("White")) {
            return "White";
        }
        if (self_defined.starts_with("Black")) {
            return "Black";
        }
        if (self_defined.starts_with("Asian")) {
            return "Asian";
        }
        if (self_defined.starts_with("Other ethnic group - Any")) {
            return "Other";
        }
    }
    return officer_ethnicities.pick(random);
}

struct search_power {
    std::string_view legislation;
    std::string_view object;
};

constexpr std::array<search_power, 10> search_powers{{
    {"Misuse of Drugs Act 1971 (section 23)", "Controlled drugs"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Stolen goods"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Offensive weapons"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Article for use in theft"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Articles for use in criminal damage"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Fireworks"},
    {"Criminal Justice and Public Order Act 1994 (section 60)", "Offensive weapons"},
    {"Firearms Act 1968 (section 47)", "Firearms"},
    {"Criminal Justice Act 1988 (section 139B)", "Offensive weapons"},
    {"Psychoactive Substances Act 2016 (s36(2))", "Psychoactive substances"},
}};
const weighted_choice search_power_mix{600, 120, 90, 50, 30, 5, 20, 20, 5, 3};

const label_choice search_outcomes{{"A no further action disposal", 680},
                                   {"Arrest", 140},
                                   {"Community resolution", 60},
                                   {"Khat or Cannabis warning", 60},
                                   {"Summons / charged by post", 30},
                                   {"Penalty Notice for Disorder", 15},
                                   {"Caution (simple or conditional)", 15}};

// Searches by hour of day (0-23): most in the evening, fewest before dawn.
const weighted_choice search_hours{30, 22, 16, 10, 6, 4, 4, 6, 10, 14, 18, 22,
                                   26, 28, 30, 34, 40, 44, 48, 50, 50, 48, 44, 38};

// Crime by calendar month (January first), per thousand: a summer peak, a February dip.
constexpr std::array<std::uint32_t, 12> seasonal_weights{930, 880, 970, 980, 1030, 1040,
                                                         1080, 1050, 1010, 1020, 980, 940};

/// Splits `rows` exactly over forces and months by largest remainder, in integers.
std::vector<std::vector<std::uint64_t>> share_out_rows(const std::vector<force_world>& worlds, std::uint64_t rows,
                                                       const std::vector<month_stamp>& months) {
    double heaviest = 0.0;
    for (const force_world& world : worlds) {
        heaviest = std::max(heaviest, world.crime_weight);
    }
    struct cell_share {
        std::size_t force, month;
        std::uint64_t remainder;
    };
    std::vector<std::vector<std::uint64_t>> counts(worlds.size(), std::vector<std::uint64_t>(months.size(), 0));
    std::vector<std::uint64_t> weights;
    std::uint64_t total = 0;
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        const auto force_weight = static_cast<std::uint64_t>(std::llround(worlds[f].crime_weight / heaviest * 10000.0));
        for (std::size_t m = 0; m < months.size(); ++m) {
            // A slow upward drift of 0.3% a month on top of the seasons.
            const std::uint64_t weight =
                force_weight * (seasonal_weights[static_cast<std::size_t>(months[m].month - 1)] + 3 * m);
            weights.push_back(weight);
            total += weight;
        }
    }
    std::vector<cell_share> shares;
    std::uint64_t given = 0;
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        for (std::size_t m = 0; m < months.size(); ++m) {
            const std::uint64_t product = rows * weights[f * months.size() + m];  // < 2^36 * 2^26
            counts[f][m] = product / total;
            given += counts[f][m];
            shares.push_back({f, m, product % total});
        }
    }
    std::stable_sort(shares.begin(), shares.end(),
                     [](const cell_share& a, const cell_share& b) { return a.remainder > b.remainder; });
    for (std::size_t k = 0; given < rows; ++k, ++given) {
        ++counts[shares[k].force][shares[k].month];
    }
    return counts;
}

class monthly_writer {
public:
    monthly_writer(const generate_options& options, const std::vector<force_world>& worlds,
                   const std::vector<month_stamp>& months, generate_summary& summary)
        : options_(options),
          worlds_(worlds),
          months_(months),
          summary_(summary),
          id_key_(mix64(mix64(options.seed) ^ static_cast<std::uint64_t>(stream::crime_ids))),
          pending_(worlds.size() * months.size()) {}

    void write_month(std::size_t m, const std::vector<std::vector<std::uint64_t>>& counts) {
        const month_stamp& month = months_[m];
        const std::filesystem::path folder = options_.out / month.text;
        std::filesystem::create_directories(folder);
        for (std::size_t f = 0; f < worlds_.size(); ++f) {
            const std::string stem = join({month.text, "-", worlds_[f].spec->id, "-"});
            write_street(f, m, counts[f][m], folder / join({stem, "street.csv"}));
            write_outcomes(f, m, folder / join({stem, "outcomes.csv"}));
            write_stop_and_search(f, m, counts[f][m], folder / join({stem, "stop-and-search.csv"}));
            summary_.files += 3;
        }
    }

private:
    std::string row_prefix(std::size_t f, const month_stamp& month) const {
        const std::string_view name = worlds_[f].spec->name;
        return join({",", month.text, ",", name, ",", name, ","});
    }

    void schedule(std::size_t f, std::size_t month, std::uint64_t crime, std::uint32_t point, outcome what) {
        if (month < months_.size()) {
            pending_[f * months_.size() + month].push_back({crime, point, static_cast<std::uint8_t>(what)});
        }
    }

    void write_street(std::size_t f, std::size_t m, std::uint64_t count, const std::filesystem::path& path) {
        const force_world& world = worlds_[f];
        random_source random(options_.seed, stream::street, f, static_cast<std::uint64_t>(m));
        const std::string prefix = row_prefix(f, months_[m]);
        text_file file(path);
        file.write(street_header);
        for (std::uint64_t row = 0; row < count; ++row) {
            const std::uint64_t crime = next_crime_++;
            std::uint32_t point = no_location;
            place_profile profile = place_profile::residential;
            if (random.below(1000) >= world.spec->no_location_per_mille) {
                point = world.sampler.pick(random.next());
                profile = world.points[point].profile;
            }
            const std::size_t type = crime_mix_by_profile[static_cast<std::size_t>(profile)].pick(random);

            char* out = file.reserve(1024);
            std::string_view last;
            if (type != anti_social_behaviour) {
                out = write_crime_id(out, id_key_, crime);
                last = decide_outcomes(f, m, crime, point, type, random);
            }
            out = append(out, prefix);
            out = append(out, world.crime_block(point));
            *out++ = ',';
            out = append(out, crime_type_labels[type]);
            *out++ = ',';
            out = append(out, last);
            *out++ = ',';  // Context, always empty
            *out++ = '\n';
            file.commit(out);
        }
        file.close();
        summary_.street_rows += count;
    }

    /// Decides the whole story of a crime now, queues its outcome rows, and returns its
    /// "Last outcome category" as of the newest month.
    std::string_view decide_outcomes(std::size_t f, std::size_t m, std::uint64_t crime, std::uint32_t point,
                                     std::size_t type, random_source& random) {
        const std::size_t final_outcome = final_outcome_mix[outcome_group(type)].pick(random);
        if (final_outcome == status_update_unavailable) {
            return outcome_labels[final_outcome];
        }
        const std::size_t decided = m + first_outcome_delay.pick(random);
        if (!goes_to_court(final_outcome)) {
            schedule(f, decided, crime, point, static_cast<outcome>(final_outcome));
            return outcome_labels[decided < months_.size() ? final_outcome : std::size_t{under_investigation}];
        }
        const std::size_t verdict = decided + court_delay.pick(random);
        schedule(f, decided, crime, point, suspect_charged);
        schedule(f, verdict, crime, point, static_cast<outcome>(final_outcome));
        if (verdict < months_.size()) {
            return outcome_labels[final_outcome];
        }
        return outcome_labels[decided < months_.size() ? awaiting_court_outcome : under_investigation];
    }

    void write_outcomes(std::size_t f, std::size_t m, const std::filesystem::path& path) {
        const force_world& world = worlds_[f];
        std::vector<pending_outcome> due;
        due.swap(pending_[f * months_.size() + m]);  // and give the memory back afterwards
        const std::string prefix = row_prefix(f, months_[m]);
        text_file file(path);
        file.write(outcomes_header);
        for (const pending_outcome& entry : due) {
            char* out = file.reserve(1024);
            out = write_crime_id(out, id_key_, entry.crime);
            out = append(out, prefix);
            out = append(out, world.crime_block(entry.point));
            *out++ = ',';
            out = append(out, outcome_labels[entry.what]);
            *out++ = '\n';
            file.commit(out);
        }
        file.close();
        summary_.outcome_rows += due.size();
    }

    void write_stop_and_search(std::size_t f, std::size_t m, std::uint64_t crimes, const std::filesystem::path& path) {
        const force_world& world = worlds_[f];
        const month_stamp& month = months_[m];
        random_source random(options_.seed, stream::stops, f, static_cast<std::uint64_t>(m));
        const std::uint64_t count = (crimes * world.spec->stops_per_mille + random.below(1000)) / 1000;

        // Rows are in time order, as published.
        minutes_.clear();
        for (std::uint64_t k = 0; k < count; ++k) {
            const auto day = static_cast<std::uint32_t>(random.below(static_cast<std::uint64_t>(month.days)));
            const auto hour = static_cast<std::uint32_t>(search_hours.pick(random));
            minutes_.push_back((day * 24 + hour) * 60 + static_cast<std::uint32_t>(random.below(60)));
        }
        std::sort(minutes_.begin(), minutes_.end());

        const std::string date_prefix = join({month.text, "-"});
        text_file file(path);
        file.write(stop_and_search_header);
        for (const std::uint32_t minute : minutes_) {
            const std::string_view type = stop_types.pick(random);
            const std::string_view in_operation = operation_flags.pick(random);
            const std::string_view operation = in_operation == "True" ? operation_names.pick(random) : "";
            const std::uint32_t point =
                random.below(100) < 7 ? no_location : world.sampler.pick(random.next());
            const bool person = type != "Vehicle search";
            const std::string_view gender = person ? genders.pick(random) : "";
            const std::string_view age = person ? age_ranges.pick(random) : "";
            const std::string_view self_defined = person ? self_defined_ethnicities.pick(random) : "";
            const std::string_view officer_defined = person ? officer_view(self_defined, random) : "";
            const search_power& power = search_powers[search_power_mix.pick(random)];
            std::string_view result = search_outcomes.pick(random);
            if (result == "Khat or Cannabis warning" && power.object != "Controlled drugs") {
                result = "A no further action disposal";
            }
            const std::string_view linked =
                result == "A no further action disposal" ? (random.chance(0.4) ? "False" : "") : outcome_links.pick(random);
            const std::string_view removal = person ? removals.pick(random) : "";

            char* out = file.reserve(1024);
            out = append(out, type);
            *out++ = ',';
            out = append(out, date_prefix);
            out = write_two_digits(out, minute / 1440 + 1);
            *out++ = 'T';
            out = write_two_digits(out, minute / 60 % 24);
            *out++ = ':';
            out = write_two_digits(out, minute % 60);
            out = append(out, ":00+00:00,");
            out = append(out, in_operation);
            *out++ = ',';
            out = append(out, operation);
            *out++ = ',';
            out = append(out, world.stop_block(point));
            *out++ = ',';
            for (const std::string_view field :
                 {gender, age, self_defined, officer_defined, power.legislation, power.object, result, linked}) {
                out = append(out, field);
                *out++ = ',';
            }
            out = append(out, removal);
            *out++ = '\n';
            file.commit(out);
        }
        file.close();
        summary_.stop_rows += count;
    }

    const generate_options& options_;
    const std::vector<force_world>& worlds_;
    const std::vector<month_stamp>& months_;
    generate_summary& summary_;
    std::uint64_t id_key_;
    std::uint64_t next_crime_ = 0;
    std::vector<std::vector<pending_outcome>> pending_;  ///< per force and month of the window
    std::vector<std::uint32_t> minutes_;
};

std::string with_commas(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (std::size_t at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return digits;
}

void check_options(const generate_options& options) {
    const int month = options.last_month % 100;
    const int year = options.last_month / 100;
    if (month < 1 || month > 12 || year < 1000 || year > 9999) {
        throw std::invalid_argument("generate: last_month must be YYYYMM, got " + std::to_string(options.last_month));
    }
    if (options.months < 1 || options.months > 1200 || year * 12 + month - options.months < 1000 * 12) {
        throw std::invalid_argument("generate: months must be between 1 and 1200, got " +
                                    std::to_string(options.months));
    }
    if (options.rows > (std::uint64_t{1} << 36)) {
        throw std::invalid_argument("generate: rows must be at most 2^36");
    }
    if (options.out.empty()) {
        throw std::invalid_argument("generate: no output folder");
    }
}

}  // namespace

namespace {

/// The map points of one force in 250 m cells, to keep parks, woods, lakes and buildings off them.
class point_grid {
public:
    explicit point_grid(const force_world& world) : world_(world) {
        for (std::uint32_t p = 0; p < world.points.size(); ++p) {
            cells_[key(cell(world.points[p].x), cell(world.points[p].y))].push_back(p);
        }
    }

    /// Whether no map point lies within `radius` metres of (x, y).
    bool clear(double x, double y, double radius) const {
        for (std::int64_t cx = cell(x - radius); cx <= cell(x + radius); ++cx) {
            for (std::int64_t cy = cell(y - radius); cy <= cell(y + radius); ++cy) {
                const auto found = cells_.find(key(cx, cy));
                if (found == cells_.end()) continue;
                for (const std::uint32_t p : found->second) {
                    if (length_of(world_.points[p].x - x, world_.points[p].y - y) < radius) return false;
                }
            }
        }
        return true;
    }

private:
    static constexpr double size = 250.0;
    static std::int64_t cell(double v) { return static_cast<std::int64_t>(std::floor(v / size)); }
    static std::uint64_t key(std::int64_t cx, std::int64_t cy) {
        return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint32_t>(cy);
    }

    const force_world& world_;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> cells_;
};

constexpr std::array<std::string_view, 10> river_names{
    "River Wend", "River Aske", "River Brill", "River Lune Minor", "River Coln",
    "River Idle Water", "River Sallow", "River Tarn", "River Meon Parva", "River Evenlode Minor"};
constexpr std::array<std::string_view, 6> lake_names{"Mere", "Pool", "Water", "Lake", "Reservoir", "Broad"};
constexpr std::array<std::string_view, 6> park_names{"Park", "Recreation Ground", "Memorial Park", "Gardens",
                                                     "Playing Fields", "Green"};
constexpr std::array<std::string_view, 5> wood_names{"Wood", "Copse", "Forest", "Spinney", "Hanger"};

/// Buildings in all, shared out between the forces: enough for town centres, few enough to keep
/// the demo's tile archive small.
constexpr std::size_t building_budget = 3000;

/// One force's river, lakes, parks, woods and buildings for write_osm, from their own random
/// stream (stream::basemap), so the crime files do not change with them. Lakes, parks and woods
/// keep clear of the map points (and so of the streets through them), and each force's first wood
/// is a nature reserve too; buildings line the
/// streets that take the most crime, in town centres, `budget` at most.
template <class Node, class Tag, class Way>
void write_osm_scenery(const force_world& world, std::size_t f, std::uint64_t seed, std::size_t budget,
                       const local_frame& frame, Node& node, Tag& tag, Way& way) {
    random_source random(seed, stream::basemap, f);
    const point_grid grid(world);
    const double width = frame.width_of(world.spec->east), height = frame.height_of(world.spec->north);
    struct disc {
        double x, y, r;
    };
    std::vector<disc> taken;  // lakes, parks and woods, kept apart and free of buildings
    auto free_of_taken = [&](double x, double y, double r) {
        return std::none_of(taken.begin(), taken.end(),
                            [&](const disc& d) { return length_of(d.x - x, d.y - y) < d.r + r; });
    };
    auto closed = [&](const std::vector<std::pair<double, double>>& corners, const std::string& tags) {
        std::vector<std::int64_t> refs;
        for (const auto& [x, y] : corners) refs.push_back(node(frame.to_micro(x, y), ""));
        refs.push_back(refs.front());
        way(refs, tags);
        return refs;
    };
    // A rounded shape: 12 corners at 0.75 to 1.25 times r from (x, y).
    auto blob = [&](const disc& d) {
        std::vector<std::pair<double, double>> corners;
        for (int i = 0; i < 12; ++i) {
            const double angle = i * (2 * pi / 12), k = 0.75 + 0.5 * random.unit();
            corners.emplace_back(d.x + k * d.r * std::cos(angle), d.y + k * d.r * std::sin(angle));
        }
        return corners;
    };
    // A spot of radius r between near and far town radii from the town's centre, clear of map
    // points and of what is already placed; none after 16 tries.
    auto spot = [&](const town& place, double near, double far, double r) -> std::optional<disc> {
        for (int attempt = 0; attempt < 16; ++attempt) {
            const auto [a, b] = random.in_disc();
            const double length = length_of(a, b);
            const double d = place.radius * (near + (far - near) * random.unit());
            if (length < 1e-6) continue;
            const disc at{place.x + a / length * d, place.y + b / length * d, r};
            if (at.x < r || at.y < r || at.x + r > width || at.y + r > height) continue;
            if (grid.clear(at.x, at.y, r + 15.0) && free_of_taken(at.x, at.y, r + 20.0)) {
                taken.push_back(at);
                return at;
            }
        }
        return std::nullopt;
    };

    // A river across the force's area, west to east (south to north in a tall one), through the
    // largest place a little off its centre, winding.
    std::size_t main_town = 0;
    for (std::size_t t = 1; t < world.towns.size(); ++t) {
        if (world.towns[t].population > world.towns[main_town].population) main_town = t;
    }
    if (!world.towns.empty()) {
        const town& place = world.towns[main_town];
        const bool across = width >= height;
        const double span = across ? width : height, side = across ? height : width;
        const double at = across ? place.x : place.y;
        const double offset = (random.chance(0.5) ? 1 : -1) * place.radius * (0.4 + 0.3 * random.unit());
        const double cross = (across ? place.y : place.x) + offset;
        const double slope = 0.3 * random.centred(), amplitude = 300.0 + 500.0 * random.unit();
        const double wavelength = 1500.0 + 1500.0 * random.unit(), phase = 2 * pi * random.unit();
        std::vector<std::int64_t> refs;
        for (double u = 0; u <= span; u += 200.0) {
            const double c = std::clamp(cross + slope * (u - at) + amplitude * (std::sin(u / wavelength + phase) -
                                                                                 std::sin(at / wavelength + phase)),
                                        0.0, side);
            refs.push_back(node(across ? frame.to_micro(u, c) : frame.to_micro(c, u), ""));
        }
        way(refs, tag("waterway", "river") +
                      tag("name", river_names[(mix64(seed) + f) % river_names.size()]));
    }

    // Two lakes beyond the edges of places: the first, named, by the largest place.
    for (int l = 0; l < 2 && !world.towns.empty(); ++l) {
        const town& place = world.towns[l == 0 ? main_town : random.below(world.towns.size())];
        if (const auto lake = spot(place, l == 0 ? 1.05 : 1.3, l == 0 ? 1.6 : 2.5, 120.0 + 230.0 * random.unit())) {
            closed(blob(*lake), tag("natural", "water") + tag("water", "lake") +
                                    (l == 0 ? tag("name", place.name + " " + std::string(random.pick(lake_names)))
                                            : std::string()));
        }
    }

    // Parks in places, woods at their edges.
    bool reserve = false;
    for (const town& place : world.towns) {
        const bool village = place.size == town_size::village;
        const int parks = place.size == town_size::city ? 3 : village ? (random.chance(0.5) ? 1 : 0) : 2;
        for (int p = 0; p < parks; ++p) {
            if (const auto park = spot(place, 0.2, 1.1, (village ? 40.0 : 60.0) + 70.0 * random.unit())) {
                closed(blob(*park), tag("leisure", "park") +
                                        tag("name", place.name + " " + std::string(random.pick(park_names))));
            }
        }
        const int woods = village ? 1 : 2;
        for (int w = 0; w < woods; ++w) {
            if (const auto wood = spot(place, 1.2, 2.5, 150.0 + 300.0 * random.unit())) {
                const std::string name =
                    random.chance(0.6) ? tag("name", place.name + " " + std::string(random.pick(wood_names))) : "";
                const std::string kind = w == 1 ? tag("landuse", "forest") : tag("natural", "wood");
                const auto refs = closed(blob(*wood), kind + name);
                if (!reserve) {  // the force's first wood is also a nature reserve (OpenMapTiles' park layer)
                    way(refs, tag("leisure", "nature_reserve") + tag("name", place.name + " Nature Reserve"));
                    reserve = true;
                }
            }
        }
    }

    // Buildings both sides of the town streets that take the most crime a metre, about every 25 m.
    std::vector<std::pair<double, std::size_t>> busiest;
    for (std::size_t s = 0; s < world.streets.size(); ++s) {
        const street& road = world.streets[s];
        if (road.rural || road.points.empty() || road.name.empty()) continue;
        double weight = 0;
        for (auto p : road.points) weight += world.points[p].weight;
        busiest.emplace_back(-weight / std::max(line_length(road.line), 50.0), s);  // crime per metre
    }
    std::sort(busiest.begin(), busiest.end());
    std::size_t built = 0;
    for (const auto& [weight, s] : busiest) {
        if (built >= budget) break;
        const std::vector<frame_point>& line = world.streets[s].line;
        double next_at = 15.0;  // metres along the street to the next pair of buildings
        double passed = 0.0;
        for (std::size_t i = 1; i < line.size() && built < budget; ++i) {
            const double dx = line[i].x - line[i - 1].x, dy = line[i].y - line[i - 1].y;
            const double segment = length_of(dx, dy);
            if (segment < 1e-6) continue;
            const double ux = dx / segment, uy = dy / segment, nx = -uy, ny = ux;
            for (; next_at <= passed + segment && built < budget; next_at += 22.0 + 6.0 * random.unit()) {
                const double t = next_at - passed;
                for (const double side : {-1.0, 1.0}) {
                    const double along = 4.0 + 3.0 * random.unit(), deep = 3.5 + 2.0 * random.unit();  // half sizes
                    const double off = side * (9.0 + deep + 3.0 * random.unit());
                    const double cx = line[i - 1].x + t * ux + off * nx, cy = line[i - 1].y + t * uy + off * ny;
                    if (!grid.clear(cx, cy, std::max(along, deep) + 2.0) || !free_of_taken(cx, cy, 10.0)) continue;
                    closed({{cx - along * ux - deep * nx, cy - along * uy - deep * ny},
                            {cx + along * ux - deep * nx, cy + along * uy - deep * ny},
                            {cx + along * ux + deep * nx, cy + along * uy + deep * ny},
                            {cx - along * ux + deep * nx, cy - along * uy + deep * ny}},
                           tag("building", "yes"));
                    if (++built >= budget) break;
                }
            }
            passed += segment;
        }
    }
}

/// The invented towns and streets as OpenStreetMap XML: see generate_options::osm.
void write_osm(const std::vector<force_world>& worlds, std::uint64_t seed, const std::filesystem::path& path) {
    std::string text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"crimemap generate\">\n";
    std::string ways;
    std::int64_t next_id = 1;
    std::int32_t last_lon = 0, last_lat = 0;  // the last node of the street being written
    std::int32_t west = std::numeric_limits<std::int32_t>::max(), south = west, east = std::numeric_limits<std::int32_t>::min(),
                 north = east;
    auto node = [&](micro_point p, const std::string& tags) {
        west = std::min(west, p.lon);
        east = std::max(east, p.lon);
        south = std::min(south, p.lat);
        north = std::max(north, p.lat);
        text += "<node id=\"" + std::to_string(next_id) + "\" version=\"1\" lat=\"" + degrees_text(p.lat) + "\" lon=\"" +
                degrees_text(p.lon) + (tags.empty() ? "\"/>\n" : "\">" + tags + "</node>\n");
        return next_id++;
    };
    auto tag = [](std::string_view key, std::string_view value) {
        return "<tag k=\"" + std::string(key) + "\" v=\"" + data::escape_markup(value) + "\"/>";
    };
    auto way = [&](const std::vector<std::int64_t>& refs, const std::string& tags) {
        ways += "<way id=\"" + std::to_string(next_id++) + "\" version=\"1\">";
        for (auto ref : refs) ways += "<nd ref=\"" + std::to_string(ref) + "\"/>";
        ways += tags + "</way>\n";
    };
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        const force_world& world = worlds[f];
        const force_spec& spec = *world.spec;
        const local_frame frame(spec.west, spec.south, (spec.south + spec.north) / 2.0);
        for (std::size_t t = 0; t < world.towns.size(); ++t) {
            const town& place = world.towns[t];
            const char* kind = place.size == town_size::city ? "city" : place.size == town_size::town ? "town" : "village";
            node(frame.to_micro(place.x, place.y),
                 tag("place", kind) + tag("name", place.name) + tag("population", std::to_string(place.population)));
            // A road to the nearest place before it: the places joined as a tree, as through roads.
            std::size_t nearest = t;
            double best = std::numeric_limits<double>::max();
            for (std::size_t other = 0; other < t; ++other) {
                const double d = length_of(world.towns[other].x - place.x, world.towns[other].y - place.y);
                if (d < best) {
                    best = d;
                    nearest = other;
                }
            }
            if (nearest != t) {
                const town& next = world.towns[nearest];
                way({node(frame.to_micro(place.x, place.y), ""), node(frame.to_micro(next.x, next.y), "")},
                    tag("highway", "primary") + tag("ref", "A" + std::to_string(4000 + t)));
            }
        }
        // Each street as a way along its line through its map points, which are its nodes in
        // order along it, at the very coordinates the crime files give them.
        for (const street& road : world.streets) {
            std::vector<std::int64_t> refs;
            std::size_t stop = 0;
            double passed = 0.0;
            auto add_node = [&](micro_point p) {
                if (!refs.empty() && p.lon == last_lon && p.lat == last_lat) return;
                refs.push_back(node(p, ""));
                last_lon = p.lon;
                last_lat = p.lat;
            };
            for (std::size_t i = 0; i < road.line.size(); ++i) {
                if (i > 0) {
                    passed += length_of(road.line[i].x - road.line[i - 1].x, road.line[i].y - road.line[i - 1].y);
                }
                for (; stop < road.stops.size() && road.stops[stop].first <= passed; ++stop) {
                    add_node(world.points[road.stops[stop].second].at);
                }
                add_node(frame.to_micro(road.line[i].x, road.line[i].y));
            }
            for (; stop < road.stops.size(); ++stop)
                add_node(world.points[road.stops[stop].second].at);
            if (refs.size() < 2) continue;
            way(refs, tag("highway", highway_values[static_cast<std::size_t>(road.kind)]) + tag("name", road.name));
        }
        write_osm_scenery(world, f, seed, building_budget / worlds.size(), frame, node, tag, way);
    }
    text += ways + "</osm>\n";
    // Tools that read a bounding box (tilemaker) find it first, as in an OSM API answer.
    const std::string bounds = "<bounds minlat=\"" + degrees_text(south) + "\" minlon=\"" + degrees_text(west) +
                               "\" maxlat=\"" + degrees_text(north) + "\" maxlon=\"" + degrees_text(east) + "\"/>\n";
    text.insert(text.find('\n', text.find("<osm ")) + 1, bounds);
    write_whole_file(path, text);
}

}  // namespace

generate_summary generate(const generate_options& options, std::ostream& log) {
    check_options(options);
    namespace fs = std::filesystem;
    generate_summary summary;

    const std::vector<force_world> worlds = build_worlds(options.seed, world_scale_of(options.rows, options.months));
    std::vector<month_stamp> months;
    const int last_number = options.last_month / 100 * 12 + options.last_month % 100 - 1;
    for (int m = options.months - 1; m >= 0; --m) {
        months.push_back(stamp_of(last_number - m));
    }
    std::uint64_t map_points = 0;
    for (const force_world& world : worlds) {
        map_points += world.points.size();
    }
    log << "generate: " << worlds.size() << " forces, " << with_commas(map_points) << " map points, "
        << with_commas(options.rows) << " street crimes over " << options.months << " months (" << months.front().text
        << " to " << months.back().text << ") into " << options.out.string() << '\n';

    fs::create_directories(options.out);
    if (!options.osm.empty()) {
        write_osm(worlds, options.seed, options.osm);
        log << "generate: wrote the streets and places as OpenStreetMap XML to " << options.osm.string() << '\n';
    }

    // Forces, boundaries and neighbourhoods.
    json forces = json::array();
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        const force_world& world = worlds[f];
        forces.push_back(force_details(world));
        const fs::path boundaries = options.out / "boundaries" / world.spec->id;
        const fs::path details = options.out / "neighbourhoods" / world.spec->id;
        fs::create_directories(boundaries);
        fs::create_directories(details);
        for (std::size_t n = 0; n < world.neighbourhoods.size(); ++n) {
            const neighbourhood& cell = world.neighbourhoods[n];
            write_whole_file(boundaries / join({cell.id, ".kml"}), kml_of(cell));
            write_whole_file(details / join({cell.id, ".json"}),
                                     neighbourhood_details(world, n, options.seed, f, months.back()).dump(2) + "\n");
            summary.files += 2;
            ++summary.neighbourhoods;
        }
    }
    write_whole_file(options.out / "forces.json", forces.dump(2) + "\n");
    ++summary.files;

    // Victim support services for each force's area, in the shape an operator's support.json
    // takes (docs/data-formats.md). Invented services at reserved .example addresses and
    // drama-reserved 01632 numbers.
    fs::create_directories(options.out / "support");
    for (const force_world& world : worlds) {
        const auto& spec = *world.spec;
        std::string area(spec.name.substr(0, spec.name.find(' ')));
        json services = json::array({
            {{"name", area + " Victim Care"},
             {"helps", "anyone affected by crime in the force area, reported or not"},
             {"telephone", "01632 960 101"},
             {"web", join({"https://victimcare.", spec.domain})}},
            {{"name", area + " Independent Stalking Advocacy Service"},
             {"helps", "people being stalked or harassed, with an independent advocate"},
             {"telephone", "01632 960 202"},
             {"web", join({"https://stalking-advocacy.", spec.domain})}},
            {{"name", area + " Domestic Abuse Support"},
             {"helps", "people experiencing domestic abuse, and those worried about someone"},
             {"telephone", "01632 960 303"},
             {"web", join({"https://domestic-abuse.", spec.domain})}},
        });
        write_whole_file(options.out / "support" / join({spec.id, ".json"}), services.dump(2) + "\n");
        ++summary.files;
    }

    fs::create_directories(options.out / "watch");
    summary.schemes = write_watch_schemes(worlds, options.seed, options.out / "watch" / "schemes.geojson");
    ++summary.files;

    fs::create_directories(options.out / "postcodes");
    {
        text_file file(options.out / "postcodes" / "postcodes.csv");
        file.write("postcode,eastings,northings,country\n");
        for (const force_world& world : worlds) {
            for (const postcode_entry& entry : world.postcodes) {
                char* out = file.reserve(64);
                out = append(out, entry.postcode);
                *out++ = ',';
                out = std::to_chars(out, out + 12, entry.easting).ptr;
                *out++ = ',';
                out = std::to_chars(out, out + 12, entry.northing).ptr;
                out = append(out, ",E92000001\n");  // ONS code for England
                file.commit(out);
                ++summary.postcodes;
            }
        }
        file.close();
        ++summary.files;
    }
    log << "generate: wrote " << summary.neighbourhoods << " neighbourhoods, " << summary.schemes
        << " watch schemes and " << summary.postcodes << " postcodes\n";

    // The monthly files, oldest first, so that outcomes can follow their crimes.
    const std::vector<std::vector<std::uint64_t>> counts = share_out_rows(worlds, options.rows, months);
    monthly_writer writer(options, worlds, months, summary);
    const std::size_t month_count = months.size();
    for (std::size_t m = 0; m < month_count; ++m) {
        writer.write_month(m, counts);
        if ((m + 1) * 10 / month_count != m * 10 / month_count || m + 1 == month_count) {
            log << "generate: " << months[m].text << " done, " << with_commas(summary.street_rows)
                << " street rows so far (" << (m + 1) * 100 / month_count << "%)\n";
        }
    }
    log << "generate: " << with_commas(summary.street_rows) << " street, " << with_commas(summary.outcome_rows)
        << " outcome and " << with_commas(summary.stop_rows) << " stop and search rows in " << summary.files
        << " files\n";
    return summary;
}

}  // namespace crimemap::generator
