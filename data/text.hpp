#pragma once
// Small text helpers shared by import, search and accounts.

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace crimemap::data {

/// ASCII letters in lower case; every other byte as it is.
inline std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Characters (code points) in UTF-8 text: what a length limit a person reads means.
inline std::size_t utf8_length(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace crimemap::data
