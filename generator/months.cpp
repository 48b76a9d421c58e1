#include "generator/months.hpp"
#include "generator/text.hpp"

#include <array>
#include <cstdint>

namespace crimemap::generator {

month_stamp stamp_of(int month_number) {
    month_stamp stamp;
    stamp.year = month_number / 12;
    stamp.month = month_number % 12 + 1;
    stamp.text = join({zero_padded(static_cast<std::uint64_t>(stamp.year), 4), "-",
                       zero_padded(static_cast<std::uint64_t>(stamp.month), 2)});
    constexpr std::array<int, 12> month_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    stamp.days = month_days[static_cast<std::size_t>(stamp.month - 1)];
    const bool leap = (stamp.year % 4 == 0 && stamp.year % 100 != 0) || stamp.year % 400 == 0;
    if (stamp.month == 2 && leap) {
        stamp.days = 29;
    }
    return stamp;
}

std::vector<month_stamp> months_ending(int last_month, int count) {
    std::vector<month_stamp> months;
    const int last_number = last_month / 100 * 12 + last_month % 100 - 1;
    for (int m = count - 1; m >= 0; --m) {
        months.push_back(stamp_of(last_number - m));
    }
    return months;
}

std::string date_time_text(const month_stamp& month, int day, int hour, int minute) {
    return join({month.text, "-", zero_padded(static_cast<std::uint64_t>(day), 2), "T",
                 zero_padded(static_cast<std::uint64_t>(hour), 2), ":",
                 zero_padded(static_cast<std::uint64_t>(minute), 2), ":00"});
}

}  // namespace crimemap::generator
