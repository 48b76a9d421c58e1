// Neighbourhood boundaries: the cells of a jittered grid over each force, sharing their vertices
// and edges exactly so that they tile the force without gaps, and their KML files.

#include "generator/files.hpp"
#include "generator/force_builder.hpp"
#include "generator/output.hpp"
#include "generator/text.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace crimemap::generator {

/// Column (or row) widths that shrink near the city, summing to `extent`.
std::vector<double> force_builder::grid_widths(int count, double extent, double city_position) {
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

/// Three points between two vertices, pushed sideways a little; shared by both cells.
std::array<micro_point, 3> force_builder::wiggle(frame_point from, frame_point to) {
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

void force_builder::build_neighbourhood_grid() {
    const int columns = spec_.columns;
    const int rows = spec_.rows;
    const town& city = world_.towns.front();
    const std::vector<double> widths = grid_widths(columns, width_, city.x);
    const std::vector<double> heights = grid_widths(rows, height_, city.y);
    const auto column_count = static_cast<std::size_t>(columns);
    const auto row_count = static_cast<std::size_t>(rows);

    // Vertices: interior ones move both ways, edge ones only along the edge, corners stay,
    // so the force keeps its outline apart from the wiggles of its outer edges.
    std::vector<frame_point> vertices((column_count + 1) * (row_count + 1));
    auto vertex = [&](std::size_t i, std::size_t j) -> frame_point& { return vertices[j * (column_count + 1) + i]; };
    double y = 0.0;
    for (std::size_t j = 0; j <= row_count; ++j) {
        double x = 0.0;
        for (std::size_t i = 0; i <= column_count; ++i) {
            frame_point p{x, y};
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

            const std::array<frame_point, 4> corners{vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1),
                                                     vertex(i, j + 1)};
            cell.x_min = cell.y_min = std::numeric_limits<double>::infinity();
            cell.x_max = cell.y_max = -std::numeric_limits<double>::infinity();
            for (const frame_point& p : corners) {
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
std::size_t force_builder::neighbourhood_of(micro_point p, double margin) const {
    for (std::size_t n = 0; n < world_.neighbourhoods.size(); ++n) {
        const neighbourhood& cell = world_.neighbourhoods[n];
        if (p.lon < cell.lon_min - margin || p.lon > cell.lon_max + margin || p.lat < cell.lat_min - margin ||
            p.lat > cell.lat_max + margin) {
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

void force_builder::locate_town_centres() {
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

namespace {

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

}  // namespace

std::uint64_t write_boundaries(const std::vector<force_world>& worlds, output_folder& out) {
    std::uint64_t written = 0;
    for (const force_world& world : worlds) {
        for (const neighbourhood& cell : world.neighbourhoods) {
            out.write(std::filesystem::path("boundaries") / world.spec->id / join({cell.id, ".kml"}), kml_of(cell));
            ++written;
        }
    }
    return written;
}

}  // namespace crimemap::generator
