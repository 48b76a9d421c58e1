#include "geo/crime_pyramid.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>

namespace crimemap::geo {

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
    std::vector<std::uint64_t> location_codes_;
    std::vector<world_point> location_points_;
    std::vector<std::uint32_t> location_ids_, location_first_;
    std::vector<crime_tally> location_tallies_;
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
    struct built_level {
        std::vector<std::uint64_t> codes;
        std::vector<std::uint32_t> first;
        std::vector<world_point> centres;
        std::vector<crime_tally> tallies;
    };
    std::array<built_level, detail_zoom> levels_;
    std::span<const std::uint64_t> child_codes = location_codes_;
    std::span<const world_point> child_points = location_points_;
    std::span<const std::uint32_t> child_first = location_first_;
    std::span<const crime_tally> child_tallies = location_tallies_;
    int child_level = 32;
    std::vector<std::uint32_t> merge_keys, merge_counts;
    for (int zoom = static_cast<int>(detail_zoom) - 1; zoom >= 0; --zoom) {
        built_level& out = levels_[static_cast<std::size_t>(zoom)];
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

    // The packed tree: runs of tree_fanout locations in Morton order are compact, so their boxes
    // are small; each level above groups tree_fanout boxes of the one below.
    std::vector<grid_box> nodes;
    // Leaves over locations.
    const std::size_t leaves = (n + tree_fanout - 1) / tree_fanout;
    for (std::size_t p = 0; p < leaves; ++p) {
        grid_box b{~0u, ~0u, 0, 0};
        for (std::size_t c = p * tree_fanout; c < std::min(n, (p + 1) * tree_fanout); ++c) {
            const auto& q = location_points_[c];
            b = {std::min(b.min_x, q.x), std::min(b.min_y, q.y), std::max(b.max_x, q.x), std::max(b.max_y, q.y)};
        }
        nodes.push_back(b);
    }
    // Parents until one root.
    for (std::size_t level_first = 0, level_size = leaves; level_size > 1;) {
        const std::size_t parents = (level_size + tree_fanout - 1) / tree_fanout;
        for (std::size_t p = 0; p < parents; ++p) {
            grid_box b{~0u, ~0u, 0, 0};
            for (std::size_t c = p * tree_fanout; c < std::min(level_size, (p + 1) * tree_fanout); ++c) {
                const auto q = nodes[level_first + c];
                b = {std::min(b.min_x, q.min_x), std::min(b.min_y, q.min_y), std::max(b.max_x, q.max_x),
                     std::max(b.max_y, q.max_y)};
            }
            nodes.push_back(b);
        }
        level_first += level_size;
        level_size = parents;
    }

    parts_.location_codes = std::move(location_codes_);
    parts_.location_points = std::move(location_points_);
    parts_.location_ids = std::move(location_ids_);
    parts_.location_first = std::move(location_first_);
    parts_.location_tallies = std::move(location_tallies_);
    for (std::size_t z = 0; z < detail_zoom; ++z) {
        parts_.levels[z].codes = std::move(levels_[z].codes);
        parts_.levels[z].first = std::move(levels_[z].first);
        parts_.levels[z].centres = std::move(levels_[z].centres);
        parts_.levels[z].tallies = std::move(levels_[z].tallies);
    }
    parts_.nodes = std::move(nodes);
    index_levels();
}

crime_pyramid::crime_pyramid(arrays parts) : parts_(std::move(parts)) {
    auto fail = [](const std::string& why) { throw std::invalid_argument("crime pyramid arrays: " + why); };
    const auto n = parts_.location_codes.size();
    if (parts_.location_points.size() != n || parts_.location_ids.size() != n) fail("location arrays differ in length");
    // Offsets: one more than the entries, ending at the tallies' end (none at all when empty).
    auto offsets_fit = [](std::size_t entries, const mapped_array<std::uint32_t>& first, std::size_t tallies) {
        if (first.empty()) return entries == 0 && tallies == 0;
        return first.size() == entries + 1 && first.back() == tallies;
    };
    if (!offsets_fit(n, parts_.location_first, parts_.location_tallies.size()))
        fail("location tally offsets do not match the locations");
    for (const auto& l : parts_.levels)
        if (l.centres.size() != l.codes.size() || !offsets_fit(l.codes.size(), l.first, l.tallies.size()))
            fail("a cell level's arrays do not fit together");
    index_levels();
    if (node_level_first_.back() != parts_.nodes.size()) fail("the tree's node count does not match the locations");
}

void crime_pyramid::index_levels() {
    node_level_first_.assign(1, 0);
    std::size_t size = (parts_.location_codes.size() + tree_fanout - 1) / tree_fanout;
    if (size == 0) return;
    node_level_first_.push_back(size);
    while (size > 1) {
        size = (size + tree_fanout - 1) / tree_fanout;
        node_level_first_.push_back(node_level_first_.back() + size);
    }
}

void crime_pyramid::search(const grid_box& area, const std::function<void(std::uint32_t)>& emit) const {
    const std::size_t levels = node_level_first_.size() - 1;
    if (levels == 0) return;
    const auto& nodes = parts_.nodes;
    const auto& points = parts_.location_points;
    const std::size_t n = points.size();
    auto overlaps = [&](const grid_box& b) {
        return b.min_x <= area.max_x && area.min_x <= b.max_x && b.min_y <= area.max_y && area.min_y <= b.max_y;
    };
    // (level, index within the level); level 0 holds the leaves.
    std::vector<std::pair<std::uint32_t, std::size_t>> stack{{static_cast<std::uint32_t>(levels - 1), 0}};
    while (!stack.empty()) {
        auto [depth, index] = stack.back();
        stack.pop_back();
        if (!overlaps(nodes[node_level_first_[depth] + index])) continue;
        if (depth == 0) {
            for (std::size_t c = index * tree_fanout; c < std::min(n, (index + 1) * tree_fanout); ++c) {
                const auto& p = points[c];
                if (p.x >= area.min_x && p.x <= area.max_x && p.y >= area.min_y && p.y <= area.max_y)
                    emit(static_cast<std::uint32_t>(c));
            }
            continue;
        }
        const std::size_t below = node_level_first_[depth] - node_level_first_[depth - 1];
        for (std::size_t c = std::min(below, (index + 1) * tree_fanout); c-- > index * tree_fanout;)
            stack.emplace_back(depth - 1, c);
    }
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
        auto begin = std::lower_bound(parts_.location_codes.begin(), parts_.location_codes.end(), first);
        auto end = std::upper_bound(begin, parts_.location_codes.end(), last);
        for (auto it = begin; it != end; ++it) {
            auto s = static_cast<std::size_t>(it - parts_.location_codes.begin());
            emit_cell({parts_.location_tallies.data() + parts_.location_first[s], parts_.location_tallies.data() + parts_.location_first[s + 1]},
                      parts_.location_points[s], parts_.location_ids[s]);
        }
        return;
    }
    const level& cells = parts_.levels[tile.z];
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
    const grid_box area{low(origin.x), low(origin.y), high(origin.x + size - 1 + margin), high(origin.y + size - 1 + margin)};
    std::array<std::uint32_t, max_categories> per_category{};
    search(area, [&](std::uint32_t s) {
        const world_point p = parts_.location_points[s];
        bool inside = p.x >= origin.x && p.x - origin.x < size && p.y >= origin.y && p.y - origin.y < size;
        if (inside) return;
        std::uint32_t total = 0;
        std::uint64_t categories = 0;
        std::span<const crime_tally> tallies(parts_.location_tallies.data() + parts_.location_first[s],
                                             parts_.location_tallies.data() + parts_.location_first[s + 1]);
        if (tally_cell(tallies, filter, per_category, total, categories))
            emit(crime_feature{p, parts_.location_ids[s], total, &per_category, categories});
        for (std::uint64_t bits = categories; bits; bits &= bits - 1) per_category[std::countr_zero(bits)] = 0;
    });
}

void crime_pyramid::locations_in(world_point min, world_point max,
                                 const std::function<void(std::uint32_t)>& emit) const {
    search({min.x, min.y, max.x, max.y}, [&](std::uint32_t s) { emit(parts_.location_ids[s]); });
}

bool crime_pyramid::any_match(std::span<const crime_tally> tallies, const crime_filter& filter) {
    auto it = std::partition_point(tallies.begin(), tallies.end(),
                                   [&](const crime_tally& t) { return t.month < filter.from; });
    for (; it != tallies.end() && it->month <= filter.to; ++it)
        if (((filter.categories >> it->category) & 1u) && ((filter.groups >> it->group) & 1u)) return true;
    return false;
}

namespace {

// The first element at or after `from` that is not less than `key`, in a sorted array: a
// search that gallops from `from`, so a run of increasing keys (a depth-first walk in Morton
// order) costs about the log of each step rather than of the whole array, and stays near
// where the last one ended in memory.
template <typename Array>
std::size_t gallop(const Array& sorted, std::size_t from, std::uint64_t key) {
    const std::size_t n = sorted.size();
    if (from >= n || sorted[from] >= key) return from;
    std::size_t low = from, step = 1;  // sorted[low] < key
    while (low + step < n && sorted[low + step] < key) {
        low += step;
        step *= 2;
    }
    auto first = sorted.begin() + static_cast<std::ptrdiff_t>(low + 1);
    auto last = sorted.begin() + static_cast<std::ptrdiff_t>(std::min(n, low + step + 1));
    return static_cast<std::size_t>(std::lower_bound(first, last, key) - sorted.begin());
}

}  // namespace

void crime_pyramid::locations_matching(const grid_box& area, const crime_filter& filter,
                                       const std::function<bool(std::uint32_t)>& emit) const {
    // Depth first over tiles from zoom 0: a tile at zoom z + cell_bits is a cell of levels[z],
    // and a tile at zoom detail_zoom - 1 + cell_bits holds locations. A tile is entered when
    // it overlaps the box and, from the first cell zoom on, its cell has a matching crime.
    // Tiles come in Morton order, so each level's lookups only move forward (`cursor`).
    const std::uint32_t location_zoom = detail_zoom + cell_bits;
    std::array<std::size_t, detail_zoom + 1> cursor{};  // per level; the last for locations
    auto overlaps = [&](const tile_id& t) {
        const auto origin = tile_origin(t);
        const std::uint64_t last = tile_size(t) - 1;
        return origin.x <= area.max_x && area.min_x <= origin.x + last && origin.y <= area.max_y &&
               area.min_y <= origin.y + last;
    };
    auto cell_matches = [&](const tile_id& t) {
        const std::size_t z = t.z - cell_bits;
        const level& cells = parts_.levels[z];
        const std::uint64_t code = tile_first_code(t) >> (64 - 2 * t.z);
        const std::size_t c = cursor[z] = gallop(cells.codes, cursor[z], code);
        if (c == cells.codes.size() || cells.codes[c] != code) return false;
        return any_match({cells.tallies.data() + cells.first[c], cells.tallies.data() + cells.first[c + 1]}, filter);
    };
    std::vector<tile_id> stack{{0, 0, 0}};
    while (!stack.empty()) {
        const tile_id t = stack.back();
        stack.pop_back();
        if (!overlaps(t) || (t.z >= cell_bits && !cell_matches(t))) continue;
        if (t.z + 1 < location_zoom) {
            for (std::uint32_t k = 4; k-- > 0;)  // pushed in reverse: popped in Morton order
                stack.push_back({t.z + 1, 2 * t.x + (k & 1), 2 * t.y + (k >> 1)});
            continue;
        }
        const auto& codes = parts_.location_codes;
        const std::uint64_t last_code = tile_last_code(t);
        std::size_t i = cursor[detail_zoom] = gallop(codes, cursor[detail_zoom], tile_first_code(t));
        for (; i < codes.size() && codes[i] <= last_code; ++i) {
            const auto& p = parts_.location_points[i];
            if (p.x < area.min_x || p.x > area.max_x || p.y < area.min_y || p.y > area.max_y) continue;
            if (!any_match({parts_.location_tallies.data() + parts_.location_first[i],
                            parts_.location_tallies.data() + parts_.location_first[i + 1]},
                           filter))
                continue;
            if (!emit(parts_.location_ids[i])) return;
        }
    }
}

std::optional<std::uint32_t> crime_pyramid::nearest_location(world_point p) const {
    const std::size_t levels = node_level_first_.size() - 1;
    if (levels == 0) return std::nullopt;
    const auto& nodes = parts_.nodes;
    const auto& points = parts_.location_points;
    const std::size_t n = points.size();
    auto axis = [](std::uint32_t v, std::uint32_t low, std::uint32_t high) {
        return v < low ? double(low) - double(v) : v > high ? double(v) - double(high) : 0.0;
    };
    auto box_distance = [&](const grid_box& b) {
        double dx = axis(p.x, b.min_x, b.max_x), dy = axis(p.y, b.min_y, b.max_y);
        return dx * dx + dy * dy;
    };
    // Best first: the nearest box or location comes out first; a location out of the queue
    // is the answer. Level -1 marks a location (then `index` is its sorted index).
    struct entry {
        double distance;
        std::int32_t depth;
        std::size_t index;
        bool operator>(const entry& o) const {
            return distance != o.distance ? distance > o.distance : index > o.index;
        }
    };
    std::priority_queue<entry, std::vector<entry>, std::greater<>> queue;
    queue.push({box_distance(nodes[node_level_first_[levels - 1]]), static_cast<std::int32_t>(levels - 1), 0});
    while (!queue.empty()) {
        auto [distance, depth, index] = queue.top();
        queue.pop();
        if (depth < 0) return parts_.location_ids[index];
        if (depth == 0) {
            for (std::size_t c = index * tree_fanout; c < std::min(n, (index + 1) * tree_fanout); ++c) {
                double dx = double(points[c].x) - double(p.x), dy = double(points[c].y) - double(p.y);
                queue.push({dx * dx + dy * dy, -1, c});
            }
            continue;
        }
        const auto l = static_cast<std::size_t>(depth);
        const std::size_t below = node_level_first_[l] - node_level_first_[l - 1];
        for (std::size_t c = index * tree_fanout; c < std::min(below, (index + 1) * tree_fanout); ++c)
            queue.push({box_distance(nodes[node_level_first_[l - 1] + c]), depth - 1, c});
    }
    return std::nullopt;
}

std::size_t crime_pyramid::tally_count() const {
    std::size_t total = parts_.location_tallies.size();
    for (const auto& l : parts_.levels) total += l.tallies.size();
    return total;
}

std::size_t crime_pyramid::memory_bytes() const {
    std::size_t bytes = parts_.location_codes.heap_bytes() + parts_.location_points.heap_bytes() +
                        parts_.location_ids.heap_bytes() + parts_.location_first.heap_bytes() +
                        parts_.location_tallies.heap_bytes() + parts_.nodes.heap_bytes();
    for (const auto& l : parts_.levels)
        bytes += l.codes.heap_bytes() + l.first.heap_bytes() + l.centres.heap_bytes() + l.tallies.heap_bytes();
    return bytes;
}

}  // namespace crimemap::geo
