// Outcomes: each crime's final outcome by its type, the months until it is decided and (after a
// charge) until the court's result, its "Last outcome category" as of the newest month, and the
// outcomes files' rows in their months.

#include "generator/crimes.hpp"
#include "generator/monthly_files.hpp"
#include "generator/text.hpp"

#include <array>
#include <string_view>

namespace crimemap::generator {

namespace {

constexpr std::array<std::string_view, 27> outcome_labels{
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Status update unavailable",
    "Local resolution",
    "Offender given a caution",
    "Action to be taken by another organisation",
    "Further action is not in the public interest",
    "Formal action is not in the public interest",
    "Further investigation is not in the public interest",
    "Offender given a drugs possession warning",
    "Offender given penalty notice",
    "Suspect charged as part of another case",
    "Offender sent to prison",
    "Offender given suspended prison sentence",
    "Offender fined",
    "Offender given community sentence",
    "Offender given conditional discharge",
    "Defendant found not guilty",
    "Court case unable to proceed",
    "Court result unavailable",
    "Offender otherwise dealt with",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Offender given absolute discharge",
    "Under investigation",
    "Awaiting court outcome",
    "Suspect charged",
};

constexpr bool goes_to_court(std::size_t final_outcome) {
    return final_outcome >= sent_to_prison && final_outcome <= absolute_discharge;
}

// Final outcomes per thousand crimes, in `outcome` order up to absolute_discharge.
// Groups: 0 violence, public order, damage and other crime; 1 thefts, burglary, robbery and
// vehicle crime (rarely detected); 2 shoplifting and weapons (offender usually known); 3 drugs.
const std::array<weighted_choice, 4> final_outcome_mix{{
    {330, 330, 20, 45, 25, 25, 15, 10, 5, 0, 5, 10, 35, 20, 25, 25, 10, 15, 8, 35, 3, 2, 1, 1},
    {700, 120, 20, 20, 10, 10, 5, 3, 12, 0, 0, 10, 20, 8, 10, 10, 5, 5, 4, 25, 1, 1, 0, 1},
    {220, 220, 20, 110, 90, 10, 15, 15, 5, 0, 15, 20, 45, 25, 55, 35, 30, 15, 10, 35, 4, 4, 1, 1},
    {60, 150, 20, 120, 120, 10, 40, 30, 5, 250, 15, 10, 30, 15, 45, 20, 25, 5, 5, 20, 2, 1, 1, 1},
}};

constexpr std::size_t outcome_group(std::size_t type) {
    switch (type) {
        case bicycle_theft:
        case burglary:
        case other_theft:
        case robbery:
        case theft_from_the_person:
        case vehicle_crime:
            return 1;
        case shoplifting:
        case possession_of_weapons:
            return 2;
        case drugs:
            return 3;
        default:
            return 0;
    }
}

// Months from the crime to its first outcome, and from a charge to the court's result.
const weighted_choice first_outcome_delay{90, 50, 24, 14, 8, 6, 4, 2, 1, 1};
const weighted_choice court_delay{0, 10, 18, 18, 14, 11, 8, 6, 5, 4, 3, 2, 1};

constexpr std::string_view outcomes_header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Outcome type\n";

}  // namespace

/// Decides the whole story of a crime now, queues its outcome rows, and returns its
/// "Last outcome category" as of the newest month.
std::string_view monthly_writer::decide_outcomes(std::size_t f, std::size_t m, std::uint64_t crime, std::uint32_t point,
                                                 std::size_t type, random_source& random) {
    const std::size_t final_outcome = final_outcome_mix[outcome_group(type)].pick(random);
    if (final_outcome == status_update_unavailable) {
        return outcome_labels[final_outcome];
    }
    const std::size_t decided = m + first_outcome_delay.pick(random);
    if (!goes_to_court(final_outcome)) {
        schedule(f, decided, crime, point, static_cast<outcome>(final_outcome));
        return outcome_labels[decided < months_.size() ? final_outcome : std::size_t{under_investigation}];
    }
    const std::size_t verdict = decided + court_delay.pick(random);
    schedule(f, decided, crime, point, suspect_charged);
    schedule(f, verdict, crime, point, static_cast<outcome>(final_outcome));
    if (verdict < months_.size()) {
        return outcome_labels[final_outcome];
    }
    return outcome_labels[decided < months_.size() ? awaiting_court_outcome : under_investigation];
}

void monthly_writer::write_outcomes(std::size_t f, std::size_t m, const std::filesystem::path& path) {
    const force_world& world = worlds_[f];
    std::vector<pending_outcome> due;
    due.swap(pending_[f * months_.size() + m]);  // and give the memory back afterwards
    const std::string prefix = row_prefix(f, months_[m]);
    text_file file = output_.stream(path);
    file.write(outcomes_header);
    for (const pending_outcome& entry : due) {
        char* out = file.reserve(1024);
        out = write_crime_id(out, id_key_, entry.crime);
        out = append(out, prefix);
        out = append(out, world.crime_block(entry.point));
        *out++ = ',';
        out = append(out, outcome_labels[entry.what]);
        *out++ = '\n';
        file.commit(out);
    }
    file.close();
    summary_.outcome_rows += due.size();
}

}  // namespace crimemap::generator
