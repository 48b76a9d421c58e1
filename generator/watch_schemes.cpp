// Neighbourhood Watch schemes on the streets of the invented places (stream::schemes): a small
// hexagon around a street or a point on it, with a status, households and meetings.

#include "data/watch/watch.hpp"
#include "generator/files.hpp"
#include "generator/output.hpp"
#include "generator/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace crimemap::generator {

namespace {

using json = nlohmann::ordered_json;

}  // namespace

std::uint64_t write_watch_schemes(const std::vector<force_world>& worlds, std::uint64_t seed, output_folder& out) {
    const label_choice statuses{{data::scheme_statuses[0], 50}, {data::scheme_statuses[1], 30}, {data::scheme_statuses[2], 20}};
    constexpr std::array<std::string_view, 6> meetings{"Monthly, first Tuesday, 7pm at the ",
                                                       "Quarterly at the ",
                                                       "Twice a year at the ",
                                                       "Every other month, Wednesday evenings at the ",
                                                       "Annual meeting each spring at the ",
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
        const local_frame frame = frame_of(spec);
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
                    const double per_home = place.size == town_size::city   ? 350.0
                                            : place.size == town_size::town ? 500.0
                                                                            : 900.0;
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
    out.write(std::filesystem::path("watch") / "schemes.geojson", text);
    return count;
}

}  // namespace crimemap::generator
