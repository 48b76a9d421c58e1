// Postcodes: one or two units for each street with map points, at a point of the street, on
// the British National Grid; their districts follow the places (a city has four).

#include "generator/british_national_grid.hpp"
#include "generator/files.hpp"
#include "generator/force_builder.hpp"
#include "generator/output.hpp"
#include "generator/text.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <string_view>

namespace crimemap::generator {

void force_builder::make_postcodes() {
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
            std::string code =
                join({spec_.code, std::to_string(district), " ", std::to_string(unit / 400),
                      std::string(1, unit_letters[(unit % 400) / 20]), std::string(1, unit_letters[unit % 20])});
            const grid_position grid = wgs84_to_british_grid(point.at.lat / 1e6, point.at.lon / 1e6);
            if (k == 0) {
                road.postcode = code;
            }
            world_.postcodes.push_back({std::move(code), std::llround(grid.easting), std::llround(grid.northing)});
        }
    }
}

std::uint64_t write_postcodes(const std::vector<force_world>& worlds, output_folder& output) {
    std::uint64_t written = 0;
    text_file file = output.stream(std::filesystem::path("postcodes") / "postcodes.csv");
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
            ++written;
        }
    }
    file.close();
    return written;
}

}  // namespace crimemap::generator
