// libFuzzer target for the CSV record reader: any bytes must give records or an
// input_error, never a crash, a hang or a read out of bounds. Fields must lie inside
// the input or be unescaped copies no longer than it. Small reads put record ends
// at every position of the buffer.

#include "data/import/csv_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        crimemap::data::csv_reader reader(crimemap::data::memory_source(bytes), "fuzz.csv", 4096, 64);
        std::uint64_t last_line = 0;
        std::size_t total = 0;
        while (reader.next()) {
            if (reader.line() <= last_line && last_line != 0) std::abort();  // lines only go forward
            last_line = reader.line();
            for (auto field : reader.fields()) total += field.size();
            if (total > size) std::abort();  // fields never hold more than the input
        }
        if (reader.bytes_consumed() > size) std::abort();
    } catch (const crimemap::data::input_error&) {
    }
    return 0;
}
