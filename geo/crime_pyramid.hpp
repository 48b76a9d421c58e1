#pragma once
// Crimes by map location, ordered along the Morton curve, with a pyramid of grid
// cells above them so a tile at any zoom is answered from one contiguous range.
//
// Each location (and each cell) holds a sorted list of tallies: how many crimes of one
// category and outcome group it had in one month. A filter (month range, category set,
// outcome group set) is answered by scanning those tallies, so no crime is visited per
// request and every crime is counted in exactly one location and one cell per level.

#include "geo/mapped_array.hpp"
#include "geo/web_mercator.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace crimemap::geo {

/// How many crimes of one (month, category, outcome group) a location or cell has.
struct crime_tally {
    std::uint16_t month = 0;     ///< index into the caller's list of months
    std::uint8_t category = 0;   ///< index into the caller's list of categories, < 64
    std::uint8_t group = 0;      ///< outcome group index, < 32
    std::uint32_t count = 0;
};

/// One crime as given to the builder.
struct crime_entry {
    std::uint32_t location = 0;  ///< index into the locations given to the builder
    std::uint16_t month = 0;
    std::uint8_t category = 0;
    std::uint8_t group = 0;
};

/// Which crimes a request wants. Month indexes are inclusive.
struct crime_filter {
    std::uint16_t from = 0, to = 0xffff;
    std::uint64_t categories = ~std::uint64_t{0};  ///< bit i: category i
    std::uint32_t groups = ~std::uint32_t{0};      ///< bit i: outcome group i
};

inline constexpr std::size_t max_categories = 64;

/// A feature of a crimes tile: where, how many, and how many per category.
struct crime_feature {
    world_point where;
    std::uint32_t location;  ///< the builder's location index (detail zooms), or no_location
    std::uint32_t total;
    const std::array<std::uint32_t, max_categories>* per_category;
    std::uint64_t categories;  ///< bits of the categories with a count
};
inline constexpr std::uint32_t no_location = 0xffffffffu;

/// A box on the world grid, edges included: a node of the pyramid's packed tree.
struct grid_box {
    std::uint32_t min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

class crime_pyramid {
public:
    /// Zooms at and above this show single locations; below it, cells of 1/32 tile.
    static constexpr std::uint32_t detail_zoom = 14;
    /// Cells per tile side at aggregated zooms (2^cell_bits).
    static constexpr std::uint32_t cell_bits = 5;

    crime_pyramid() = default;
    /// Sorts, tallies and builds every level. O(n log n) in crimes; `crimes` is consumed.
    crime_pyramid(std::span<const world_point> locations, std::vector<crime_entry> crimes);

    /// Calls `emit` for each location (zoom >= detail_zoom) or cell (below) inside the tile
    /// with at least one crime matching the filter. Positions are cell centroids weighted by
    /// all crimes, so they lie inside the cell and the tile. @pre is_valid(tile)
    void query(const tile_id& tile, const crime_filter& filter, const std::function<void(const crime_feature&)>& emit) const;

    /// Locations (detail zooms only) outside the tile but within `margin` world units of it.
    void query_margin(const tile_id& tile, std::uint64_t margin, const crime_filter& filter,
                      const std::function<void(const crime_feature&)>& emit) const;

    /// Builder location indexes of the locations inside a world-grid box (edges included).
    void locations_in(world_point min, world_point max, const std::function<void(std::uint32_t location)>& emit) const;

    /// The same, but only locations with a crime matching the filter, in Morton order, until
    /// `emit` returns false. Cells of the pyramid without a matching crime are skipped whole,
    /// so the cost follows the matching crimes near the box rather than the locations in it
    /// (a month of one force, or a rare category, over the whole country).
    void locations_matching(const grid_box& area, const crime_filter& filter,
                            const std::function<bool(std::uint32_t location)>& emit) const;

    /// Builder location index of the location nearest to `p` on the world grid; nullopt when empty.
    [[nodiscard]] std::optional<std::uint32_t> nearest_location(world_point p) const;

    [[nodiscard]] std::size_t location_count() const { return parts_.location_codes.size(); }
    [[nodiscard]] std::size_t tally_count() const;
    /// Bytes of its arrays on the heap (arrays viewed in a mapped file are not counted).
    [[nodiscard]] std::size_t memory_bytes() const;
    /// Location index given to the builder, for the n-th location in Morton order.
    [[nodiscard]] std::uint32_t original_location(std::size_t sorted_index) const { return parts_.location_ids[sorted_index]; }

    /// Cells of one zoom below detail_zoom.
    struct level {
        mapped_array<std::uint64_t> codes;  ///< cell code: Morton code >> (64 - 2 * (zoom + cell_bits))
        mapped_array<std::uint32_t> first;  ///< tally offsets, size codes.size() + 1
        mapped_array<world_point> centres;
        mapped_array<crime_tally> tallies;
    };
    /// Every array the pyramid is made of: what an index file stores, and what it is viewed from.
    struct arrays {
        // Locations in Morton order: level "32" of the pyramid.
        mapped_array<std::uint64_t> location_codes;
        mapped_array<world_point> location_points;
        mapped_array<std::uint32_t> location_ids;  ///< builder location index by sorted index
        mapped_array<std::uint32_t> location_first;
        mapped_array<crime_tally> location_tallies;
        std::array<level, detail_zoom> levels;  ///< levels[z]: cells for zoom z
        /// A packed tree over the sorted locations: tree_fanout locations a leaf, tree_fanout
        /// nodes a parent, the leaves first and the root last.
        mapped_array<grid_box> nodes;
    };
    static constexpr std::uint32_t tree_fanout = 16;

    /// A pyramid over arrays written earlier by a pyramid (`parts()`), owned or viewed.
    /// @throws std::invalid_argument when the arrays do not fit together
    explicit crime_pyramid(arrays parts);
    [[nodiscard]] const arrays& parts() const { return parts_; }

private:
    static bool any_match(std::span<const crime_tally> tallies, const crime_filter& filter);
    bool tally_cell(std::span<const crime_tally> tallies, const crime_filter& filter,
                    std::array<std::uint32_t, max_categories>& per_category, std::uint32_t& total,
                    std::uint64_t& categories) const;
    /// Sorted location indexes inside the box, in tree order.
    void search(const grid_box& area, const std::function<void(std::uint32_t sorted)>& emit) const;
    void index_levels();

    arrays parts_;
    std::vector<std::size_t> node_level_first_{0};  // first node of each tree level, leaves first; then the end
};

}  // namespace crimemap::geo
