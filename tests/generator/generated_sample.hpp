#pragma once
// What the generator's tests share: a small generated data set (5,000 crimes over three months,
// seed 42) generated once per test process, and readers of the files it writes, independent of
// the generator's own code.

#include "generator/generate.hpp"

#include <catch2/catch.hpp>
#include <gdal.h>
#include <ogr_api.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::generator_test {

namespace fs = std::filesystem;
using crimemap::generator::generate;
using crimemap::generator::generate_options;
using crimemap::generator::generate_summary;

constexpr std::string_view street_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context";
constexpr std::string_view outcomes_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Outcome type";
constexpr std::string_view stop_and_search_header =
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing";

constexpr std::uint64_t sample_rows = 5000;
constexpr int sample_months = 3;
inline const std::vector<std::string> sample_month_names{"2024-07", "2024-08", "2024-09"};

/// A fresh folder under the system's temporary directory, removed with its contents on destruction.
class temporary_folder {
public:
    temporary_folder() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        // Test cases may run as parallel processes: the clock, a random draw and a counter
        // keep their folders apart.
        path_ = fs::temp_directory_path() /
                ("crimemap-generate-test-" + std::to_string(stamp) + "-" + std::to_string(std::random_device{}()) +
                 "-" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~temporary_folder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    temporary_folder(const temporary_folder&) = delete;
    temporary_folder& operator=(const temporary_folder&) = delete;

    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

inline generate_summary generate_into(const fs::path& out, std::uint64_t seed) {
    generate_options options;
    options.out = out;
    options.rows = sample_rows;
    options.months = sample_months;
    options.seed = seed;
    options.last_month = 202409;
    std::ostringstream log;
    return generate(options, log);
}

/// One generated data set shared by the tests that only read it.
struct shared_sample {
    temporary_folder folder;
    generate_summary summary;
    shared_sample() : summary(generate_into(folder.path(), 42)) {}
};

inline const shared_sample& sample() {
    static const shared_sample instance;
    return instance;
}

inline std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<std::string> read_lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// Splits a row that needs no quoting (none of the generated fields holds a comma or a quote).
inline std::vector<std::string> split_row(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) {
            return fields;
        }
        start = comma + 1;
    }
}

/// The data rows of a generated CSV file (its header left out), each split and required to have
/// `columns` fields.
inline std::vector<std::vector<std::string>> data_rows(const fs::path& path, std::size_t columns) {
    const std::vector<std::string> lines = read_lines(path);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        rows.push_back(split_row(lines[i]));
        INFO(path.string() << ":" << i + 1 << ": " << lines[i]);
        REQUIRE(rows.back().size() == columns);
    }
    return rows;
}

/// All regular files under root, relative, sorted.
inline std::vector<fs::path> files_under(const fs::path& root) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            files.push_back(fs::relative(entry.path(), root));
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

inline std::vector<std::string> force_ids(const fs::path& root) {
    const nlohmann::json forces = nlohmann::json::parse(read_file(root / "forces.json"));
    std::vector<std::string> ids;
    for (const auto& force : forces) {
        ids.push_back(force.at("id").get<std::string>());
    }
    return ids;
}

inline fs::path monthly_file(const fs::path& root, const std::string& month, const std::string& force,
                      std::string_view kind) {
    return root / month / (month + "-" + force + "-" + std::string(kind) + ".csv");
}

// --- geometry in exact integer micro-degrees -------------------------------------------------

struct micro {
    std::int64_t lon = 0;
    std::int64_t lat = 0;
};

inline std::int64_t to_micro(const std::string& degrees) {
    return std::llround(std::strtod(degrees.c_str(), nullptr) * 1e6);
}

struct boundary {
    std::string id;
    std::vector<micro> ring;
};

inline std::vector<boundary> read_boundaries(const fs::path& root, const std::string& force) {
    std::vector<boundary> boundaries;
    for (const auto& entry : fs::directory_iterator(root / "boundaries" / force)) {
        const std::string text = read_file(entry.path());
        const std::size_t open = text.find("<coordinates>");
        const std::size_t close = text.find("</coordinates>");
        REQUIRE(open != std::string::npos);
        REQUIRE(close != std::string::npos);
        boundary area;
        area.id = entry.path().stem().string();
        std::istringstream pairs(text.substr(open + 13, close - open - 13));
        for (std::string pair; pairs >> pair;) {
            const std::size_t comma = pair.find(',');
            REQUIRE(comma != std::string::npos);
            area.ring.push_back({to_micro(pair.substr(0, comma)), to_micro(pair.substr(comma + 1))});
        }
        boundaries.push_back(std::move(area));
    }
    std::sort(boundaries.begin(), boundaries.end(),
              [](const boundary& a, const boundary& b) { return a.id < b.id; });
    return boundaries;
}

inline bool contains(const std::vector<micro>& ring, micro p) {
    bool inside = false;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        const micro a = ring[i - 1];
        const micro b = ring[i];
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const std::int64_t lhs = (p.lon - a.lon) * (b.lat - a.lat);
            const std::int64_t rhs = (p.lat - a.lat) * (b.lon - a.lon);
            if (b.lat > a.lat ? lhs < rhs : lhs > rhs) {
                inside = !inside;
            }
        }
    }
    return inside;
}

inline std::int64_t cross(micro o, micro a, micro b) {
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
}

inline bool segments_touch(micro a, micro b, micro c, micro d) {
    const std::int64_t d1 = cross(c, d, a);
    const std::int64_t d2 = cross(c, d, b);
    const std::int64_t d3 = cross(a, b, c);
    const std::int64_t d4 = cross(a, b, d);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        return true;
    }
    auto on_segment = [](micro p, micro q, micro r) {  // r on p-q, given collinear
        return std::min(p.lon, q.lon) <= r.lon && r.lon <= std::max(p.lon, q.lon) &&
               std::min(p.lat, q.lat) <= r.lat && r.lat <= std::max(p.lat, q.lat);
    };
    return (d1 == 0 && on_segment(c, d, a)) || (d2 == 0 && on_segment(c, d, b)) ||
           (d3 == 0 && on_segment(a, b, c)) || (d4 == 0 && on_segment(a, b, d));
}

inline double distance_to_edges(const std::vector<micro>& ring, micro p) {
    double best = 1e300;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        const double ax = static_cast<double>(ring[i - 1].lon);
        const double ay = static_cast<double>(ring[i - 1].lat);
        const double dx = static_cast<double>(ring[i].lon) - ax;
        const double dy = static_cast<double>(ring[i].lat) - ay;
        const double t = std::clamp(((p.lon - ax) * dx + (p.lat - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
        best = std::min(best, std::hypot(ax + t * dx - p.lon, ay + t * dy - p.lat));
    }
    return best;
}

inline bool is_lower_hex(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// --- the street files' map points -------------------------------------------------------------

/// What a run's street files say about its map points.
struct point_census {
    std::uint64_t rows = 0;
    std::uint64_t without_location = 0;
    std::map<std::pair<std::string, std::string>, std::uint64_t> crimes_at;         ///< (lon, lat) -> crimes
    std::map<std::pair<std::string, std::string>, std::string> location_at;         ///< (lon, lat) -> "On or near ..."
    std::map<std::string, std::map<std::string, std::uint64_t>> types_by_location;  ///< location -> type -> crimes
    std::map<std::pair<std::string, std::string>, std::uint64_t> anti_social_at;    ///< (lon, lat) -> such crimes
};

inline point_census census_of(const fs::path& root) {
    point_census census;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.path().string().ends_with("-street.csv")) continue;
        std::ifstream in(entry.path());
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            const std::vector<std::string> f = split_row(line);
            REQUIRE(f.size() == 12);
            ++census.rows;
            if (f[4].empty()) {
                ++census.without_location;
                continue;
            }
            ++census.crimes_at[{f[4], f[5]}];
            census.location_at[{f[4], f[5]}] = f[6];
            ++census.types_by_location[f[6]][f[9]];
            if (f[9] == "Anti-social behaviour") ++census.anti_social_at[{f[4], f[5]}];
        }
    }
    return census;
}

inline std::vector<std::uint64_t> sorted_counts(const point_census& census) {
    std::vector<std::uint64_t> counts;
    for (const auto& [point, crimes] : census.crimes_at)
        counts.push_back(crimes);
    std::sort(counts.begin(), counts.end());
    return counts;
}

inline const std::set<std::string> hot_spot_labels{"Shopping Area",
                                            "Supermarket",
                                            "Parking Area",
                                            "Petrol Station",
                                            "Nightclub",
                                            "Police Station",
                                            "Bus/Coach Station",
                                            "Pedestrian Subway",
                                            "Sports/Recreation Area",
                                            "Hospital",
                                            "Further/Higher Educational Building",
                                            "Theatre/Concert Hall",
                                            "Conference/Exhibition Centre"};

}  // namespace crimemap::generator_test
