#pragma once
// Crime IDs. data.police.uk's are SHA-256 digests written as 64 hex digits; the store and the
// serving model keep such an ID as its 32 bytes, and any other ID as the text it came as.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crimemap::data {

class Statement;

using crime_id_bytes = std::array<std::uint8_t, 32>;

namespace detail {
// Hex digit values, -1 for any other byte; the second table knows lower-case digits only.
constexpr std::array<std::int8_t, 256> hex_values(bool upper_too) {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
    if (upper_too)
        for (int c = 'A'; c <= 'F'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
    return table;
}
inline constexpr auto any_case_hex = hex_values(true);
inline constexpr auto lower_case_hex = hex_values(false);

inline bool decode_hex_32(std::string_view text, std::uint8_t* out, const std::array<std::int8_t, 256>& values) {
    if (text.size() != 64) return false;
    int bad = 0;
    for (std::size_t i = 0; i < 32; ++i) {
        int high = values[static_cast<unsigned char>(text[2 * i])];
        int low = values[static_cast<unsigned char>(text[2 * i + 1])];
        bad |= high | low;  // any -1 sets the sign bit
        out[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return bad >= 0;
}
}  // namespace detail

/// 64 hex digits of either case → 32 bytes (how a request's Crime ID is looked up); false for
/// any other text.
inline bool decode_crime_id(std::string_view text, crime_id_bytes& out) {
    return detail::decode_hex_32(text, out.data(), detail::any_case_hex);
}

/// The store's form of a Crime ID: 64 lower-case hex digits → 32 bytes, so that the text reads
/// back exactly as it came; false (and `out` unspecified) for any other text, which the store
/// keeps as text.
inline bool pack_crime_id(std::string_view text, std::uint8_t* out) {
    return detail::decode_hex_32(text, out, detail::lower_case_hex);
}

/// Writes the 64 lower-case hex digits of a 32-byte Crime ID at `out`.
inline void write_crime_id_hex(const std::uint8_t* bytes, char* out) {
    static constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < 32; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
}

inline std::string crime_id_hex(const crime_id_bytes& bytes) {
    std::string out(64, '0');
    write_crime_id_hex(bytes.data(), out.data());
    return out;
}

/// A Crime ID column of the store (crimes.persistent_id, outcomes.persistent_id) as text: the
/// hex digits of a 32-byte BLOB (written into `scratch`), or the TEXT as stored. Empty for NULL.
/// Valid until the next step or until `scratch` changes.
std::string_view crime_id_column(const Statement& st, int column, std::string& scratch);

}  // namespace crimemap::data
