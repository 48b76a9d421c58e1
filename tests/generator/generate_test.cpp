#include "generator/generate.hpp"

#include "generator/british_national_grid.hpp"

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

namespace {

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
const std::vector<std::string> sample_month_names{"2024-07", "2024-08", "2024-09"};

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

generate_summary generate_into(const fs::path& out, std::uint64_t seed) {
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

const shared_sample& sample() {
    static const shared_sample instance;
    return instance;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> read_lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// Splits a row that needs no quoting (none of the generated fields holds a comma or a quote).
std::vector<std::string> split_row(const std::string& line) {
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

/// All regular files under root, relative, sorted.
std::vector<fs::path> files_under(const fs::path& root) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            files.push_back(fs::relative(entry.path(), root));
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> force_ids(const fs::path& root) {
    const nlohmann::json forces = nlohmann::json::parse(read_file(root / "forces.json"));
    std::vector<std::string> ids;
    for (const auto& force : forces) {
        ids.push_back(force.at("id").get<std::string>());
    }
    return ids;
}

fs::path monthly_file(const fs::path& root, const std::string& month, const std::string& force,
                      std::string_view kind) {
    return root / month / (month + "-" + force + "-" + std::string(kind) + ".csv");
}

// --- geometry in exact integer micro-degrees -------------------------------------------------

struct micro {
    std::int64_t lon = 0;
    std::int64_t lat = 0;
};

std::int64_t to_micro(const std::string& degrees) {
    return std::llround(std::strtod(degrees.c_str(), nullptr) * 1e6);
}

struct boundary {
    std::string id;
    std::vector<micro> ring;
};

std::vector<boundary> read_boundaries(const fs::path& root, const std::string& force) {
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

bool contains(const std::vector<micro>& ring, micro p) {
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

std::int64_t cross(micro o, micro a, micro b) {
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
}

bool segments_touch(micro a, micro b, micro c, micro d) {
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

double distance_to_edges(const std::vector<micro>& ring, micro p) {
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

bool is_lower_hex(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

TEST_CASE("the same seed writes byte-identical files", "[generate]") {
    const temporary_folder again;
    generate_into(again.path(), 42);
    const fs::path& first = sample().folder.path();

    const std::vector<fs::path> first_files = files_under(first);
    REQUIRE(first_files == files_under(again.path()));
    REQUIRE(first_files.size() == sample().summary.files);
    for (const fs::path& file : first_files) {
        INFO(file.string());
        CHECK(read_file(first / file) == read_file(again.path() / file));
    }
}

TEST_CASE("a different seed writes different crimes", "[generate]") {
    const temporary_folder other;
    generate_into(other.path(), 43);
    const std::string force = force_ids(sample().folder.path()).front();
    const fs::path file = fs::path("2024-09") / ("2024-09-" + force + "-street.csv");
    CHECK(read_file(sample().folder.path() / file) != read_file(other.path() / file));
}

TEST_CASE("there is a street, outcomes and stop and search file for every month and force", "[generate]") {
    const fs::path& root = sample().folder.path();
    const std::vector<std::string> forces = force_ids(root);
    REQUIRE(forces.size() >= 4);
    for (const std::string& month : sample_month_names) {
        for (const std::string& force : forces) {
            for (const std::string_view kind : {"street", "outcomes", "stop-and-search"}) {
                INFO(monthly_file(root, month, force, kind).string());
                CHECK(fs::is_regular_file(monthly_file(root, month, force, kind)));
            }
        }
    }
    CHECK(fs::is_regular_file(root / "watch" / "schemes.geojson"));
    CHECK(fs::is_regular_file(root / "postcodes" / "postcodes.csv"));
}

TEST_CASE("every file starts with the published header", "[generate]") {
    const fs::path& root = sample().folder.path();
    for (const std::string& month : sample_month_names) {
        for (const std::string& force : force_ids(root)) {
            CHECK(read_lines(monthly_file(root, month, force, "street")).front() == street_header);
            CHECK(read_lines(monthly_file(root, month, force, "outcomes")).front() == outcomes_header);
            CHECK(read_lines(monthly_file(root, month, force, "stop-and-search")).front() == stop_and_search_header);
        }
    }
    CHECK(read_lines(root / "postcodes" / "postcodes.csv").front().rfind("postcode,eastings,northings", 0) == 0);
}

TEST_CASE("street rows add up to the rows asked for and follow the published encodings", "[generate]") {
    const fs::path& root = sample().folder.path();
    const nlohmann::json forces = nlohmann::json::parse(read_file(root / "forces.json"));
    const std::set<std::string> crime_types{"Anti-social behaviour", "Bicycle theft", "Burglary",
                                            "Criminal damage and arson", "Drugs", "Other theft",
                                            "Possession of weapons", "Public order", "Robbery",
                                            "Shoplifting", "Theft from the person", "Vehicle crime",
                                            "Violence and sexual offences", "Other crime"};
    std::uint64_t rows = 0;
    std::uint64_t anti_social = 0;
    std::uint64_t no_location = 0;
    std::set<std::string> ids;
    for (const std::string& month : sample_month_names) {
        for (const auto& force : forces) {
            const std::string id = force.at("id").get<std::string>();
            const std::string name = force.at("name").get<std::string>();
            const std::string text = read_file(monthly_file(root, month, id, "street"));
            CHECK(text.find('\r') == std::string::npos);
            CHECK(text.find('"') == std::string::npos);
            const std::vector<std::string> lines = read_lines(monthly_file(root, month, id, "street"));
            for (std::size_t i = 1; i < lines.size(); ++i) {
                const std::vector<std::string> f = split_row(lines[i]);
                REQUIRE(f.size() == 12);
                ++rows;
                CHECK(f[1] == month);
                CHECK(f[2] == name);
                CHECK(f[3] == name);
                CHECK(crime_types.count(f[9]) == 1);
                CHECK(f[11].empty());
                if (f[9] == "Anti-social behaviour") {
                    ++anti_social;
                    CHECK(f[0].empty());
                    CHECK(f[10].empty());
                } else {
                    CHECK(f[0].size() == 64);
                    CHECK(is_lower_hex(f[0]));
                    CHECK(!f[10].empty());
                    ids.insert(f[0]);
                }
                if (f[6] == "No Location") {
                    ++no_location;
                    CHECK(f[4].empty());
                    CHECK(f[5].empty());
                    CHECK(f[7].empty());
                    CHECK(f[8].empty());
                } else {
                    CHECK(f[6].rfind("On or near ", 0) == 0);
                    CHECK(f[4].size() - f[4].find('.') == 7);  // six decimals
                    CHECK(f[5].size() - f[5].find('.') == 7);
                    CHECK(f[7].size() == 9);
                    CHECK(f[7].rfind("E01", 0) == 0);
                    CHECK(!f[8].empty());
                }
            }
        }
    }
    CHECK(rows == sample_rows);
    CHECK(sample().summary.street_rows == sample_rows);
    CHECK(anti_social > rows / 20);
    CHECK(no_location > 0);
    CHECK(no_location < rows / 20);
    CHECK(ids.size() == rows - anti_social);  // persistent ids never repeat
}

TEST_CASE("every located crime lies in exactly one neighbourhood of its force", "[generate]") {
    const fs::path& root = sample().folder.path();
    for (const std::string& force : force_ids(root)) {
        const std::vector<boundary> boundaries = read_boundaries(root, force);
        REQUIRE(boundaries.size() >= 10);
        REQUIRE(boundaries.size() <= 40);
        for (const std::string& month : sample_month_names) {
            const std::vector<std::string> lines = read_lines(monthly_file(root, month, force, "street"));
            for (std::size_t i = 1; i < lines.size(); ++i) {
                const std::vector<std::string> f = split_row(lines[i]);
                if (f[4].empty()) {
                    continue;
                }
                const micro point{to_micro(f[4]), to_micro(f[5])};
                int holders = 0;
                for (const boundary& area : boundaries) {
                    holders += contains(area.ring, point) ? 1 : 0;
                }
                INFO(force << " " << lines[i]);
                CHECK(holders == 1);
            }
        }
    }
}

TEST_CASE("neighbourhood boundaries are simple counter-clockwise rings that tile their force", "[generate]") {
    const fs::path& root = sample().folder.path();
    for (const std::string& force : force_ids(root)) {
        const std::vector<boundary> boundaries = read_boundaries(root, force);
        micro low{INT64_MAX, INT64_MAX};
        micro high{INT64_MIN, INT64_MIN};
        for (const boundary& area : boundaries) {
            INFO(force << " " << area.id);
            const std::vector<micro>& ring = area.ring;
            REQUIRE(ring.size() >= 4);
            CHECK(ring.front().lon == ring.back().lon);
            CHECK(ring.front().lat == ring.back().lat);
            std::int64_t twice_area = 0;
            for (std::size_t i = 1; i < ring.size(); ++i) {
                twice_area += ring[i - 1].lon * ring[i].lat - ring[i].lon * ring[i - 1].lat;
                low.lon = std::min(low.lon, ring[i].lon);
                low.lat = std::min(low.lat, ring[i].lat);
                high.lon = std::max(high.lon, ring[i].lon);
                high.lat = std::max(high.lat, ring[i].lat);
            }
            CHECK(twice_area > 0);
            const std::size_t edges = ring.size() - 1;
            for (std::size_t a = 0; a < edges; ++a) {
                for (std::size_t b = a + 2; b < edges; ++b) {
                    if (a == 0 && b == edges - 1) {
                        continue;  // neighbours across the closing vertex
                    }
                    CHECK_FALSE(segments_touch(ring[a], ring[a + 1], ring[b], ring[b + 1]));
                }
            }
        }
        // No gaps and no overlaps: probe a grid over the inner part of the force.
        const std::int64_t step_lon = (high.lon - low.lon) / 40;
        const std::int64_t step_lat = (high.lat - low.lat) / 40;
        for (int i = 3; i <= 37; ++i) {
            for (int j = 3; j <= 37; ++j) {
                const micro probe{low.lon + i * step_lon + 7, low.lat + j * step_lat + 3};
                int holders = 0;
                bool on_an_edge = false;
                for (const boundary& area : boundaries) {
                    holders += contains(area.ring, probe) ? 1 : 0;
                    on_an_edge = on_an_edge || distance_to_edges(area.ring, probe) < 1.0;
                }
                if (!on_an_edge) {
                    INFO(force << " probe " << probe.lon << "," << probe.lat);
                    CHECK(holders == 1);
                }
            }
        }
    }
}

TEST_CASE("outcomes follow crimes of the same force from the same or an earlier month", "[generate]") {
    const fs::path& root = sample().folder.path();
    std::uint64_t outcomes = 0;
    for (const std::string& force : force_ids(root)) {
        std::map<std::string, std::string> crimes;  // id -> month and location columns
        for (const std::string& month : sample_month_names) {
            for (const std::string& line : read_lines(monthly_file(root, month, force, "street"))) {
                const std::vector<std::string> f = split_row(line);
                if (f[0].size() == 64) {
                    crimes[f[0]] = f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8];
                }
            }
            const std::vector<std::string> lines = read_lines(monthly_file(root, month, force, "outcomes"));
            for (std::size_t i = 1; i < lines.size(); ++i) {
                const std::vector<std::string> f = split_row(lines[i]);
                REQUIRE(f.size() == 10);
                ++outcomes;
                CHECK(f[1] == month);
                CHECK(!f[9].empty());
                CHECK(f[9] != "Under investigation");
                const auto crime = crimes.find(f[0]);
                INFO(lines[i]);
                REQUIRE(crime != crimes.end());
                CHECK(crime->second == f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8]);
            }
        }
    }
    CHECK(outcomes > 0);
    CHECK(outcomes == sample().summary.outcome_rows);
}

TEST_CASE("stop and search rows are dated within their month and use published values", "[generate]") {
    const fs::path& root = sample().folder.path();
    const std::set<std::string> types{"Person search", "Person and Vehicle search", "Vehicle search"};
    const std::set<std::string> flags{"True", "False", ""};
    std::uint64_t stops = 0;
    for (const std::string& month : sample_month_names) {
        for (const std::string& force : force_ids(root)) {
            const std::vector<std::string> lines = read_lines(monthly_file(root, month, force, "stop-and-search"));
            std::string previous;
            for (std::size_t i = 1; i < lines.size(); ++i) {
                const std::vector<std::string> f = split_row(lines[i]);
                REQUIRE(f.size() == 15);
                ++stops;
                CHECK(types.count(f[0]) == 1);
                CHECK(f[1].size() == 25);
                CHECK(f[1].rfind(month + "-", 0) == 0);
                CHECK(f[1].substr(10) == "T" + f[1].substr(11, 5) + ":00+00:00");
                CHECK(f[1] >= previous);  // in time order
                previous = f[1];
                CHECK(flags.count(f[2]) == 1);
                CHECK(flags.count(f[13]) == 1);
                CHECK(flags.count(f[14]) == 1);
                CHECK(f[4].empty() == f[5].empty());
                if (!f[4].empty()) {
                    CHECK(std::strtod(f[4].c_str(), nullptr) > 49.0);  // latitude comes first
                    CHECK(std::strtod(f[5].c_str(), nullptr) < 2.0);
                }
                CHECK(!f[10].empty());
                CHECK(!f[12].empty());
            }
        }
    }
    CHECK(stops == sample().summary.stop_rows);
    CHECK(stops > sample_rows / 40);
    CHECK(stops < sample_rows / 5);
}

TEST_CASE("neighbourhood details have the API's shape plus people, priorities and events", "[generate]") {
    const fs::path& root = sample().folder.path();
    std::uint64_t neighbourhoods = 0;
    for (const std::string& force : force_ids(root)) {
        for (const boundary& area : read_boundaries(root, force)) {
            const fs::path file = root / "neighbourhoods" / force / (area.id + ".json");
            INFO(file.string());
            REQUIRE(fs::is_regular_file(file));
            const nlohmann::json details = nlohmann::json::parse(read_file(file));
            ++neighbourhoods;
            CHECK(details.at("id") == area.id);
            CHECK(!details.at("name").get<std::string>().empty());
            CHECK(details.at("population").is_string());
            CHECK(details.at("centre").at("latitude").is_string());
            CHECK(details.at("centre").at("longitude").is_string());
            CHECK(details.at("contact_details").is_object());
            CHECK(details.at("locations").is_array());
            CHECK(details.at("links").is_array());
            CHECK(details.at("url_force").is_string());
            CHECK(details.at("description").is_string());
            for (const auto& person : details.at("people")) {
                CHECK(person.at("name").is_string());
                CHECK(person.at("rank").is_string());
                CHECK(person.contains("bio"));
                CHECK(person.at("contact_details").is_object());
            }
            for (const auto& priority : details.at("priorities")) {
                CHECK(priority.at("issue").is_string());
                CHECK(priority.contains("action"));
                CHECK(priority.at("issue-date").is_string());
            }
            for (const auto& event : details.at("events")) {
                for (const char* key : {"title", "type", "description", "address", "start_date", "end_date"}) {
                    CHECK(event.at(key).is_string());
                }
                CHECK(event.at("contact_details").is_object());
            }
        }
    }
    CHECK(neighbourhoods == sample().summary.neighbourhoods);
}

TEST_CASE("forces.json lists each force with its engagement methods", "[generate]") {
    const nlohmann::json forces = nlohmann::json::parse(read_file(sample().folder.path() / "forces.json"));
    REQUIRE(forces.is_array());
    std::set<std::string> ids;
    for (const auto& force : forces) {
        ids.insert(force.at("id").get<std::string>());
        for (const char* key : {"name", "description", "url", "telephone"}) {
            CHECK(force.at(key).is_string());
        }
        REQUIRE(force.at("engagement_methods").is_array());
        for (const auto& method : force.at("engagement_methods")) {
            CHECK(method.at("title").is_string());
            CHECK(method.at("url").is_string());
        }
        CHECK(fs::is_directory(sample().folder.path() / "boundaries" / force.at("id").get<std::string>()));
    }
    CHECK(ids.size() == forces.size());
}

TEST_CASE("watch schemes are features with unique ids and a known status", "[generate]") {
    const nlohmann::json schemes =
        nlohmann::json::parse(read_file(sample().folder.path() / "watch" / "schemes.geojson"));
    CHECK(schemes.at("type") == "FeatureCollection");
    const std::set<std::string> statuses{"self-declared", "verified-by-volunteer", "verified-by-police"};
    std::set<std::string> ids;
    std::size_t polygons = 0;
    for (const auto& feature : schemes.at("features")) {
        const auto& properties = feature.at("properties");
        ids.insert(properties.at("id").get<std::string>());
        CHECK(statuses.count(properties.at("status").get<std::string>()) == 1);
        CHECK(properties.at("households").is_number_integer());
        for (const char* key : {"name", "description", "website", "meetings"}) {
            CHECK(properties.at(key).is_string());
        }
        const auto& geometry = feature.at("geometry");
        if (geometry.at("type") == "Polygon") {
            ++polygons;
            const auto& ring = geometry.at("coordinates").at(0);
            REQUIRE(ring.size() >= 4);
            CHECK(ring.front() == ring.back());
        } else {
            CHECK(geometry.at("type") == "Point");
            CHECK(geometry.at("coordinates").size() == 2);
        }
    }
    CHECK(ids.size() == schemes.at("features").size());
    CHECK(ids.size() == sample().summary.schemes);
    CHECK(polygons > 0);
    CHECK(polygons < ids.size());
}

TEST_CASE("postcodes are unique upper-case units on the National Grid inside the forces", "[generate]") {
    const std::vector<std::string> lines = read_lines(sample().folder.path() / "postcodes" / "postcodes.csv");
    REQUIRE(lines.size() > 1);
    std::set<std::string> seen;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::vector<std::string> f = split_row(lines[i]);
        REQUIRE(f.size() >= 3);
        const std::string& postcode = f[0];
        INFO(postcode);
        CHECK(seen.insert(postcode).second);
        const std::size_t space = postcode.find(' ');
        REQUIRE(space != std::string::npos);
        CHECK(postcode.size() - space == 4);  // " 9XX"
        CHECK(std::all_of(postcode.begin(), postcode.end(), [](char c) {
            return c == ' ' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        }));
        const long easting = std::stol(f[1]);
        const long northing = std::stol(f[2]);
        // England's land on the National Grid.
        CHECK(easting > 130000);
        CHECK(easting < 660000);
        CHECK(northing > 10000);
        CHECK(northing < 660000);
    }
    CHECK(seen.size() == sample().summary.postcodes);
}

TEST_CASE("the National Grid projection matches the Ordnance Survey's worked example", "[generate]") {
    using crimemap::generator::osgb36_to_grid;
    using crimemap::generator::wgs84_to_british_grid;
    // OS "A guide to coordinate systems in Great Britain", annex C: 52°39'27.2531"N 1°43'4.5177"E.
    const auto worked = osgb36_to_grid(52.0 + 39.0 / 60.0 + 27.2531 / 3600.0, 1.0 + 43.0 / 60.0 + 4.5177 / 3600.0);
    CHECK(worked.easting == Approx(651409.903).margin(0.01));
    CHECK(worked.northing == Approx(313177.270).margin(0.01));
    // Elizabeth Tower, Westminster: about TQ 30268 79640 on the grid.
    const auto tower = wgs84_to_british_grid(51.5007292, -0.1246254);
    CHECK(tower.easting == Approx(530268.0).margin(30.0));
    CHECK(tower.northing == Approx(179640.0).margin(30.0));
}

TEST_CASE("impossible options are refused before anything is written", "[generate]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path() / "out";
    options.rows = 10;
    std::ostringstream log;
    options.last_month = 202413;
    CHECK_THROWS_AS(generate(options, log), std::invalid_argument);
    options.last_month = 202409;
    options.months = 0;
    CHECK_THROWS_AS(generate(options, log), std::invalid_argument);
    CHECK_FALSE(fs::exists(options.out));
}

TEST_CASE("zero rows still writes every file with its header", "[generate]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path();
    options.rows = 0;
    options.months = 1;
    std::ostringstream log;
    const generate_summary summary = generate(options, log);
    CHECK(summary.street_rows == 0);
    CHECK(summary.outcome_rows == 0);
    for (const std::string& force : force_ids(folder.path())) {
        const std::vector<std::string> lines = read_lines(monthly_file(folder.path(), "2024-09", force, "street"));
        REQUIRE(lines.size() == 1);
        CHECK(lines.front() == street_header);
    }
}

TEST_CASE("with --osm the streets and places are written as OpenStreetMap XML that GDAL reads", "[generate]") {
    const fs::path dir = fs::temp_directory_path() / ("crimemap-osm-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    generate_options options;
    options.out = dir / "data";
    options.rows = 3000;
    options.months = 1;
    options.osm = dir / "streets.osm";
    std::ostringstream log;
    generate(options, log);

    // Every street a crime is "On or near" has a way of that name; the points data.police.uk names
    // by what is there ("On or near Supermarket") are not streets.
    const std::set<std::string> not_streets{"Shopping Area", "Supermarket", "Parking Area", "Petrol Station", "Nightclub",
                                            "Police Station", "Bus/Coach Station", "Pedestrian Subway",
                                            "Sports/Recreation Area", "Hospital", "Further/Higher Educational Building",
                                            "Theatre/Concert Hall", "Conference/Exhibition Centre"};
    std::set<std::string> streets;
    for (const auto& entry : fs::recursive_directory_iterator(options.out)) {
        if (!entry.path().string().ends_with("-street.csv")) continue;
        std::ifstream in(entry.path());
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::vector<std::string> fields;
            std::stringstream row(line);
            for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
            REQUIRE(fields.size() >= 7);
            if (fields[6].starts_with("On or near ") && fields[6].size() > 11 && !not_streets.count(fields[6].substr(11)))
                streets.insert(fields[6].substr(11));
        }
    }
    REQUIRE(!streets.empty());

    GDALAllRegister();
    const char* drivers[] = {"OSM", nullptr};
    GDALDatasetH osm = GDALOpenEx(options.osm.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr);
    REQUIRE(osm != nullptr);
    std::set<std::string> way_names, place_kinds, rivers;
    std::size_t places = 0, roads = 0, lakes = 0, named_lakes = 0, parks = 0, reserves = 0, woods = 0, buildings = 0;
    // The OSM driver reads layers in the file's order: interleaved reading (GDALDatasetGetNextFeature).
    OGRLayerH layer = nullptr;
    while (OGRFeatureH feature = GDALDatasetGetNextFeature(osm, &layer, nullptr, nullptr, nullptr)) {
        const std::string layer_name = OGR_L_GetName(layer);
        auto field = [&](const char* name) {
            int index = OGR_F_GetFieldIndex(feature, name);
            return index >= 0 && OGR_F_IsFieldSet(feature, index) ? std::string(OGR_F_GetFieldAsString(feature, index))
                                                                   : std::string();
        };
        if (layer_name == "points" && !field("place").empty()) {
            ++places;
            place_kinds.insert(field("place"));
            CHECK(!field("name").empty());
        } else if (layer_name == "lines" && !field("highway").empty()) {
            ++roads;
            if (!field("name").empty()) way_names.insert(field("name"));
            CHECK(OGR_G_GetPointCount(OGR_F_GetGeometryRef(feature)) >= 2);
        } else if (layer_name == "lines" && field("waterway") == "river") {
            rivers.insert(field("name"));
            CHECK(OGR_G_GetPointCount(OGR_F_GetGeometryRef(feature)) >= 10);
        } else if (layer_name == "multipolygons") {
            // Closed ways with area tags come back as polygons.
            CHECK(wkbFlatten(OGR_G_GetGeometryType(OGR_F_GetGeometryRef(feature))) == wkbMultiPolygon);
            if (field("natural") == "water") {
                ++lakes;
                if (!field("name").empty()) ++named_lakes;
            } else if (field("leisure") == "park") {
                ++parks;
                CHECK(!field("name").empty());
            } else if (field("leisure") == "nature_reserve") {
                ++reserves;
            } else if (field("natural") == "wood" || field("landuse") == "forest") {
                ++woods;
            } else if (field("building") == "yes") {
                ++buildings;
            }
        }
        OGR_F_Destroy(feature);
    }
    GDALClose(osm);
    CHECK(places > 10);
    CHECK(place_kinds == std::set<std::string>{"city", "town", "village"});
    CHECK(roads > streets.size() / 2);
    std::vector<std::string> missing;
    std::set_difference(streets.begin(), streets.end(), way_names.begin(), way_names.end(), std::back_inserter(missing));
    INFO("streets without a way: " << missing.size() << " of " << streets.size() << ", first " << (missing.empty() ? "" : missing.front()));
    CHECK(missing.empty());
    CHECK(log.str().find("OpenStreetMap XML") != std::string::npos);
    // Scenery for the basemap: a named river per force, lakes, parks, woods and a bounded number
    // of buildings.
    CHECK(rivers.size() == force_ids(options.out).size());
    CHECK(!rivers.count(""));
    CHECK(lakes >= 5);
    CHECK(named_lakes >= 3);
    CHECK(parks >= 10);
    CHECK(woods >= 10);
    CHECK(reserves == rivers.size());
    CHECK(buildings >= 1000);
    CHECK(buildings <= 3000);
    INFO(lakes << " lakes, " << parks << " parks, " << woods << " woods, " << buildings << " buildings");

    // The same seed gives the same file byte for byte, whatever the rows while the world is the
    // smallest (up to 18,000 crimes a month); the crimes are not drawn from the scenery's random
    // numbers.
    const std::string first = read_file(options.osm);
    generate_options again = options;
    again.out = dir / "again";
    again.osm = dir / "again.osm";
    again.rows = 50;
    std::ostringstream quiet;
    generate(again, quiet);
    CHECK(read_file(again.osm) == first);
    fs::remove_all(dir);
}

namespace {

/// What a run's street files say about its map points.
struct point_census {
    std::uint64_t rows = 0;
    std::uint64_t without_location = 0;
    std::map<std::pair<std::string, std::string>, std::uint64_t> crimes_at;         ///< (lon, lat) -> crimes
    std::map<std::pair<std::string, std::string>, std::string> location_at;         ///< (lon, lat) -> "On or near ..."
    std::map<std::string, std::map<std::string, std::uint64_t>> types_by_location;  ///< location -> type -> crimes
    std::map<std::pair<std::string, std::string>, std::uint64_t> anti_social_at;    ///< (lon, lat) -> such crimes
};

point_census census_of(const fs::path& root) {
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

std::vector<std::uint64_t> sorted_counts(const point_census& census) {
    std::vector<std::uint64_t> counts;
    for (const auto& [point, crimes] : census.crimes_at)
        counts.push_back(crimes);
    std::sort(counts.begin(), counts.end());
    return counts;
}

const std::set<std::string> hot_spot_labels{"Shopping Area",
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

}  // namespace

// data.police.uk has about two map points for every crime of a month and, over 36 months, about
// 23 crimes a point, most points 1-10 and a few thousands (docs/data-formats.md, "generate").
TEST_CASE("the generated world is as dense as data.police.uk's: points, crimes per point, no location",
          "[generate][density]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path();
    options.rows = 200000;
    options.months = 12;
    options.seed = 5;
    std::ostringstream log;
    generate(options, log);
    const point_census census = census_of(folder.path());
    REQUIRE(census.rows == options.rows);

    // The world holds two map points per crime a month (36,000 at least): here 36,000, of which
    // a year of crime reaches most.
    const double world_points = std::max(36000.0, 2.0 * options.rows / options.months);
    const std::vector<std::uint64_t> counts = sorted_counts(census);
    INFO(counts.size() << " distinct points");
    CHECK(counts.size() >= 0.6 * world_points);
    CHECK(counts.size() <= 1.0 * world_points);

    // Crimes per point: a long tail. Most points have 1 to 10; the top 1% dozens; the busiest
    // (a town centre's hot spot) hundreds.
    const std::uint64_t median = counts[counts.size() / 2];
    const std::uint64_t top_percent = counts[counts.size() * 99 / 100];
    const auto up_to_ten =
        static_cast<double>(std::count_if(counts.begin(), counts.end(), [](auto c) { return c <= 10; }));
    INFO("median " << median << ", 99th percentile " << top_percent << ", busiest " << counts.back());
    CHECK(median >= 2);
    CHECK(median <= 4);
    CHECK(up_to_ten >= 0.75 * counts.size());
    CHECK(top_percent >= 25);
    CHECK(top_percent <= 120);
    CHECK(counts.back() >= 300);
    CHECK(counts.back() <= 5000);
    std::string busiest;
    for (const auto& [point, crimes] : census.crimes_at)
        if (crimes == counts.back()) busiest = census.location_at.at(point);
    INFO("busiest point " << busiest);
    CHECK(hot_spot_labels.count(busiest.substr(11)) == 1);

    // A few percent of crimes have no location.
    const double without = static_cast<double>(census.without_location) / static_cast<double>(census.rows);
    INFO("without a location: " << without);
    CHECK(without >= 0.02);
    CHECK(without <= 0.04);

    // Shoplifting where the shops are, anti-social behaviour more in the centres than at home.
    auto share = [&](const std::string& type, auto&& chosen) {
        double of_type = 0, all = 0;
        for (const auto& [location, types] : census.types_by_location) {
            if (!chosen(location)) continue;
            for (const auto& [name, crimes] : types) {
                all += static_cast<double>(crimes);
                if (name == type) of_type += static_cast<double>(crimes);
            }
        }
        return all > 0 ? of_type / all : 0.0;
    };
    auto shops = [](const std::string& l) { return l == "On or near Supermarket" || l == "On or near Shopping Area"; };
    auto streets = [](const std::string& l) { return hot_spot_labels.count(l.substr(11)) == 0; };
    CHECK(share("Shoplifting", shops) > 0.3);
    CHECK(share("Shoplifting", shops) > 4.0 * share("Shoplifting", streets));
}

TEST_CASE("the world grows with the crimes a month: more forces and more points", "[generate][density]") {
    const temporary_folder folder;
    generate_options options;
    options.out = folder.path();
    options.rows = 90000;
    options.months = 1;  // 90,000 crimes a month: a world of 180,000 points
    std::ostringstream log;
    generate(options, log);
    CHECK(force_ids(folder.path()).size() == 8);
    const point_census census = census_of(folder.path());
    const std::vector<std::uint64_t> counts = sorted_counts(census);
    INFO(counts.size() << " distinct points in one month, median " << counts[counts.size() / 2] << ", 99th percentile "
                       << counts[counts.size() * 99 / 100] << ", busiest " << counts.back());
    // One month of crime reaches fewer of the points than a year would; as in one month of
    // Essex's (13,139 crimes on 5,971 points), most points have one crime and the top 1% a dozen.
    CHECK(counts.size() >= 0.2 * 180000);
    CHECK(counts.size() <= 0.6 * 180000);
    CHECK(counts[counts.size() / 2] <= 2);
    CHECK(counts[counts.size() * 99 / 100] >= 5);
    CHECK(counts[counts.size() * 99 / 100] <= 25);
}

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
