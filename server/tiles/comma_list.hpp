#pragma once
// Comma-separated lists as the basemap's inputs write them: a fontstack ("Noto Sans Bold, Open
// Sans Bold") and an MBTiles archive's `bounds` and `center` metadata.

#include <string_view>
#include <vector>

namespace crimemap::server {

/// `text` without the spaces at its ends.
inline std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

/// The items of a comma-separated list in order, each without the spaces around it; views into
/// `text`, which must outlive them. An empty text has none, and nor does a trailing comma.
inline std::vector<std::string_view> comma_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        auto comma = text.find(',');
        items.push_back(trim_spaces(text.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

}  // namespace crimemap::server
