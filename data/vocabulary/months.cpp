#include "data/vocabulary/months.hpp"

#include <cstdio>

namespace crimemap::data {

std::optional<int> parse_month(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') return std::nullopt;
    int year = 0, month = 0;
    for (int i = 0; i < 4; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        year = year * 10 + (text[i] - '0');
    }
    for (int i = 5; i < 7; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        month = month * 10 + (text[i] - '0');
    }
    if (month < 1 || month > 12 || year < 1900) return std::nullopt;
    return year * 100 + month;
}

std::string month_text(int yyyymm) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d", yyyymm / 100 % 10000, yyyymm % 100);
    return text;
}

}  // namespace crimemap::data
