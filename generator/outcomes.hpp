#pragma once
// The outcomes of crimes, as published, and those waiting for their month.

#include "generator/world.hpp"

#include <cstdint>

namespace crimemap::generator {

enum outcome : std::uint8_t {
    no_suspect,
    unable_to_prosecute,
    status_update_unavailable,
    local_resolution,
    caution,
    another_organisation,
    further_action_not_in_public_interest,
    formal_action_not_in_public_interest,
    further_investigation_not_in_public_interest,
    drugs_possession_warning,
    penalty_notice,
    charged_as_part_of_another_case,
    // court results: reached through "Suspect charged"
    sent_to_prison,
    suspended_sentence,
    fined,
    community_sentence,
    conditional_discharge,
    found_not_guilty,
    court_case_unable_to_proceed,
    court_result_unavailable,
    otherwise_dealt_with,
    ordered_to_pay_compensation,
    deprived_of_property,
    absolute_discharge,
    // states and steps, not final outcomes
    under_investigation,
    awaiting_court_outcome,
    suspect_charged,
};

/// An outcome decided when its crime was written, waiting for its month.
struct pending_outcome {
    std::uint64_t crime = 0;
    std::uint32_t point = no_location;
    std::uint8_t what = 0;
};

}  // namespace crimemap::generator
