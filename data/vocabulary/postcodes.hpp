#pragma once
// UK postcodes: the one shape they are checked against and the one form they are kept in.

#include <string>
#include <string_view>

namespace crimemap::data {

/// "so231aa", " SO23 1AA " → "SO231AA": an outward code (a letter, then 1-3 more letters or
/// digits) and an inward code (a digit and two letters), spacing free. Empty when the text is
/// not shaped like a full postcode.
std::string normalise_postcode(std::string_view text);

}  // namespace crimemap::data
