#include "data/snapshot/area_summary.hpp"

#include "data/vocabulary/outcome_groups.hpp"

#include <algorithm>

namespace crimemap::data {

namespace {

int previous_month(int yyyymm) { return yyyymm % 100 == 1 ? (yyyymm / 100 - 1) * 100 + 12 : yyyymm - 1; }

// Index of a month in snapshot.months, or -1.
int month_index(const map_snapshot& s, int yyyymm) {
    auto it = std::lower_bound(s.months.begin(), s.months.end(), yyyymm);
    return it != s.months.end() && *it == yyyymm ? static_cast<int>(it - s.months.begin()) : -1;
}

}  // namespace

area_summary summarise_area(const map_snapshot& s, std::span<const std::uint32_t> locations, int month) {
    area_summary out;
    out.month = month;
    out.by_category.assign(s.categories.size(), 0);
    out.trend.assign(s.categories.size(), {});
    out.by_outcome_group.assign(outcome_groups().size(), 0);
    // trend slot of each snapshot month index; -1 outside the twelve months
    std::vector<int> slot(s.months.size(), -1);
    int m = month;
    for (std::size_t i = trend_months; i-- > 0; m = previous_month(m)) {
        out.trend_month[i] = m;
        auto index = month_index(s, m);
        out.trend_has_data[i] = index >= 0;
        if (index >= 0) slot[static_cast<std::size_t>(index)] = static_cast<int>(i);
    }
    const int current = month_index(s, month);
    out.month_has_data = current >= 0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> per_location;
    // The month indexes of the twelve months with data: [first, last).
    const auto first = static_cast<std::size_t>(std::find_if(slot.begin(), slot.end(), [](int t) { return t >= 0; }) - slot.begin());
    const auto last = static_cast<std::size_t>(std::find_if(slot.rbegin(), slot.rend(), [](int t) { return t >= 0; }).base() - slot.begin());
    for (auto l : locations) {
        std::uint32_t here = 0;
        // A location's crimes are ordered by month: only the run of the twelve is read.
        auto begin = s.crimes_by_location.begin() + s.crime_first[l];
        auto end = s.crimes_by_location.begin() + s.crime_first[l + 1];
        begin = std::partition_point(begin, end, [&](const auto& c) { return c.month < first; });
        end = std::partition_point(begin, end, [&](const auto& c) { return c.month < last; });
        for (auto it = begin; it != end; ++it) {
            int t = slot[it->month];
            if (t < 0) continue;
            ++out.trend[it->category][static_cast<std::size_t>(t)];
            if (it->month != current) continue;
            ++here;
            ++out.by_category[it->category];
            ++out.by_outcome_group[it->outcome < s.outcome_label_groups.size() ? s.outcome_label_groups[it->outcome]
                                                                                : unknown_outcome_group()];
        }
        out.total += here;
        if (here > 0) per_location.emplace_back(l, here);
    }
    auto keep = std::min(busiest_shown, per_location.size());
    std::partial_sort(per_location.begin(), per_location.begin() + static_cast<std::ptrdiff_t>(keep), per_location.end(),
                      [&](const auto& a, const auto& b) {
                          return a.second != b.second ? a.second > b.second : s.location_ids[a.first] < s.location_ids[b.first];
                      });
    per_location.resize(keep);
    out.busiest = std::move(per_location);
    return out;
}

force_rate force_crime_rate(const map_snapshot& s, std::string_view force, int month) {
    force_rate out;
    const int index = month_index(s, month);
    for (std::size_t n = 0; n < s.neighbourhoods.size(); ++n) {
        if (s.neighbourhoods[n].force != force || s.neighbourhood_population[n] < 0) continue;
        out.population += s.neighbourhood_population[n];
        if (index >= 0) out.crimes += s.neighbourhood_month_crimes[n * s.months.size() + static_cast<std::size_t>(index)];
    }
    return out;
}

}  // namespace crimemap::data
