#include "data/vocabulary/crime_id.hpp"

#include "data/store/sqlite.hpp"

namespace crimemap::data {

std::string_view crime_id_column(const Statement& st, int column, std::string& scratch) {
    if (!st.is_blob(column)) return st.column_text(column);
    auto bytes = st.column_blob(column);
    if (bytes.size() == 32) {
        scratch.resize(64);
        write_crime_id_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), scratch.data());
        return scratch;
    }
    static constexpr char digits[] = "0123456789abcdef";  // a BLOB of another size: its digits too
    scratch.clear();
    for (unsigned char b : bytes) {
        scratch += digits[b >> 4];
        scratch += digits[b & 15];
    }
    return scratch;
}

}  // namespace crimemap::data
