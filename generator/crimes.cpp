// Street crimes: how many in each force and month (the seasons, a slow drift), where (drawn
// from the map points' weights, or no location), and of what type (by the kind of place).

#include "generator/crimes.hpp"
#include "generator/monthly_files.hpp"
#include "generator/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace crimemap::generator {

namespace {

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

constexpr std::string_view street_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n";

// Crime by calendar month (January first), per thousand: a summer peak, a February dip.
constexpr std::array<std::uint32_t, 12> seasonal_weights{930,  880,  970,  980,  1030, 1040,
                                                         1080, 1050, 1010, 1020, 980,  940};

}  // namespace

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

void monthly_writer::write_street(std::size_t f, std::size_t m, std::uint64_t count,
                                  const std::filesystem::path& path) {
    const force_world& world = worlds_[f];
    random_source random(options_.seed, stream::street, f, static_cast<std::uint64_t>(m));
    const std::string prefix = row_prefix(f, months_[m]);
    text_file file = output_.stream(path);
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

}  // namespace crimemap::generator
