// The street network of each place (main roads, a High Street, ring roads, side streets and
// closes) and the lanes through the countryside between.

#include "generator/force_builder.hpp"
#include "generator/names.hpp"
#include "generator/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>

namespace crimemap::generator {

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
                owner_.try_emplace(square_key(cell(line[i - 1].x + t * dx), cell(line[i - 1].y + t * dy)), s);
            }
        }
    }

    /// Whether a street other than `except` passes within about a square of (x, y).
    bool crowded(double x, double y, std::uint32_t except) const {
        const std::int64_t cx = cell(x), cy = cell(y);
        for (std::int64_t i = cx - 1; i <= cx + 1; ++i) {
            for (std::int64_t j = cy - 1; j <= cy + 1; ++j) {
                const auto found = owner_.find(square_key(i, j));
                if (found != owner_.end() && found->second != except) return true;
            }
        }
        return false;
    }

private:
    static constexpr double size = 25.0;
    static std::int64_t cell(double v) { return square_index(v, size); }

    std::unordered_map<std::uint64_t, std::uint32_t> owner_;
};

std::string force_builder::invent_street_name(std::size_t t, std::size_t made, std::set<std::string>& used) {
    const town& place = world_.towns[t];
    return unique_name(used, [&](int attempt) -> std::string {
        if (made + 1 < first_streets.size() && attempt == 0 && place.size != town_size::village) {
            return std::string(first_streets[made + 1]);  // the High Street is the centre's own
        }
        if (random_.chance(0.06)) {
            // Roads named after where they lead.
            const town& other = world_.towns[random_.below(world_.towns.size())];
            return join({other.name, other.size == town_size::village ? " Lane" : " Road"});
        }
        if (random_.chance(0.35)) {
            return join({random_.pick(street_words), random_.pick(compound_ends), " ", random_.pick(street_types)});
        }
        return join({random_.pick(street_words), " ", random_.pick(street_types)});
    });
}

/// A short street's name: "Rowan Close", "Millbrook Court".
std::string force_builder::invent_close_name(std::set<std::string>& used) {
    return unique_name(used, [&](int) {
        const std::string name = random_.chance(0.3) ? join({random_.pick(street_words), random_.pick(compound_ends)})
                                                     : std::string(random_.pick(street_words));
        return join({name, " ", random_.pick(close_types)});
    });
}

/// A main road's name: after the place it heads for when one lies that way, else its direction.
std::string force_builder::main_road_name(std::size_t t, double ux, double uy, std::set<std::string>& used) {
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
std::vector<frame_point> force_builder::grow_line(frame_point from, double ux, double uy, double length, double step,
                                                  double bend, double centre_x, double centre_y, double reach,
                                                  const street_cells* cells, std::uint32_t parent) {
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

std::uint32_t force_builder::add_street(std::string name, std::size_t t, road_class kind, bool rural,
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

/// A place's street network and its map points (about `points_wanted` of them, one every
/// few tens of metres of street): main roads radiating from the centre, a High Street across
/// it, ring roads round cities and larger towns, and side streets branching off those and off
/// each other, curving a little, ending at junctions, the shortest of them closes; then the
/// hot spots on the main roads near the centre.
void force_builder::add_town_streets(std::size_t t, double points_wanted) {
    const town& place = world_.towns[t];
    const bool village = place.size == town_size::village;
    const double reach = place.radius + place.spread;
    const std::uint32_t first = static_cast<std::uint32_t>(world_.streets.size());
    street_cells cells;
    std::set<std::string> used;
    std::vector<std::uint32_t> mains;

    const int main_count = place.size == town_size::city ? 8 : village ? random_.between(2, 3) : random_.between(5, 6);
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
        std::vector<frame_point> line = grow_line({place.x - ux * length / 2.0, place.y - uy * length / 2.0}, ux, uy,
                                                  length, 60.0, 0.05, place.x, place.y, reach, nullptr, 0);
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
    for (double failures = 0; total < wanted_length && failures < 1000.0 + wanted_length / 50.0 && !segments.empty();) {
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
        std::vector<frame_point> line = grow_line(from, nx * c - ny * s, nx * s + ny * c, length, 35.0, bend, place.x,
                                                  place.y, reach, &cells, parent);
        const double grown = line_length(line);
        if (grown < 50.0) {
            ++failures;
            continue;
        }
        std::string name =
            grown < 160.0 && random_.chance(0.6) ? invent_close_name(used) : invent_street_name(t, side_streets, used);
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

    add_hot_spots(t, mains);
}

void force_builder::add_rural_lanes(int lanes) {
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
        std::string name = unique_name(used, [&](int) {
            const double style = random_.unit();
            return style < 0.6   ? join({random_.pick(street_words), " Lane"})
                   : style < 0.8 ? join({random_.pick(street_words), " Farm Road"})
                                 : join({world_.towns[random_.below(world_.towns.size())].name, " Road"});
        });
        const auto [ux, uy] = unit_at(2.0 * pi * random_.unit());
        std::vector<frame_point> line = grow_line({x, y}, ux, uy, 700.0 + 1300.0 * random_.unit(), 100.0, 0.15, x, y,
                                                  std::numeric_limits<double>::infinity(), nullptr, 0);
        if (line.size() < 2) {
            line.push_back({x + 1.0, y});  // at the force's edge: a stub, still a line
        }
        const std::uint32_t s = add_street(std::move(name), nearest, road_class::unclassified, true, std::move(line));
        add_street_points(s, static_cast<std::size_t>(random_.between(1, 4)));
    }
}

}  // namespace crimemap::generator
