#include "data/vocabulary/categories.hpp"

#include <array>
#include <utility>

namespace crimemap::data {

namespace {
// data.police.uk's crime-categories: CSV labels differ from API names for a few.
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> known_labels{{
    {"Anti-social behaviour", "anti-social-behaviour"},
    {"Bicycle theft", "bicycle-theft"},
    {"Burglary", "burglary"},
    {"Criminal damage and arson", "criminal-damage-arson"},
    {"Drugs", "drugs"},
    {"Other theft", "other-theft"},
    {"Possession of weapons", "possession-of-weapons"},
    {"Public order", "public-order"},
    {"Robbery", "robbery"},
    {"Shoplifting", "shoplifting"},
    {"Theft from the person", "theft-from-the-person"},
    {"Vehicle crime", "vehicle-crime"},
    {"Violence and sexual offences", "violent-crime"},
    {"Violent crime", "violent-crime"},
    {"Other crime", "other-crime"},
    {"Public disorder and weapons", "public-disorder-weapons"},
}};
}  // namespace

std::string slugify(std::string_view text) {
    std::string slug;
    for (char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            slug += c;
        } else if (c >= 'A' && c <= 'Z') {
            slug += static_cast<char>(c - 'A' + 'a');
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug;
}

std::string category_slug(std::string_view label) {
    for (const auto& [known, slug] : known_labels)
        if (known == label) return std::string(slug);
    auto slug = slugify(label);
    return slug.empty() ? std::string("other-crime") : slug;
}

}  // namespace crimemap::data
