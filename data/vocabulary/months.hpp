#pragma once
// Months as data.police.uk writes them ("2016-06") and as the store keeps them (201606).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crimemap::data {

/// "YYYY-MM" → YYYYMM; nullopt for anything else (a month outside 1..12, a year before 1900).
std::optional<int> parse_month(std::string_view text);

/// YYYYMM → months since 1900-01 plus one (1900-01 → 1), small enough for 16 bits until 7361.
constexpr std::uint16_t month_number(int yyyymm) {
    return static_cast<std::uint16_t>((yyyymm / 100 - 1900) * 12 + yyyymm % 100);
}
/// month_number's inverse: → YYYYMM.
constexpr int month_of_number(std::uint16_t number) { return (1900 + (number - 1) / 12) * 100 + (number - 1) % 12 + 1; }

/// YYYYMM → "YYYY-MM".
std::string month_text(int yyyymm);

}  // namespace crimemap::data
