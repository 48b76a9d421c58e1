#include "geo/crime_pyramid.hpp"

#include <boost/geometry/algorithms/disjoint.hpp>
#include <boost/geometry/algorithms/comparable_distance.hpp>
#include <boost/geometry/strategies/strategies.hpp>
#include <boost/geometry/algorithms/intersects.hpp>

#include <algorithm>
#include <bit>
#include <numeric>

namespace crimemap::geo {

namespace bgi = boost::geometry::index;

namespace {

// Tallies sort by month first, so a month range is one run of each list.
constexpr std::uint32_t tally_key(std::uint16_t month, std::uint8_t category, std::uint8_t group) {
    return (std::uint32_t{month} << 16) | (std::uint32_t{category} << 8) | group;
}

// Sorts keys and appends one tally per distinct key; returns the total count.
std::uint64_t append_tallies(std::span<std::uint32_t> keys, std::span<const std::uint32_t> counts,
                             std::vector<crime_tally>& out, std::vector<std::uint32_t>& order) {
    std::uint64_t total = 0;
    if (counts.empty()) {
        std::sort(keys.begin(), keys.end());
        for (std::size_t i = 0; i < keys.size();) {
            std::size_t j = i;
            while (j < keys.size() && keys[j] == keys[i]) ++j;
            out.push_back({static_cast<std::uint16_t>(keys[i] >> 16), static_cast<std::uint8_t>(keys[i] >> 8),
                           static_cast<std::uint8_t>(keys[i]), static_cast<std::uint32_t>(j - i)});
            total += j - i;
            i = j;
        }
        return total;
    }
    order.resize(keys.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
    for (std::size_t i = 0; i < order.size();) {
        std::uint32_t key = keys[order[i]];
        std::uint32_t sum = 0;
        std::size_t j = i;
        for (; j < order.size() && keys[order[j]] == key; ++j) sum += counts[order[j]];
        out.push_back({static_cast<std::uint16_t>(key >> 16), static_cast<std::uint8_t>(key >> 8),
                       static_cast<std::uint8_t>(key), sum});
        total += sum;
        i = j;
    }
    return total;
}

}  // namespace

crime_pyramid::crime_pyramid(std::span<const world_point> locations, std::vector<crime_entry> crimes) {
    const std::size_t n = locations.size();
    std::vector<std::uint64_t> codes(n);
    for (std::size_t i = 0; i < n; ++i) codes[i] = morton_code(locations[i]);
    location_ids_.resize(n);
    std::iota(location_ids_.begin(), location_ids_.end(), 0u);
    std::sort(location_ids_.begin(), location_ids_.end(), [&](std::uint32_t a, std::uint32_t b) {
        return codes[a] != codes[b] ? codes[a] < codes[b] : a < b;
    });
    std::vector<std::uint32_t> rank(n);
    location_codes_.resize(n);
    location_points_.resize(n);
    for (std::size_t s = 0; s < n; ++s) {
        rank[location_ids_[s]] = static_cast<std::uint32_t>(s);
        location_codes_[s] = codes[location_ids_[s]];
        location_points_[s] = locations[location_ids_[s]];
    }
    codes = {};

    // Counting sort of crimes by location, then tallies per location.
    std::vector<std::uint32_t> offsets(n + 1, 0);
    for (const auto& c : crimes) ++offsets[rank[c.location] + 1];
    std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
    std::vector<std::uint32_t> keys(crimes.size());
    {
        std::vector<std::uint32_t> cursor(offsets.begin(), offsets.end() - 1);
        for (const auto& c : crimes) keys[cursor[rank[c.location]]++] = tally_key(c.month, c.category, c.group);
    }
    crimes = {};
    rank = {};
    std::vector<std::uint64_t> weight(n);
    std::vector<std::uint32_t> scratch_order;
    location_first_.reserve(n + 1);
    location_tallies_.reserve(keys.size() / 2);
    for (std::size_t s = 0; s < n; ++s) {
        location_first_.push_back(static_cast<std::uint32_t>(location_tallies_.size()));
        std::span<std::uint32_t> range(keys.data() + offsets[s], offsets[s + 1] - offsets[s]);
        weight[s] = append_tallies(range, {}, location_tallies_, scratch_order);
    }
    location_first_.push_back(static_cast<std::uint32_t>(location_tallies_.size()));
    location_tallies_.shrink_to_fit();
    keys = {};

    // Cell levels from the finest (zoom detail_zoom - 1) to zoom 0, each from the one below.
    levels_.resize(detail_zoom);
    std::span<const std::uint64_t> child_codes = location_codes_;
    std::span<const world_point> child_points = location_points_;
    std::span<const std::uint32_t> child_first = location_first_;
    std::span<const crime_tally> child_tallies = location_tallies_;
    int child_level = 32;
    std::vector<std::uint32_t> merge_keys, merge_counts;
    for (int zoom = static_cast<int>(detail_zoom) - 1; zoom >= 0; --zoom) {
        level& out = levels_[static_cast<std::size_t>(zoom)];
        const int cell_level = zoom + static_cast<int>(cell_bits);
        const int shift = 2 * (child_level - cell_level);
        std::vector<std::uint64_t> next_weight;
        for (std::size_t i = 0; i < child_codes.size();) {
            std::uint64_t parent = child_codes[i] >> shift;
            std::size_t j = i;
            merge_keys.clear();
            merge_counts.clear();
            double sum_x = 0, sum_y = 0, sum_w = 0;
            std::uint32_t min_x = ~0u, min_y = ~0u, max_x = 0, max_y = 0;
            for (; j < child_codes.size() && (child_codes[j] >> shift) == parent; ++j) {
                for (std::uint32_t t = child_first[j]; t < child_first[j + 1]; ++t) {
                    const auto& tally = child_tallies[t];
                    merge_keys.push_back(tally_key(tally.month, tally.category, tally.group));
                    merge_counts.push_back(tally.count);
                }
                auto w = static_cast<double>(weight[j]);
                sum_x += w * child_points[j].x;
                sum_y += w * child_points[j].y;
                sum_w += w;
                min_x = std::min(min_x, child_points[j].x);
                max_x = std::max(max_x, child_points[j].x);
                min_y = std::min(min_y, child_points[j].y);
                max_y = std::max(max_y, child_points[j].y);
            }
            out.codes.push_back(parent);
            out.first.push_back(static_cast<std::uint32_t>(out.tallies.size()));
            next_weight.push_back(append_tallies(merge_keys, merge_counts, out.tallies, scratch_order));
            // The weighted centre lies within the children's bounds; the clamp only
            // guards against rounding, so the centre never leaves its cell.
            world_point centre{min_x, min_y};
            if (sum_w > 0) {
                centre.x = static_cast<std::uint32_t>(std::clamp(sum_x / sum_w, double(min_x), double(max_x)));
                centre.y = static_cast<std::uint32_t>(std::clamp(sum_y / sum_w, double(min_y), double(max_y)));
            }
            out.centres.push_back(centre);
            i = j;
        }
        out.first.push_back(static_cast<std::uint32_t>(out.tallies.size()));
        out.tallies.shrink_to_fit();
        weight = std::move(next_weight);
        child_codes = out.codes;
        child_points = out.centres;
        child_first = out.first;
        child_tallies = out.tallies;
        child_level = cell_level;
    }

    std::vector<rtree_entry> entries;
    entries.reserve(n);
    for (std::uint32_t s = 0; s < n; ++s)
        entries.emplace_back(rtree_point(double(location_points_[s].x), double(location_points_[s].y)), s);
    rtree_ = decltype(rtree_)(entries.begin(), entries.end());
}

bool crime_pyramid::tally_cell(std::span<const crime_tally> tallies, const crime_filter& filter,
                               std::array<std::uint32_t, max_categories>& per_category, std::uint32_t& total,
                               std::uint64_t& categories) const {
    auto it = std::partition_point(tallies.begin(), tallies.end(),
                                   [&](const crime_tally& t) { return t.month < filter.from; });
    total = 0;
    categories = 0;
    for (; it != tallies.end() && it->month <= filter.to; ++it) {
        if (!((filter.categories >> it->category) & 1u) || !((filter.groups >> it->group) & 1u)) continue;
        per_category[it->category] += it->count;
        total += it->count;
        categories |= std::uint64_t{1} << it->category;
    }
    return total > 0;
}

void crime_pyramid::query(const tile_id& tile, const crime_filter& filter,
                          const std::function<void(const crime_feature&)>& emit) const {
    std::array<std::uint32_t, max_categories> per_category{};
    auto emit_cell = [&](std::span<const crime_tally> tallies, world_point where, std::uint32_t location) {
        std::uint32_t total = 0;
        std::uint64_t categories = 0;
        if (tally_cell(tallies, filter, per_category, total, categories))
            emit(crime_feature{where, location, total, &per_category, categories});
        for (std::uint64_t bits = categories; bits; bits &= bits - 1) per_category[std::countr_zero(bits)] = 0;
    };
    const std::uint64_t first = tile_first_code(tile), last = tile_last_code(tile);
    if (tile.z >= detail_zoom) {
        auto begin = std::lower_bound(location_codes_.begin(), location_codes_.end(), first);
        auto end = std::upper_bound(begin, location_codes_.end(), last);
        for (auto it = begin; it != end; ++it) {
            auto s = static_cast<std::size_t>(it - location_codes_.begin());
            emit_cell({location_tallies_.data() + location_first_[s], location_tallies_.data() + location_first_[s + 1]},
                      location_points_[s], location_ids_[s]);
        }
        return;
    }
    const level& cells = levels_[tile.z];
    const int shift = 64 - 2 * static_cast<int>(tile.z + cell_bits);
    auto begin = std::lower_bound(cells.codes.begin(), cells.codes.end(), first >> shift);
    auto end = std::upper_bound(begin, cells.codes.end(), last >> shift);
    for (auto it = begin; it != end; ++it) {
        auto c = static_cast<std::size_t>(it - cells.codes.begin());
        emit_cell({cells.tallies.data() + cells.first[c], cells.tallies.data() + cells.first[c + 1]}, cells.centres[c],
                  no_location);
    }
}

void crime_pyramid::query_margin(const tile_id& tile, std::uint64_t margin, const crime_filter& filter,
                                 const std::function<void(const crime_feature&)>& emit) const {
    if (tile.z < detail_zoom) return;
    const auto origin = tile_origin(tile);
    const std::uint64_t size = tile_size(tile);
    auto low = [&](std::uint32_t v) { return static_cast<std::uint32_t>(v > margin ? v - margin : 0); };
    auto high = [&](std::uint64_t v) { return static_cast<std::uint32_t>(std::min<std::uint64_t>(v, 0xffffffffu)); };
    boost::geometry::model::box<rtree_point> area(rtree_point(double(low(origin.x)), double(low(origin.y))),
                                                  rtree_point(double(high(origin.x + size - 1 + margin)),
                                                              double(high(origin.y + size - 1 + margin))));
    std::array<std::uint32_t, max_categories> per_category{};
    for (auto it = rtree_.qbegin(bgi::intersects(area)); it != rtree_.qend(); ++it) {
        std::uint32_t s = it->second;
        const world_point p = location_points_[s];
        bool inside = p.x >= origin.x && p.x - origin.x < size && p.y >= origin.y && p.y - origin.y < size;
        if (inside) continue;
        std::uint32_t total = 0;
        std::uint64_t categories = 0;
        std::span<const crime_tally> tallies(location_tallies_.data() + location_first_[s],
                                             location_tallies_.data() + location_first_[s + 1]);
        if (tally_cell(tallies, filter, per_category, total, categories))
            emit(crime_feature{p, location_ids_[s], total, &per_category, categories});
        for (std::uint64_t bits = categories; bits; bits &= bits - 1) per_category[std::countr_zero(bits)] = 0;
    }
}

void crime_pyramid::locations_in(world_point min, world_point max,
                                 const std::function<void(std::uint32_t)>& emit) const {
    boost::geometry::model::box<rtree_point> area(rtree_point(double(min.x), double(min.y)),
                                                  rtree_point(double(max.x), double(max.y)));
    for (auto it = rtree_.qbegin(bgi::intersects(area)); it != rtree_.qend(); ++it) emit(location_ids_[it->second]);
}

std::optional<std::uint32_t> crime_pyramid::nearest_location(world_point p) const {
    auto it = rtree_.qbegin(bgi::nearest(rtree_point(double(p.x), double(p.y)), 1));
    if (it == rtree_.qend()) return std::nullopt;
    return location_ids_[it->second];
}

std::size_t crime_pyramid::tally_count() const {
    std::size_t total = location_tallies_.size();
    for (const auto& l : levels_) total += l.tallies.size();
    return total;
}

std::size_t crime_pyramid::memory_bytes() const {
    std::size_t bytes = location_codes_.capacity() * 8 + location_points_.capacity() * 8 + location_ids_.capacity() * 4 +
                        location_first_.capacity() * 4 + location_tallies_.capacity() * sizeof(crime_tally);
    for (const auto& l : levels_)
        bytes += l.codes.capacity() * 8 + l.first.capacity() * 4 + l.centres.capacity() * 8 +
                 l.tallies.capacity() * sizeof(crime_tally);
    bytes += rtree_.size() * (sizeof(rtree_entry) + 8);
    return bytes;
}

}  // namespace crimemap::geo
