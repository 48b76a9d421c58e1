#pragma once
// The months of a run, and the dates written in its files.

#include <string>
#include <vector>

namespace crimemap::generator {

struct month_stamp {
    int year = 0;
    int month = 0;     ///< 1..12
    std::string text;  ///< "YYYY-MM"
    int days = 0;
};

/// The month `month_number` = year * 12 + month - 1.
month_stamp stamp_of(int month_number);

/// The `count` months up to and including `last_month` (YYYYMM), oldest first.
std::vector<month_stamp> months_ending(int last_month, int count);

/// "YYYY-MM-DDTHH:MM:00" in `month`.
std::string date_time_text(const month_stamp& month, int day, int hour, int minute);

}  // namespace crimemap::generator
