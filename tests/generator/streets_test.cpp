// generator/streets.cpp: every map point lies on its street, and on the --osm way of it.

#include "generated_sample.hpp"

#include <catch2/catch.hpp>

using namespace crimemap::generator_test;

namespace {

struct osm_way {
    std::string name, highway;
    std::vector<std::pair<double, double>> nodes;  ///< (lon, lat) in degrees
};

/// The highway ways of a file `generate --osm` wrote (its own simple layout: one element a line),
/// and with `centres` the (lon, lat) of its cities and towns.
std::vector<osm_way> read_osm_ways(const fs::path& path, std::vector<std::pair<double, double>>* centres = nullptr) {
    std::map<std::string, std::pair<double, double>> nodes;
    std::vector<osm_way> ways;
    auto attribute = [](const std::string& line, const std::string& key) {
        const std::size_t at = line.find(" " + key + "=\"");
        if (at == std::string::npos) return std::string();
        const std::size_t from = at + key.size() + 3;
        return line.substr(from, line.find('"', from) - from);
    };
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("<node ")) {
            nodes[attribute(line, "id")] = {std::strtod(attribute(line, "lon").c_str(), nullptr),
                                            std::strtod(attribute(line, "lat").c_str(), nullptr)};
            const bool centre = line.find("<tag k=\"place\" v=\"city\"/>") != std::string::npos ||
                                line.find("<tag k=\"place\" v=\"town\"/>") != std::string::npos;
            if (centres != nullptr && centre) centres->push_back(nodes[attribute(line, "id")]);
        } else if (line.starts_with("<way ")) {
            osm_way way;
            for (std::size_t at = line.find("<nd ref=\""); at != std::string::npos;
                 at = line.find("<nd ref=\"", at + 1)) {
                const std::size_t from = at + 9;
                way.nodes.push_back(nodes.at(line.substr(from, line.find('"', from) - from)));
            }
            for (std::size_t at = line.find("<tag k=\""); at != std::string::npos;
                 at = line.find("<tag k=\"", at + 1)) {
                const std::string tag = line.substr(at);
                const std::string key = tag.substr(8, tag.find('"', 8) - 8);
                const std::size_t value_at = tag.find("v=\"") + 3;
                std::string value = tag.substr(value_at, tag.find('"', value_at) - value_at);
                for (std::size_t amp = value.find("&amp;"); amp != std::string::npos;
                     amp = value.find("&amp;", amp + 1))
                    value.replace(amp, 5, "&");
                if (key == "name") way.name = value;
                if (key == "highway") way.highway = value;
            }
            if (!way.highway.empty()) ways.push_back(std::move(way));
        }
    }
    return ways;
}

/// Metres from (lon, lat) to a way's line, planar on a local scale (good to a per cent or so).
double metres_to_way(const osm_way& way, double lon, double lat) {
    const double kx = 111200.0 * std::cos(lat * 3.14159265358979 / 180.0), ky = 111200.0;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < way.nodes.size(); ++i) {
        const double ax = (way.nodes[i - 1].first - lon) * kx, ay = (way.nodes[i - 1].second - lat) * ky;
        const double bx = (way.nodes[i].first - lon) * kx, by = (way.nodes[i].second - lat) * ky;
        const double dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
        const double t = length2 > 0 ? std::clamp(-(ax * dx + ay * dy) / length2, 0.0, 1.0) : 0.0;
        best = std::min(best, std::sqrt((ax + t * dx) * (ax + t * dx) + (ay + t * dy) * (ay + t * dy)));
    }
    return best;
}

}  // namespace

TEST_CASE("every map point lies on a street, and on the --osm way of the street it is named after",
          "[generate][streets]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path() / "data";
    options.rows = 20000;
    options.months = 2;
    options.seed = 3;
    options.osm = folder.path() / "streets.osm";
    std::ostringstream log;
    generate(options, log);
    const point_census census = census_of(options.out);
    std::vector<std::pair<double, double>> centres;
    const std::vector<osm_way> ways = read_osm_ways(options.osm, &centres);
    REQUIRE(!ways.empty());
    REQUIRE(centres.size() >= 20);

    std::map<std::string, std::vector<const osm_way*>> ways_named;
    std::set<std::pair<double, double>> way_nodes;  // every vertex of every highway
    for (const osm_way& way : ways) {
        ways_named[way.name].push_back(&way);
        for (const auto& node : way.nodes)
            way_nodes.insert(node);
    }
    std::size_t named = 0, on_their_street = 0, hot_spots = 0, hot_spots_on_a_street = 0;
    std::string first_off;
    for (const auto& [point, location] : census.location_at) {
        const double lon = std::strtod(point.first.c_str(), nullptr), lat = std::strtod(point.second.c_str(), nullptr);
        const std::string name = location.substr(11);
        if (hot_spot_labels.count(name)) {
            ++hot_spots;
            // A hot spot is a node of the street it stands on.
            if (way_nodes.count({lon, lat})) ++hot_spots_on_a_street;
            continue;
        }
        if (name.empty()) continue;  // "On or near " alone: a point whose street has no name
        ++named;
        double nearest = std::numeric_limits<double>::infinity();
        if (const auto found = ways_named.find(name); found != ways_named.end()) {
            for (const osm_way* way : found->second)
                nearest = std::min(nearest, metres_to_way(*way, lon, lat));
        }
        if (nearest <= 1.0) {
            ++on_their_street;
        } else if (first_off.empty()) {
            first_off = location + " at " + point.first + "," + point.second + ": " + std::to_string(nearest) + " m";
        }
    }
    INFO(on_their_street << " of " << named << " named points on their street; first off: " << first_off);
    REQUIRE(named > 1000);
    CHECK(on_their_street == named);
    INFO(hot_spots_on_a_street << " of " << hot_spots << " hot spots on a street");
    REQUIRE(hot_spots > 50);
    CHECK(hot_spots_on_a_street == hot_spots);

    // A town's streets, not a grid: main roads, ring roads and side streets, most of them bending.
    std::map<std::string, std::size_t> classes;
    std::size_t bending = 0, residential = 0, rings = 0;
    for (const osm_way& way : ways) {
        ++classes[way.highway];
        if (way.name.ends_with("Ring Road") && way.nodes.size() > 8) ++rings;
        if (way.highway != "residential") continue;
        ++residential;
        const double kx = std::cos(53.0 * 3.14159265358979 / 180.0);
        for (std::size_t i = 2; i < way.nodes.size(); ++i) {
            const double ax = (way.nodes[i - 1].first - way.nodes[i - 2].first) * kx;
            const double ay = way.nodes[i - 1].second - way.nodes[i - 2].second;
            const double bx = (way.nodes[i].first - way.nodes[i - 1].first) * kx;
            const double by = way.nodes[i].second - way.nodes[i - 1].second;
            const double sine = std::abs(ax * by - ay * bx) / std::sqrt((ax * ax + ay * ay) * (bx * bx + by * by));
            if (sine > 0.1) {  // a turn of more than about 6 degrees
                ++bending;
                break;
            }
        }
    }
    INFO(bending << " of " << residential << " residential ways bend; " << rings << " ring roads");
    CHECK(classes["primary"] >= 20);
    CHECK(classes["secondary"] >= 20);
    CHECK(classes["unclassified"] >= 100);
    CHECK(residential >= 1000);
    CHECK(bending >= residential / 5);
    CHECK(rings >= 5);

    // Anti-social behaviour runs higher on the streets of town centres (within 250 m of a city's
    // or town's centre) than on the others.
    double central = 0, central_asb = 0, other = 0, other_asb = 0;
    for (const auto& [point, location] : census.location_at) {
        if (hot_spot_labels.count(location.substr(11))) continue;
        const double lon = std::strtod(point.first.c_str(), nullptr), lat = std::strtod(point.second.c_str(), nullptr);
        const bool near_centre = std::any_of(centres.begin(), centres.end(), [&](const auto& c) {
            const double dx = (c.first - lon) * 111200.0 * std::cos(lat * 3.14159265358979 / 180.0);
            const double dy = (c.second - lat) * 111200.0;
            return dx * dx + dy * dy < 250.0 * 250.0;
        });
        const auto asb = census.anti_social_at.find(point);
        const double anti_social = asb == census.anti_social_at.end() ? 0.0 : static_cast<double>(asb->second);
        (near_centre ? central : other) += static_cast<double>(census.crimes_at.at(point));
        (near_centre ? central_asb : other_asb) += anti_social;
    }
    INFO("anti-social behaviour: " << central_asb << " of " << central << " crimes in town centres, " << other_asb
                                   << " of " << other << " elsewhere");
    REQUIRE(central >= 200);
    CHECK(central_asb / central > 1.3 * other_asb / other);
}
