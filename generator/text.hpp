#pragma once
// The generator's text: names joined from parts, numbers padded, degrees with six decimals,
// and the raw writers of the monthly files' hot loops (inline: they run for every row).

#include <charconv>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace crimemap::generator {

/// The parts one after another.
std::string join(std::initializer_list<std::string_view> parts);

/// `value` in decimal with leading zeros up to `width` digits.
std::string zero_padded(std::uint64_t value, int width);

/// `value` in decimal with a comma every three digits ("1,234,567"), for the log.
std::string with_commas(std::uint64_t value);

/// The slug data.police.uk and crimemap make of a name ("Northshire Police" → "northshire-police").
std::string slug_of(std::string_view text);

/// Writes decimal degrees with exactly six decimals ("-0.111497"), as the published files do.
inline char* write_degrees(char* out, std::int32_t micro) {
    std::uint32_t magnitude = 0;
    if (micro < 0) {
        *out++ = '-';
        magnitude = static_cast<std::uint32_t>(-static_cast<std::int64_t>(micro));
    } else {
        magnitude = static_cast<std::uint32_t>(micro);
    }
    out = std::to_chars(out, out + 4, magnitude / 1000000).ptr;
    *out++ = '.';
    std::uint32_t fraction = magnitude % 1000000;
    for (int digit = 5; digit >= 0; --digit) {
        out[digit] = static_cast<char>('0' + fraction % 10);
        fraction /= 10;
    }
    return out + 6;
}

/// `micro` micro-degrees as write_degrees writes them.
std::string degrees_text(std::int32_t micro);

/// Writes `value` (0 to 99) as two digits.
inline char* write_two_digits(char* out, std::uint32_t value) {
    out[0] = static_cast<char>('0' + value / 10);
    out[1] = static_cast<char>('0' + value % 10);
    return out + 2;
}

/// Copies `text` to `out`; returns the end of what it wrote.
inline char* append(char* out, std::string_view text) {
    if (!text.empty()) {  // an empty view may hold a null pointer, which memcpy must not get
        std::memcpy(out, text.data(), text.size());
    }
    return out + text.size();
}

}  // namespace crimemap::generator
