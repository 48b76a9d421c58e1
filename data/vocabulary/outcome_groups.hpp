#pragma once
// Outcome status groups: the "Last outcome category" labels of data.police.uk, put
// into the handful of groups a resident filters by.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace crimemap::data {

struct outcome_group {
    std::string_view slug;  ///< as in ?outcome=no-suspect
    std::string_view name;
};

/// Every group, in a fixed order (a group's index is its position).
std::span<const outcome_group> outcome_groups();

/// The group index of a label; the empty label (anti-social behaviour) is `no-outcome`,
/// an unknown label is `other`.
std::uint8_t outcome_group_of(std::string_view label);

/// The group of a label no table knows, and of an outcome index past the known labels: `other`.
std::uint8_t unknown_outcome_group();

/// The known labels of a group, for clients that group an API answer's `outcome_status`
/// themselves (`no-outcome` and `other` have none: the empty and any unknown label).
std::vector<std::string_view> outcome_labels_of(std::uint8_t group);

}  // namespace crimemap::data
