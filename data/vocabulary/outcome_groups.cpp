#include "data/vocabulary/outcome_groups.hpp"

#include <array>
#include <utility>

namespace crimemap::data {

namespace {

enum group : std::uint8_t {
    under_investigation,
    no_suspect,
    no_further_action,
    out_of_court,
    charged,
    status_unavailable,
    no_outcome,
    other,
};

constexpr std::array<outcome_group, 8> groups{{
    {"under-investigation", "Under investigation"},
    {"no-suspect", "Investigation complete; no suspect identified"},
    {"no-further-action", "Unable to prosecute, or no further action"},
    {"out-of-court", "Dealt with out of court"},
    {"charged", "Charged, in court or sentenced"},
    {"status-unavailable", "Status update unavailable"},
    {"no-outcome", "No outcome recorded"},
    {"other", "Other outcome"},
}};

// The labels data.police.uk has used in street and outcomes files.
constexpr std::array<std::pair<std::string_view, group>, 28> labels{{
    {"Under investigation", under_investigation},
    {"Investigation complete; no suspect identified", no_suspect},
    {"Unable to prosecute suspect", no_further_action},
    {"Formal action is not in the public interest", no_further_action},
    {"Further action is not in the public interest", no_further_action},
    {"Further investigation is not in the public interest", no_further_action},
    {"Action to be taken by another organisation", no_further_action},
    {"Court case unable to proceed", no_further_action},
    {"Defendant found not guilty", no_further_action},
    {"Offender given a caution", out_of_court},
    {"Offender given a drugs possession warning", out_of_court},
    {"Offender given penalty notice", out_of_court},
    {"Local resolution", out_of_court},
    {"Suspect charged", charged},
    {"Suspect charged as part of another case", charged},
    {"Awaiting court outcome", charged},
    {"Defendant sent to Crown Court", charged},
    {"Court result unavailable", charged},
    {"Offender sent to prison", charged},
    {"Offender given suspended prison sentence", charged},
    {"Offender given community sentence", charged},
    {"Offender fined", charged},
    {"Offender given conditional discharge", charged},
    {"Offender given absolute discharge", charged},
    {"Offender ordered to pay compensation", charged},
    {"Offender deprived of property", charged},
    {"Offender otherwise dealt with", charged},
    {"Status update unavailable", status_unavailable},
}};

}  // namespace

std::vector<std::string_view> outcome_labels_of(std::uint8_t g) {
    std::vector<std::string_view> out;
    for (const auto& [label, of] : labels)
        if (of == g) out.push_back(label);
    return out;
}

std::span<const outcome_group> outcome_groups() { return groups; }

std::uint8_t outcome_group_of(std::string_view label) {
    if (label.empty()) return no_outcome;
    for (const auto& [known, g] : labels)
        if (known == label) return g;
    return other;
}

std::uint8_t unknown_outcome_group() { return other; }

}  // namespace crimemap::data
