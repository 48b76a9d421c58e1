// The import's point → neighbourhood lookup against geo::polygon_index, the slow exact path.

#include "data/import/neighbourhood_lookup.hpp"
#include "data/import/wkb.hpp"
#include "geo/polygon_index.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace crimemap;
using namespace crimemap::test;

namespace {

std::string ring_text(const std::vector<std::pair<double, double>>& ring) {
    std::string text;
    char point[64];
    for (auto [x, y] : ring) {
        std::snprintf(point, sizeof point, "%.6f,%.6f ", x, y);
        text += point;
    }
    std::snprintf(point, sizeof point, "%.6f,%.6f", ring[0].first, ring[0].second);
    return text + point;
}

std::string kml(const std::string& name, const std::vector<std::pair<double, double>>& outer,
                const std::vector<std::pair<double, double>>& hole = {}) {
    std::string text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">"
                       "<Document><Placemark><name>" + name + "</name><Polygon><outerBoundaryIs><LinearRing><coordinates>" +
                       ring_text(outer) + "</coordinates></LinearRing></outerBoundaryIs>";
    if (!hole.empty())
        text += "<innerBoundaryIs><LinearRing><coordinates>" + ring_text(hole) + "</coordinates></LinearRing></innerBoundaryIs>";
    return text + "</Polygon></Placemark></Document></kml>\n";
}

std::vector<std::pair<double, double>> rectangle(double west, double south, double east, double north) {
    return {{west, south}, {east, south}, {east, north}, {west, north}};
}

// A wobbly star of n points around (x, y): many edges, horizontal and vertical ones among them.
std::vector<std::pair<double, double>> star(double x, double y, double radius, int n) {
    std::vector<std::pair<double, double>> ring;
    for (int i = 0; i < n; ++i) {
        double angle = 2 * M_PI * i / n, r = radius * (i % 2 ? 0.55 : 1.0) * (1 + 0.1 * std::sin(7.0 * i));
        ring.emplace_back(std::round((x + r * std::cos(angle)) * 1e6) / 1e6, std::round((y + r * std::sin(angle)) * 1e6) / 1e6);
    }
    return ring;
}

}  // namespace

TEST_CASE("the import's neighbourhood lookup answers as polygon_index for points inside, outside, on edges and vertices") {
    temp_dir dir;
    auto db = dir.file("store.sqlite");
    const std::string folder = (dir.path() / "boundaries/testshire").string();
    write_file(folder + "/TS01.kml", kml("TS01", rectangle(-0.2, 51.0, 0.0, 51.1)));
    write_file(folder + "/TS02.kml", kml("TS02", rectangle(0.0, 51.0, 0.2, 51.1), rectangle(0.05, 51.02, 0.1, 51.05)));
    write_file(folder + "/TS03.kml", kml("TS03", star(0.1, 51.15, 0.08, 400)));
    write_file(folder + "/TS04.kml", kml("TS04", star(-0.1, 51.1, 0.05, 61)));  // overlaps TS01's north edge
    write_file(folder + "/TS05.kml", kml("TS05", rectangle(0.06, 51.03, 0.09, 51.04)));  // inside TS02's hole
    import_paths(db, {(dir.path() / "boundaries").string()});

    auto store = data::open_store_for_writing(db);
    data::detail::neighbourhood_lookup lookup(store);
    REQUIRE(lookup.size() == 5);
    std::vector<std::int64_t> keys;
    std::vector<geo::multi_polygon> shapes;
    data::Statement select(store, "SELECT key, AsBinary(boundary) FROM neighbourhoods ORDER BY key");
    while (select.step()) {
        keys.push_back(select.column_int(0));
        shapes.push_back(data::detail::multi_polygon_from_wkb(select.column_blob(1)));
    }
    const geo::polygon_index slow(shapes);

    std::vector<geo::lonlat> points;
    for (const auto& shape : shapes)
        for (const auto& part : shape) {
            auto add_ring = [&](const auto& ring) {
                for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                    points.push_back(ring[i]);  // vertices
                    points.emplace_back((ring[i].x() + ring[i + 1].x()) / 2, (ring[i].y() + ring[i + 1].y()) / 2);
                    points.emplace_back(ring[i].x() + 1e-9, ring[i].y());
                    points.emplace_back(ring[i].x(), ring[i].y() - 1e-9);
                }
            };
            add_ring(part.outer());
            for (const auto& hole : part.inners()) add_ring(hole);
        }
    std::mt19937_64 random(13);
    std::uniform_real_distribution<double> lon(-0.3, 0.3), lat(50.95, 51.3);
    for (int i = 0; i < 100000; ++i) points.emplace_back(lon(random), lat(random));
    for (int i = -300; i <= 300; ++i) points.emplace_back(i * 0.001, 51.0 + (i % 100) * 0.001);  // the shared edge and more

    std::size_t differ = 0, found = 0;
    for (const auto& p : points) {
        std::optional<std::int64_t> expected;
        if (auto id = slow.find(p)) expected = keys[*id];
        auto got = lookup.find(p.x(), p.y());
        differ += got != expected;
        found += got.has_value();
    }
    CHECK(differ == 0);
    CHECK(found > points.size() / 4);
    CHECK(lookup.find(0.0, 51.05) == keys[0]);      // on the shared edge: the lowest key
    CHECK(lookup.find(0.075, 51.035) == keys[4]);   // in the hole, inside TS05
    CHECK_FALSE(lookup.find(0.07, 51.045));         // in the hole, outside TS05
    CHECK_FALSE(lookup.find(1.0, 52.0));
}
