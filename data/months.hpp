#pragma once
// Months as data.police.uk writes them ("2016-06") and as the store keeps them (201606).

#include <optional>
#include <string>
#include <string_view>

namespace crimemap::data {

/// "YYYY-MM" → YYYYMM; nullopt for anything else (a month outside 1..12, a year before 1900).
std::optional<int> parse_month(std::string_view text);

/// YYYYMM → "YYYY-MM".
std::string month_text(int yyyymm);

}  // namespace crimemap::data
