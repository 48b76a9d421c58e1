#pragma once
// PostgreSQL's binary format of COPY ... FROM STDIN (documented with the COPY command, "Binary
// Format"): an 11-byte signature, a flags word and a header extension length, then each row
// as its number of fields and each field as its length (-1 for NULL) and its bytes, then a
// trailer of -1; every number in network byte order. A bigint or a double precision goes as
// its 8 bytes and text as its UTF-8 bytes, so the server parses no digits and unescapes no
// text: the store's import sends its rows so (data/import/police_csv_import.cpp).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace crimemap::data::pg {

/// Appends COPY's binary format to a string the caller owns and sends
/// (Connection::copy_in::write, which may take it in pieces of any size); keeps a reference
/// to the string and copies nothing else. A COPY's data is copy_header(), its rows, then
/// copy_trailer(); a row is begin_row(), one call per column in the COPY's column order
/// (integer, real, text, null or field), then end_row(). The caller chooses the calls by
/// the columns' types (integer for bigint, real for double precision, text for text or bytea):
/// the server refuses a value of the wrong size, and takes another type's bytes of the right
/// size without a word.
class binary_copy_writer {
public:
    explicit binary_copy_writer(std::string& out) : out_(out) {}

    /// The signature, no flags, no header extension.
    void copy_header() {
        static constexpr char signature[] = "PGCOPY\n\377\r\n";  // and its terminating NUL: 11 bytes
        out_.append(signature, sizeof signature);
        put_be(grow(4), std::uint32_t{0}, 4);  // flags: no OIDs
        put_be(grow(4), std::uint32_t{0}, 4);  // header extension length
    }
    /// The field count -1 that ends the data.
    void copy_trailer() { put_be(grow(2), std::uint64_t{0xffff}, 2); }

    void begin_row() {
        row_start_ = out_.size();
        fields_ = 0;
        grow(2);
    }
    /// Fills in the row's field count.
    void end_row() { put_be(out_.data() + row_start_, fields_, 2); }

    void integer(std::int64_t value) { put_be(field(8), static_cast<std::uint64_t>(value), 8); }
    void real(double value) {
        std::uint64_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        put_be(field(8), bits, 8);
    }
    void text(std::string_view value) {
        if (!value.empty()) std::memcpy(field(value.size()), value.data(), value.size());
        else field(0);
    }
    void null() {
        put_be(grow(4), std::uint64_t{0xffffffff}, 4);
        ++fields_;
    }
    /// Room for the next field's `size` bytes, which the caller writes before any other call.
    char* field(std::size_t size) {
        char* at = grow(4 + size);
        put_be(at, size, 4);
        ++fields_;
        return at + 4;
    }

private:
    char* grow(std::size_t size) {
        const auto at = out_.size();
        out_.resize(at + size);
        return out_.data() + at;
    }
    // The low `size` bytes of `value`, most significant first.
    static void put_be(char* at, std::uint64_t value, int size) {
        for (int i = size - 1; i >= 0; --i) {
            at[i] = static_cast<char>(value & 0xff);
            value >>= 8;
        }
    }

    std::string& out_;
    std::size_t row_start_ = 0;
    std::uint64_t fields_ = 0;
};

}  // namespace crimemap::data::pg
