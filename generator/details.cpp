// What the API says of forces and neighbourhoods beyond their boundaries: forces.json, each
// neighbourhood's details (officers, priorities, events, from stream::details), and the victim
// support services of each force.

#include "generator/files.hpp"
#include "generator/names.hpp"
#include "generator/output.hpp"
#include "generator/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace crimemap::generator {

namespace {

using json = nlohmann::ordered_json;

std::string force_url(const force_spec& spec) {
    return join({"https://www.", spec.domain, "/"});
}

json force_details(const force_world& world) {
    const force_spec& spec = *world.spec;
    const std::string handle = slug_of(spec.name);
    std::vector<std::string> biggest;
    for (const town& place : world.towns) {
        if (place.size != town_size::village) {
            biggest.push_back(place.name);
        }
    }
    std::uint64_t people = 0;
    for (const neighbourhood& cell : world.neighbourhoods) {
        people += cell.population;
    }
    std::string description =
        join({"<p>", spec.name, " keeps the peace across ", spec.landscape, ", from ", biggest.front(), " to ",
              biggest.back(), ".</p>\n<p>About ", std::to_string((people + 5000) / 10000 * 10000),
              " people live in its ", std::to_string(world.neighbourhoods.size()),
              " neighbourhoods, each with its own team of officers and staff.</p>"});
    json methods = json::array();
    methods.push_back({{"title", "Facebook"},
                       {"url", join({"https://social.example/", handle})},
                       {"description", join({"Follow ", spec.name, " for local news and appeals"})}});
    methods.push_back({{"title", "Twitter"},
                       {"url", join({"https://microblog.example/", handle})},
                       {"description", join({"Keep up to date with ", spec.name})}});
    methods.push_back({{"title", "YouTube"},
                       {"url", join({"https://video.example/", handle})},
                       {"description", "Watch our latest videos"}});
    methods.push_back({{"title", "RSS"},
                       {"url", join({force_url(spec), "news/rss/"})},
                       {"description", "News and appeals as they are published"}});
    methods.push_back({{"title", "telephone"}, {"url", ""}, {"description", "101"}});
    return json{{"id", spec.id},          {"name", spec.name},  {"description", description},
                {"url", force_url(spec)}, {"telephone", "101"}, {"engagement_methods", methods}};
}

std::string invent_person_name(random_source& random) {
    return join({random.pick(first_names), " ", random.pick(name_starts), random.pick(surname_ends)});
}

/// The invented officers, priorities and events of one neighbourhood, and its public details.
json neighbourhood_details(const force_world& world, std::size_t n, std::uint64_t seed, std::size_t force_index,
                           const month_stamp& last_month) {
    const force_spec& spec = *world.spec;
    const neighbourhood& cell = world.neighbourhoods[n];
    random_source random(seed, stream::details, force_index, n);
    const std::string slug = slug_of(cell.name);
    const std::string team_handle = join({slug_of(cell.id), "team"});

    // Streets and places of this neighbourhood, for the prose.
    std::vector<std::uint32_t> local_streets;
    for (std::uint32_t s = 0; s < world.streets.size(); ++s) {
        const street& road = world.streets[s];
        if (!road.points.empty() && world.points[road.points.front()].neighbourhood == n) {
            local_streets.push_back(s);
        }
    }
    auto some_street = [&]() -> std::string {
        if (local_streets.empty()) {
            return "the main road";
        }
        return world.streets[local_streets[random.below(local_streets.size())]].name;
    };
    std::string place_list;
    for (std::size_t k = 0; k < cell.towns.size() && k < 3; ++k) {
        place_list += k == 0 ? "" : (k + 1 == std::min<std::size_t>(cell.towns.size(), 3) ? " and " : ", ");
        place_list += world.towns[cell.towns[k]].name;
    }
    const bool edge_of_town = cell.main_town != none && world.towns[cell.main_town].size != town_size::village &&
                              std::find(cell.towns.begin(), cell.towns.end(), cell.main_town) == cell.towns.end();
    if (edge_of_town) {
        place_list = join(
            {"the outer streets of ", world.towns[cell.main_town].name, place_list.empty() ? "" : " and ", place_list});
    } else if (place_list.empty() && cell.main_town != none) {
        const town& place = world.towns[cell.main_town];
        place_list =
            join({place.size == town_size::village ? "the countryside around " : "the outer streets of ", place.name});
    } else if (place_list.empty()) {
        place_list = "the villages, farms and lanes of the area";
    }
    const std::size_t home = !cell.towns.empty() ? cell.towns.front() : cell.main_town;
    const std::string home_town = home != none ? world.towns[home].name : cell.name;

    json contact{{"email", join({slug, ".team@", spec.domain})},
                 {"telephone", "101"},
                 {"twitter", join({"https://microblog.example/", team_handle})},
                 {"facebook", join({"https://social.example/", slug_of(spec.name)})}};

    json locations = json::array();
    if (!cell.towns.empty() && world.towns[cell.towns.front()].size != town_size::village && !local_streets.empty()) {
        const street& road = world.streets[local_streets.front()];
        locations.push_back(
            {{"name", join({home_town, " Police Station"})},
             {"longitude", nullptr},
             {"postcode", road.postcode},
             {"address", join({std::to_string(random.between(1, 120)), " ", road.name, "\n, ", home_town})},
             {"latitude", nullptr},
             {"type", "station"},
             {"description", nullptr}});
    }

    // The council of the place it is named after, or of the nearest place its lanes lead to.
    const std::size_t local_town = home != none             ? home
                                   : !local_streets.empty() ? world.streets[local_streets.front()].town
                                                            : 0;
    const std::string district_name = world.towns[world.towns[local_town].district].name;
    json links = json::array();
    links.push_back({{"url", join({"https://www.", slug_of(district_name), ".council.example/"})},
                     {"description", nullptr},
                     {"title", join({district_name, " Council"})}});

    json people = json::array();
    const int officers = random.between(2, 5);
    for (int k = 0; k < officers; ++k) {
        std::string_view rank = k == 0                ? "Sergeant"
                                : random.chance(0.55) ? "Police Constable"
                                                      : "Police Community Support Officer";
        if (k == 0 && !cell.towns.empty() && world.towns[cell.towns.front()].size != town_size::village &&
            random.chance(0.5)) {
            rank = "Inspector";
        }
        const std::string name = invent_person_name(random);
        const std::string first = name.substr(0, name.find(' '));
        json bio = nullptr;
        if (random.chance(0.6)) {
            constexpr std::array<std::string_view, 6> before{"response policing", "the control room",
                                                             "roads policing",    "a career in retail",
                                                             "youth work",        "the ambulance service"};
            constexpr std::array<std::string_view, 6> focus{
                "anti-social behaviour",  "road safety", "rural crime", "burglary prevention", "the night-time economy",
                "work with local schools"};
            // Drawn in this order, as the seed's output has always been.
            auto joined = random.between(2003, 2021);
            auto came_from = random.pick(before);
            auto years = random.between(1, 9);
            bio = join({first, " joined ", spec.name, " in ", std::to_string(joined), " after ", came_from,
                        " and has worked in ", cell.name, " for ", std::to_string(years),
                        years == 1 ? " year. " : " years. ", first, " leads the team's work on ", random.pick(focus),
                        "."});
        }
        people.push_back({{"name", name}, {"rank", rank}, {"bio", bio}, {"contact_details", json::object()}});
    }

    constexpr std::array<std::string_view, 7> issues{"To reduce anti-social behaviour in and around ",
                                                     "To tackle speeding and inconsiderate parking on ",
                                                     "To reduce shoplifting from the shops on ",
                                                     "To disrupt drug dealing reported near ",
                                                     "To prevent thefts from vehicles parked on ",
                                                     "To reduce burglary in the streets around ",
                                                     "To deter off-road motorbikes using "};
    constexpr std::array<std::string_view, 4> actions{
        "Extra patrols at the times residents told us about, with partners from the council.",
        "Warning letters, two arrests and a dispersal order over the summer weekends.",
        "Crime prevention visits to every house on the street and a property marking event.",
        "Joint work with the housing association; reports have fallen and the priority is closed."};
    json priorities = json::array();
    const int priority_count = random.between(1, 3);
    for (int k = 0; k < priority_count; ++k) {
        const month_stamp issued = stamp_of(last_month.year * 12 + last_month.month - 1 - random.between(1, 12));
        const std::string issue = join({"<p>", random.pick(issues), some_street(), ".</p>"});
        json entry{{"action", nullptr},
                   {"issue-date", date_time_text(issued, random.between(1, 28), 0, 0)},
                   {"action-date", nullptr},
                   {"issue", issue}};
        if (random.chance(0.6)) {
            const month_stamp acted = stamp_of(issued.year * 12 + issued.month - 1 + random.between(1, 3));
            entry["action"] = join({"<p>", random.pick(actions), "</p>"});
            entry["action-date"] = date_time_text(acted, random.between(1, 28), 0, 0);
        }
        priorities.push_back(std::move(entry));
    }

    constexpr std::array<std::string_view, 5> event_titles{"Street briefing", "Police surgery", "Bike marking",
                                                           "Community meeting", "Have your say"};
    constexpr std::array<std::string_view, 4> venues{"Library", "Community Centre", "Village Hall", "Community Hub"};
    json events = json::array();
    const int event_count = random.between(0, 3);
    const month_stamp next_month = stamp_of(last_month.year * 12 + last_month.month);
    for (int k = 0; k < event_count; ++k) {
        const std::string_view title = random.pick(event_titles);
        const std::string_view venue = random.pick(venues);
        const int day = random.between(1, 28);
        const int hour = random.between(9, 19);
        events.push_back({{"title", join({title, ", ", home_town})},
                          {"type", "meeting"},
                          {"description", join({"<p>Meet your neighbourhood team at the ", venue,
                                                " and tell us what matters to you.</p>"})},
                          {"address", join({home_town, " ", venue, ", ", some_street()})},
                          {"start_date", date_time_text(next_month, day, hour, 0)},
                          {"end_date", date_time_text(next_month, day, hour + 2, 0)},
                          {"contact_details", json::object()}});
    }

    return json{{"id", cell.id},
                {"name", cell.name},
                {"description", join({"<p>The ", cell.name, " neighbourhood team looks after ", place_list,
                                      ".</p>\n<p>Call 101, or 999 in an emergency.</p>"})},
                {"population", std::to_string(cell.population)},
                {"url_force", join({force_url(spec), "area/your-area/", slug, "/"})},
                {"contact_details", contact},
                {"centre", {{"latitude", degrees_text(cell.centre.lat)}, {"longitude", degrees_text(cell.centre.lon)}}},
                {"locations", locations},
                {"links", links},
                {"people", people},
                {"priorities", priorities},
                {"events", events}};
}

}  // namespace

void write_details(const std::vector<force_world>& worlds, std::uint64_t seed, const month_stamp& last_month,
                   output_folder& out) {
    json forces = json::array();
    for (std::size_t f = 0; f < worlds.size(); ++f) {
        const force_world& world = worlds[f];
        forces.push_back(force_details(world));
        for (std::size_t n = 0; n < world.neighbourhoods.size(); ++n) {
            out.write(
                std::filesystem::path("neighbourhoods") / world.spec->id / join({world.neighbourhoods[n].id, ".json"}),
                neighbourhood_details(world, n, seed, f, last_month).dump(2) + "\n");
        }
    }
    out.write("forces.json", forces.dump(2) + "\n");
}

// Victim support services for each force's area, in the shape an operator's support.json
// takes (docs/data-formats.md). Invented services at reserved .example addresses and
// drama-reserved 01632 numbers.
void write_support_services(const std::vector<force_world>& worlds, output_folder& out) {
    for (const force_world& world : worlds) {
        const auto& spec = *world.spec;
        std::string area(spec.name.substr(0, spec.name.find(' ')));
        json services = json::array({
            {{"name", area + " Victim Care"},
             {"helps", "anyone affected by crime in the force area, reported or not"},
             {"telephone", "01632 960 101"},
             {"web", join({"https://victimcare.", spec.domain})}},
            {{"name", area + " Independent Stalking Advocacy Service"},
             {"helps", "people being stalked or harassed, with an independent advocate"},
             {"telephone", "01632 960 202"},
             {"web", join({"https://stalking-advocacy.", spec.domain})}},
            {{"name", area + " Domestic Abuse Support"},
             {"helps", "people experiencing domestic abuse, and those worried about someone"},
             {"telephone", "01632 960 303"},
             {"web", join({"https://domestic-abuse.", spec.domain})}},
        });
        out.write(std::filesystem::path("support") / join({spec.id, ".json"}), services.dump(2) + "\n");
    }
}

}  // namespace crimemap::generator
