// Stop and search: a force's searches a month in proportion to its crimes, in time order, with
// the vocabularies published since 2019 (stream::stops).

#include "generator/monthly_files.hpp"
#include "generator/text.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace crimemap::generator {

namespace {

constexpr std::string_view stop_and_search_header =
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing\n";

// Stop and search vocabularies, as published since 2019; weights per thousand.
const label_choice stop_types{{"Person search", 740}, {"Person and Vehicle search", 220}, {"Vehicle search", 40}};
const label_choice operation_flags{{"False", 800}, {"", 170}, {"True", 30}};
const label_choice operation_names{
    {"Operation Kestrel", 1}, {"Operation Harrier", 1}, {"Operation Lantern", 1}, {"", 2}};
const label_choice genders{{"Male", 880}, {"Female", 105}, {"Other", 3}, {"", 12}};
const label_choice age_ranges{{"under 10", 1}, {"10-17", 160},   {"18-24", 330},
                              {"25-34", 250},  {"over 34", 220}, {"", 40}};
const label_choice self_defined_ethnicities{
    {"White - English/Welsh/Scottish/Northern Irish/British", 520},
    {"White - Any other White background", 70},
    {"White - Irish", 5},
    {"Black/African/Caribbean/Black British - African", 40},
    {"Black/African/Caribbean/Black British - Caribbean", 30},
    {"Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", 30},
    {"Asian/Asian British - Pakistani", 30},
    {"Asian/Asian British - Indian", 15},
    {"Asian/Asian British - Bangladeshi", 10},
    {"Asian/Asian British - Any other Asian background", 20},
    {"Asian/Asian British - Chinese", 3},
    {"Mixed/Multiple ethnic groups - White and Black Caribbean", 20},
    {"Mixed/Multiple ethnic groups - White and Black African", 5},
    {"Mixed/Multiple ethnic groups - White and Asian", 5},
    {"Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", 12},
    {"Other ethnic group - Any other ethnic group", 15},
    {"Other ethnic group - Not stated", 120},
    {"", 40},
};
const label_choice officer_ethnicities{{"White", 740}, {"Black", 130}, {"Asian", 90}, {"Other", 20}, {"", 20}};
const label_choice outcome_links{{"True", 70}, {"False", 20}, {"", 10}};
const label_choice removals{{"False", 750}, {"", 220}, {"True", 30}};

/// What the officer saw: from the self-defined group when there is one.
std::string_view officer_view(std::string_view self_defined, random_source& random) {
    if (random.chance(0.9)) {
        if (self_defined.starts_with("White")) {
            return "White";
        }
        if (self_defined.starts_with("Black")) {
            return "Black";
        }
        if (self_defined.starts_with("Asian")) {
            return "Asian";
        }
        if (self_defined.starts_with("Other ethnic group - Any")) {
            return "Other";
        }
    }
    return officer_ethnicities.pick(random);
}

struct search_power {
    std::string_view legislation;
    std::string_view object;
};

constexpr std::array<search_power, 10> search_powers{{
    {"Misuse of Drugs Act 1971 (section 23)", "Controlled drugs"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Stolen goods"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Offensive weapons"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Article for use in theft"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Articles for use in criminal damage"},
    {"Police and Criminal Evidence Act 1984 (section 1)", "Fireworks"},
    {"Criminal Justice and Public Order Act 1994 (section 60)", "Offensive weapons"},
    {"Firearms Act 1968 (section 47)", "Firearms"},
    {"Criminal Justice Act 1988 (section 139B)", "Offensive weapons"},
    {"Psychoactive Substances Act 2016 (s36(2))", "Psychoactive substances"},
}};
const weighted_choice search_power_mix{600, 120, 90, 50, 30, 5, 20, 20, 5, 3};

const label_choice search_outcomes{{"A no further action disposal", 680},  {"Arrest", 140},
                                   {"Community resolution", 60},           {"Khat or Cannabis warning", 60},
                                   {"Summons / charged by post", 30},      {"Penalty Notice for Disorder", 15},
                                   {"Caution (simple or conditional)", 15}};

// Searches by hour of day (0-23): most in the evening, fewest before dawn.
const weighted_choice search_hours{30, 22, 16, 10, 6,  4,  4,  6,  10, 14, 18, 22,
                                   26, 28, 30, 34, 40, 44, 48, 50, 50, 48, 44, 38};

}  // namespace

void monthly_writer::write_stop_and_search(std::size_t f, std::size_t m, std::uint64_t crimes,
                                           const std::filesystem::path& path) {
    const force_world& world = worlds_[f];
    const month_stamp& month = months_[m];
    random_source random(options_.seed, stream::stops, f, static_cast<std::uint64_t>(m));
    const std::uint64_t count = (crimes * world.spec->stops_per_mille + random.below(1000)) / 1000;

    // Rows are in time order, as published.
    minutes_.clear();
    for (std::uint64_t k = 0; k < count; ++k) {
        const auto day = static_cast<std::uint32_t>(random.below(static_cast<std::uint64_t>(month.days)));
        const auto hour = static_cast<std::uint32_t>(search_hours.pick(random));
        minutes_.push_back((day * 24 + hour) * 60 + static_cast<std::uint32_t>(random.below(60)));
    }
    std::sort(minutes_.begin(), minutes_.end());

    const std::string date_prefix = join({month.text, "-"});
    text_file file = output_.stream(path);
    file.write(stop_and_search_header);
    for (const std::uint32_t minute : minutes_) {
        const std::string_view type = stop_types.pick(random);
        const std::string_view in_operation = operation_flags.pick(random);
        const std::string_view operation = in_operation == "True" ? operation_names.pick(random) : "";
        const std::uint32_t point = random.below(100) < 7 ? no_location : world.sampler.pick(random.next());
        const bool person = type != "Vehicle search";
        const std::string_view gender = person ? genders.pick(random) : "";
        const std::string_view age = person ? age_ranges.pick(random) : "";
        const std::string_view self_defined = person ? self_defined_ethnicities.pick(random) : "";
        const std::string_view officer_defined = person ? officer_view(self_defined, random) : "";
        const search_power& power = search_powers[search_power_mix.pick(random)];
        std::string_view result = search_outcomes.pick(random);
        if (result == "Khat or Cannabis warning" && power.object != "Controlled drugs") {
            result = "A no further action disposal";
        }
        const std::string_view linked =
            result == "A no further action disposal" ? (random.chance(0.4) ? "False" : "") : outcome_links.pick(random);
        const std::string_view removal = person ? removals.pick(random) : "";

        char* out = file.reserve(1024);
        out = append(out, type);
        *out++ = ',';
        out = append(out, date_prefix);
        out = write_two_digits(out, minute / 1440 + 1);
        *out++ = 'T';
        out = write_two_digits(out, minute / 60 % 24);
        *out++ = ':';
        out = write_two_digits(out, minute % 60);
        out = append(out, ":00+00:00,");
        out = append(out, in_operation);
        *out++ = ',';
        out = append(out, operation);
        *out++ = ',';
        out = append(out, world.stop_block(point));
        *out++ = ',';
        for (const std::string_view field :
             {gender, age, self_defined, officer_defined, power.legislation, power.object, result, linked}) {
            out = append(out, field);
            *out++ = ',';
        }
        out = append(out, removal);
        *out++ = '\n';
        file.commit(out);
    }
    file.close();
    summary_.stop_rows += count;
}

}  // namespace crimemap::generator
