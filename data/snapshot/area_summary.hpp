#pragma once
// A summary of the crimes at some map locations (a neighbourhood, a circle, a polygon):
// computed from the in-memory crime records, never by scanning the store.

#include "data/snapshot/map_snapshot.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace crimemap::data {

inline constexpr std::size_t trend_months = 12;
inline constexpr std::size_t busiest_shown = 10;

struct area_summary {
    int month = 0;                        ///< YYYYMM asked for
    bool month_has_data = false;          ///< false: the store has no crimes for that month
    std::uint32_t total = 0;              ///< crimes in the month
    std::vector<std::uint32_t> by_category;  ///< the month's crimes per category index
    /// The twelve calendar months ending with `month` (YYYYMM), oldest first, and whether the
    /// store has crimes for each (a month without is counted 0 and marked here).
    std::array<int, trend_months> trend_month{};
    std::array<bool, trend_months> trend_has_data{};
    std::vector<std::array<std::uint32_t, trend_months>> trend;  ///< per category index
    std::vector<std::uint32_t> by_outcome_group;  ///< the month's crimes per outcome group
    /// Up to busiest_shown (pyramid location index, crimes in the month), most first.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> busiest;
};

/// Summarises the crimes at `locations` (pyramid location indexes) for `month` (YYYYMM).
area_summary summarise_area(const map_snapshot& snapshot, std::span<const std::uint32_t> locations, int month);

/// Crimes in `month` (YYYYMM) across the neighbourhoods of `force` and their published
/// population: the force's figure a neighbourhood's rate is compared with. Neighbourhoods
/// without a population count in neither.
struct force_rate {
    std::uint64_t crimes = 0;
    std::int64_t population = 0;
};
force_rate force_crime_rate(const map_snapshot& snapshot, std::string_view force, int month);

}  // namespace crimemap::data
