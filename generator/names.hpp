#pragma once
// The syllables and words invented names are made of: places, streets, people.

#include "generator/text.hpp"

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace crimemap::generator {

// Uncommon syllables, so that invented places rarely share a name with a real town.
inline constexpr std::array<std::string_view, 44> name_starts{
    "Alder", "Bax",   "Caver",  "Dorr",   "Elsing",  "Farrow", "Gorse",  "Hesk", "Ivel",  "Kest",  "Lyd",
    "Morr",  "Nesh",  "Orrin",  "Pell",   "Quarr",   "Ress",   "Skarth", "Tarn", "Ulver", "Vell",  "Wend",
    "Yarl",  "Brisk", "Carrow", "Emble",  "Fenn",    "Grist",  "Hollin", "Kelm", "Loft",  "Mire",  "Quill",
    "Ottle", "Pike",  "Rook",   "Sorrel", "Thistle", "Ullen",  "Wray",   "Yew",  "Brae",  "Cresk", "Hask"};

inline constexpr std::array<std::string_view, 20> name_ends{
    "ford",   "ton",  "bury",  "ley",    "field", "ham",   "wick",    "by",      "worth", "stead",
    "bridge", "well", "combe", "thorpe", "den",   "hurst", "minster", "borough", "leigh", "stow"};

inline constexpr std::array<std::string_view, 56> street_words{
    "Church",   "Mill",     "Station", "Park",   "Victoria", "King",    "Queen",  "Bridge",    "Chapel",  "Market",
    "Green",    "North",    "South",   "West",   "Meadow",   "Orchard", "Oak",    "Elm",       "Willow",  "Beech",
    "Cedar",    "Hawthorn", "Rowan",   "Holly",  "Fox",      "Kestrel", "Heron",  "Lark",      "Wren",    "Priory",
    "Abbey",    "Castle",   "Manor",   "Grange", "Mount",    "Spring",  "Brook",  "River",     "Canal",   "Forge",
    "Tanner",   "Weaver",   "Cooper",  "Mason",  "Granary",  "School",  "Albert", "Alexandra", "Windsor", "Nelson",
    "Clarence", "Foundry",  "Quarry",  "Pound",  "Well",     "Vicarage"};

// Second halves of compound street names ("Oakfield Road").
inline constexpr std::array<std::string_view, 12> compound_ends{"field", "brook", "wood",  "lands", "side", "croft",
                                                                "dale",  "gate",  "hurst", "mead",  "ley",  "holme"};

// Short streets and cul-de-sacs.
inline constexpr std::array<std::string_view, 7> close_types{"Close", "Court", "Mews", "Gardens",
                                                             "Place", "Walk",  "Rise"};

inline constexpr std::array<std::string_view, 20> street_types{
    "Street", "Road",  "Lane", "Avenue",  "Close", "Way",  "Drive", "Crescent", "Gardens", "Place",
    "Grove",  "Court", "Walk", "Terrace", "Rise",  "Mews", "Row",   "Hill",     "View",    "Square"};

inline constexpr std::array<std::string_view, 5> first_streets{"High Street", "Station Road", "Church Lane",
                                                               "Market Place", "Mill Lane"};

inline constexpr std::array<std::string_view, 20> first_names{
    "Alex",   "Sam",   "Jo",  "Chris",   "Jamie", "Morgan", "Taylor", "Robin",  "Charlie", "Casey",
    "Jordan", "Riley", "Kit", "Frankie", "Leigh", "Dana",   "Rowan",  "Elliot", "Harper",  "Quinn"};

inline constexpr std::array<std::string_view, 10> surname_ends{"wood", "well", "ford", "ley",   "ton",
                                                               "by",   "man",  "er",   "field", "shaw"};

/// The first name `invent(attempt)` makes that is not in `used`, which then holds it; after 50
/// tries the attempt's number is added ("Mill Lane 51"), so that a crowded place still ends.
template <class Invent>
std::string unique_name(std::set<std::string>& used, Invent invent) {
    for (int attempt = 0;; ++attempt) {
        std::string name = invent(attempt);
        if (attempt > 50) {
            name += join({" ", zero_padded(static_cast<std::uint64_t>(attempt), 1)});
        }
        if (used.insert(name).second) {
            return name;
        }
    }
}

}  // namespace crimemap::generator
