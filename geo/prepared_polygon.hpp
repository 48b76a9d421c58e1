#pragma once
// A polygon made ready for many point-in-polygon tests: its edges bucketed into bands.

#include "geo/lonlat.hpp"

#include <cstdint>
#include <vector>

namespace crimemap::geo {

/// A polygon (outer ring and holes) with an index of its edges, for answering "is this point
/// inside or on the boundary" many times: the same answer as boost::geometry::covered_by,
/// at the cost of the few edges near the point rather than of every edge.
///
/// The edges are bucketed into equal bands along the axis where they span least (x or y),
/// each edge in every band its extent touches; a point is tested by the winding rule of
/// Boost.Geometry's cartesian strategy (the one covered_by uses: a ray from the point across the
/// bands, coordinates equal within epsilon, side_by_triangle for the side of an edge) against
/// only the edges of its band, which are all the edges that rule can count for it. A zigzag of
/// n vertices costs a few edges per point instead of n; a polygon whose every edge crosses the
/// same line (a star) keeps about half its edges in the bands near that line, and the index is
/// capped at a few dozen entries per edge. Building costs linear time in the edges plus the
/// index entries.
///
/// Bands along x give covered_by's answers exactly (its ray is vertical). Along y the ray is
/// horizontal: inside, outside and on the boundary are the same, sides are decided by the same
/// computation, and only a point within a rounding error (about 1e-16 relative) of a horizontal
/// or vertical edge could come out differently.
///
/// Copies the polygon; keeps no reference to it.
class prepared_polygon {
public:
    /// Which axis the bands run along: the one that makes fewer index entries, or x always,
    /// for callers that must have covered_by's answers to the last bit.
    enum class band_axis { fewest_entries, x };

    /// @pre rings closed and oriented as geo::polygon wants (boost::geometry::correct).
    explicit prepared_polygon(const polygon& shape, band_axis axis = band_axis::fewest_entries);

    /// Inside or on the boundary (an edge or a vertex), as boost::geometry::covered_by.
    [[nodiscard]] bool covers(const lonlat& p) const;

    /// The edges tested for a point in the fullest band, and the index entries: for tests
    /// and benchmarks.
    [[nodiscard]] std::size_t fullest_band() const;
    [[nodiscard]] std::size_t index_entries() const { return band_edges_.size(); }
    /// Whether the bands run along y (a horizontal ray) rather than along x.
    [[nodiscard]] bool banded_along_y() const { return along_y_; }

private:
    struct edge {
        lonlat from, to;
        std::uint32_t ring;  // 0 the outer ring, 1... the holes
    };
    [[nodiscard]] std::size_t band_of(double v) const;
    [[nodiscard]] int ring_code(const lonlat& q, std::uint32_t ring, const std::uint32_t*& next,
                                const std::uint32_t* end) const;

    bool along_y_ = false;
    double start_ = 0, end_ = 0;    // band axis extent, widened by `margin_`
    double margin_ = 0;             // more than Boost.Geometry's tolerance for "equal" coordinates
    double bands_per_unit_ = 0;
    std::vector<edge> edges_;                 // by ring, in ring order
    std::vector<std::uint32_t> band_first_;   // into band_edges_, one per band and one more
    std::vector<std::uint32_t> band_edges_;   // edge indexes, ascending within a band
};

}  // namespace crimemap::geo
