// The --osm file: the invented geography as OpenStreetMap XML (OSM API 0.6) for a demo basemap
// (docs/basemap.md). Streets, places and the roads between them come from the world as the
// crime files see it; the scenery (a river, lakes, parks, woods, buildings) from a random stream
// of its own (stream::basemap), so that the other files do not change with it.

#include "generator/files.hpp"
#include "generator/output.hpp"
#include "generator/text.hpp"

#include "data/vocabulary/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace crimemap::generator {

namespace {

/// The map points of one force in 250 m cells, to keep parks, woods, lakes and buildings off them.
class point_grid {
public:
    explicit point_grid(const force_world& world) : world_(world) {
        for (std::uint32_t p = 0; p < world.points.size(); ++p) {
            cells_[square_key(cell(world.points[p].x), cell(world.points[p].y))].push_back(p);
        }
    }

    /// Whether no map point lies within `radius` metres of (x, y).
    bool clear(double x, double y, double radius) const {
        for (std::int64_t cx = cell(x - radius); cx <= cell(x + radius); ++cx) {
            for (std::int64_t cy = cell(y - radius); cy <= cell(y + radius); ++cy) {
                const auto found = cells_.find(square_key(cx, cy));
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
    static std::int64_t cell(double v) { return square_index(v, size); }

    const force_world& world_;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> cells_;
};

constexpr std::array<std::string_view, 10> river_names{
    "River Wend",       "River Aske",   "River Brill", "River Lune Minor", "River Coln",
    "River Idle Water", "River Sallow", "River Tarn",  "River Meon Parva", "River Evenlode Minor"};
constexpr std::array<std::string_view, 6> lake_names{"Mere", "Pool", "Water", "Lake", "Reservoir", "Broad"};
constexpr std::array<std::string_view, 6> park_names{"Park",    "Recreation Ground", "Memorial Park",
                                                     "Gardens", "Playing Fields",    "Green"};
constexpr std::array<std::string_view, 5> wood_names{"Wood", "Copse", "Forest", "Spinney", "Hanger"};

/// Buildings in all, shared out between the forces: enough for town centres, few enough to keep
/// the demo's tile archive small.
constexpr std::size_t building_budget = 3000;

constexpr std::array<std::string_view, 5> highway_values{"primary", "secondary", "tertiary", "residential",
                                                         "unclassified"};

/// An OpenStreetMap XML file being written: nodes as they come, then the ways (as OSM files
/// order them), ids from 1 shared by both, and the bounds of every node.
class osm_document {
public:
    /// Adds a node at p with `tags` (<tag> elements, or none); returns its id.
    std::int64_t node(micro_point p, const std::string& tags) {
        west_ = std::min(west_, p.lon);
        east_ = std::max(east_, p.lon);
        south_ = std::min(south_, p.lat);
        north_ = std::max(north_, p.lat);
        text_ += "<node id=\"" + std::to_string(next_id_) + "\" version=\"1\" lat=\"" + degrees_text(p.lat) +
                 "\" lon=\"" + degrees_text(p.lon) + (tags.empty() ? "\"/>\n" : "\">" + tags + "</node>\n");
        return next_id_++;
    }

    static std::string tag(std::string_view key, std::string_view value) {
        return "<tag k=\"" + std::string(key) + "\" v=\"" + data::escape_markup(value) + "\"/>";
    }

    /// Adds a way through the nodes `refs` with `tags`.
    void way(const std::vector<std::int64_t>& refs, const std::string& tags) {
        ways_ += "<way id=\"" + std::to_string(next_id_++) + "\" version=\"1\">";
        for (auto ref : refs)
            ways_ += "<nd ref=\"" + std::to_string(ref) + "\"/>";
        ways_ += tags + "</way>\n";
    }

    /// The whole file; call once, after the last node and way.
    std::string finish() {
        text_ += ways_ + "</osm>\n";
        // Tools that read a bounding box (tilemaker) find it first, as in an OSM API answer.
        const std::string bounds = "<bounds minlat=\"" + degrees_text(south_) + "\" minlon=\"" + degrees_text(west_) +
                                   "\" maxlat=\"" + degrees_text(north_) + "\" maxlon=\"" + degrees_text(east_) +
                                   "\"/>\n";
        text_.insert(text_.find('\n', text_.find("<osm ")) + 1, bounds);
        return std::move(text_);
    }

private:
    std::string text_ =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"crimemap generate\">\n";
    std::string ways_;
    std::int64_t next_id_ = 1;
    std::int32_t west_ = std::numeric_limits<std::int32_t>::max(), south_ = west_;
    std::int32_t east_ = std::numeric_limits<std::int32_t>::min(), north_ = east_;
};

/// One force's river, lakes, parks, woods and buildings for write_osm, from their own random
/// stream (stream::basemap), so the crime files do not change with them. Lakes, parks and woods
/// keep clear of the map points (and so of the streets through them), and each force's first wood
/// is a nature reserve too; buildings line the
/// streets that take the most crime, in town centres, `budget` at most.
void write_osm_scenery(const force_world& world, std::size_t f, std::uint64_t seed, std::size_t budget,
                       const local_frame& frame, osm_document& osm) {
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
        for (const auto& [x, y] : corners)
            refs.push_back(osm.node(frame.to_micro(x, y), ""));
        refs.push_back(refs.front());
        osm.way(refs, tags);
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
            const double c =
                std::clamp(cross + slope * (u - at) +
                               amplitude * (std::sin(u / wavelength + phase) - std::sin(at / wavelength + phase)),
                           0.0, side);
            refs.push_back(osm.node(across ? frame.to_micro(u, c) : frame.to_micro(c, u), ""));
        }
        osm.way(refs,
                osm.tag("waterway", "river") + osm.tag("name", river_names[(mix64(seed) + f) % river_names.size()]));
    }

    // Two lakes beyond the edges of places: the first, named, by the largest place.
    for (int l = 0; l < 2 && !world.towns.empty(); ++l) {
        const town& place = world.towns[l == 0 ? main_town : random.below(world.towns.size())];
        if (const auto lake = spot(place, l == 0 ? 1.05 : 1.3, l == 0 ? 1.6 : 2.5, 120.0 + 230.0 * random.unit())) {
            closed(blob(*lake), osm.tag("natural", "water") + osm.tag("water", "lake") +
                                    (l == 0 ? osm.tag("name", place.name + " " + std::string(random.pick(lake_names)))
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
                closed(blob(*park), osm.tag("leisure", "park") +
                                        osm.tag("name", place.name + " " + std::string(random.pick(park_names))));
            }
        }
        const int woods = village ? 1 : 2;
        for (int w = 0; w < woods; ++w) {
            if (const auto wood = spot(place, 1.2, 2.5, 150.0 + 300.0 * random.unit())) {
                const std::string name =
                    random.chance(0.6) ? osm.tag("name", place.name + " " + std::string(random.pick(wood_names))) : "";
                const std::string kind = w == 1 ? osm.tag("landuse", "forest") : osm.tag("natural", "wood");
                const auto refs = closed(blob(*wood), kind + name);
                if (!reserve) {  // the force's first wood is also a nature reserve (OpenMapTiles' park layer)
                    osm.way(refs,
                            osm.tag("leisure", "nature_reserve") + osm.tag("name", place.name + " Nature Reserve"));
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
        for (auto p : road.points)
            weight += world.points[p].weight;
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
                           osm.tag("building", "yes"));
                    if (++built >= budget) break;
                }
            }
            passed += segment;
        }
    }
}

}  // namespace

void write_osm(const std::vector<force_world>& worlds, std::uint64_t seed, const std::filesystem::path& path) {
    osm_document osm;
    std::int32_t last_lon = 0, last_lat = 0;  // the last node of the street being written
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        const force_world& world = worlds[f];
        const force_spec& spec = *world.spec;
        const local_frame frame = frame_of(spec);
        for (std::size_t t = 0; t < world.towns.size(); ++t) {
            const town& place = world.towns[t];
            const char* kind = place.size == town_size::city   ? "city"
                               : place.size == town_size::town ? "town"
                                                               : "village";
            osm.node(frame.to_micro(place.x, place.y), osm.tag("place", kind) + osm.tag("name", place.name) +
                                                           osm.tag("population", std::to_string(place.population)));
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
                osm.way({osm.node(frame.to_micro(place.x, place.y), ""), osm.node(frame.to_micro(next.x, next.y), "")},
                        osm.tag("highway", "primary") + osm.tag("ref", "A" + std::to_string(4000 + t)));
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
                refs.push_back(osm.node(p, ""));
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
            osm.way(refs, osm.tag("highway", highway_values[static_cast<std::size_t>(road.kind)]) +
                              osm.tag("name", road.name));
        }
        write_osm_scenery(world, f, seed, building_budget / worlds.size(), frame, osm);
    }
    write_whole_file(path, osm.finish());
}

}  // namespace crimemap::generator
