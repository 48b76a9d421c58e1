#pragma once
// The crime types as published, and the crimes' persistent ids.

#include "generator/random.hpp"

#include <cstdint>

namespace crimemap::generator {

enum crime_type : std::uint8_t {
    anti_social_behaviour,
    bicycle_theft,
    burglary,
    criminal_damage_and_arson,
    drugs,
    other_theft,
    possession_of_weapons,
    public_order,
    robbery,
    shoplifting,
    theft_from_the_person,
    vehicle_crime,
    violence_and_sexual_offences,
    other_crime,
};

inline constexpr char hex_digits[] = "0123456789abcdef";

/// Writes the 64 hex digits of a crime's persistent id, a pure function of seed and serial.
inline char* write_crime_id(char* out, std::uint64_t id_key, std::uint64_t crime) {
    const std::uint64_t base = mix64(id_key + crime);  // a bijection: ids never repeat
    for (std::uint64_t word_index = 0; word_index < 4; ++word_index) {
        std::uint64_t word = word_index == 0 ? base : mix64(base ^ (word_index * 0xd1b54a32d192ed03ULL));
        for (int digit = 15; digit >= 0; --digit) {
            out[digit] = hex_digits[word & 0xf];
            word >>= 4;
        }
        out += 16;
    }
    return out;
}

}  // namespace crimemap::generator
