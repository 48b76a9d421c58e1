#include "generator/text.hpp"

#include "data/vocabulary/categories.hpp"

namespace crimemap::generator {

std::string join(std::initializer_list<std::string_view> parts) {
    std::string text;
    for (const std::string_view part : parts) {
        text += part;
    }
    return text;
}

std::string zero_padded(std::uint64_t value, int width) {
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) {
        digits.insert(0, static_cast<std::size_t>(width - static_cast<int>(digits.size())), '0');
    }
    return digits;
}

std::string with_commas(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (std::size_t at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return digits;
}

std::string slug_of(std::string_view text) {
    return data::slugify(text);
}

std::string degrees_text(std::int32_t micro) {
    char buffer[16];
    return std::string(buffer, write_degrees(buffer, micro));
}

}  // namespace crimemap::generator
