#include "data/vocabulary/postcodes.hpp"

#include <cctype>

namespace crimemap::data {

std::string normalise_postcode(std::string_view text) {
    std::string compact;
    for (char c : text) {
        if (c == ' ') continue;
        if (!std::isalnum(static_cast<unsigned char>(c))) return {};
        compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (compact.size() < 5 || compact.size() > 7) return {};
    auto inward = std::string_view(compact).substr(compact.size() - 3);
    if (!std::isalpha(static_cast<unsigned char>(compact[0])) || !std::isdigit(static_cast<unsigned char>(inward[0])) ||
        !std::isalpha(static_cast<unsigned char>(inward[1])) || !std::isalpha(static_cast<unsigned char>(inward[2])))
        return {};
    return compact;
}

}  // namespace crimemap::data
