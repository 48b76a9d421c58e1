#pragma once
// A fast RFC 4180 record reader over bytes read through GDAL's virtual file
// systems (plain files, /vsizip/, /vsigzip/). Built for the data.police.uk
// layouts on the import hot path; OGR stays the reader for other formats.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::data {

/// Thrown when a file cannot be opened or read, or a record is larger than the
/// reader's limit; what() names the file (and line where there is one).
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A source of bytes. The reader owns it.
class byte_source {
public:
    virtual ~byte_source() = default;
    /// Reads up to `size` bytes; returns 0 at the end. Throws input_error.
    virtual std::size_t read(char* buffer, std::size_t size) = 0;
    /// Total size in bytes when known (for progress), else 0.
    [[nodiscard]] virtual std::uint64_t size_hint() const { return 0; }
    /// All the bytes at once, writable in place, when the source holds them so (a plain file
    /// mapped into memory); null otherwise, and then read() is the way. Valid while the source lives.
    [[nodiscard]] virtual char* whole() { return nullptr; }
};

/// Opens a GDAL virtual path (a plain path, "/vsizip/a.zip/b.csv", "/vsigzip/c.csv.gz");
/// errors name the file as `name` (the path when empty). A damaged archive member or gzip
/// stream is an input_error when the read reaches it. A plain regular file is mapped into
/// memory (private, so edits in place stay ours) rather than copied through reads.
std::unique_ptr<byte_source> open_vsi(const std::string& path, const std::string& name = {});
/// Sets GDAL up once for reading inputs in place (no side files such as gzip indexes)
/// and registers its drivers. Every reader of input files calls it; it is cheap after the first.
void configure_gdal();
/// Reads from memory the reader does not own; `bytes` must outlive the source.
std::unique_ptr<byte_source> memory_source(std::string_view bytes);

/// Splits a byte stream into records of fields.
///
/// Fields are views into the reader's buffer, valid until the next call to next().
/// Handles quoted fields with "" escapes and line breaks inside quotes, CRLF or LF
/// line ends, a UTF-8 byte order mark at the start, and a last line without a line end.
class csv_reader {
public:
    /// @param name used in messages, e.g. the file's path.
    /// @param max_record_bytes a longer record is an input_error (an unclosed quote, most likely).
    /// @param read_bytes how much one read asks the source for.
    csv_reader(std::unique_ptr<byte_source> source, std::string name, std::size_t max_record_bytes = 1 << 20,
               std::size_t read_bytes = 4 << 20);

    /// Reads the next record into fields(); false at the end of input.
    /// A blank line yields a record of one empty field. Throws input_error for an
    /// unterminated quote at the end of input or a record over the size limit.
    bool next();

    [[nodiscard]] const std::vector<std::string_view>& fields() const { return fields_; }
    /// The 1-based line on which the current record starts.
    [[nodiscard]] std::uint64_t line() const { return line_; }
    /// Bytes consumed so far (for progress against byte_source::size_hint()).
    [[nodiscard]] std::uint64_t bytes_consumed() const { return consumed_; }
    [[nodiscard]] std::uint64_t size_hint() const { return source_->size_hint(); }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    bool fill();  // moves the unread tail to the front and reads more; false at end of input
    bool parse_record(bool at_end);

    std::unique_ptr<byte_source> source_;
    std::string name_;
    std::size_t max_record_bytes_;
    std::size_t read_bytes_;
    std::unique_ptr<char[]> owned_;  // the buffer reads fill, unless the source is whole()
    char* buffer_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;  // start of unread bytes
    std::size_t end_ = 0;    // end of valid bytes
    bool eof_ = false;
    bool first_ = true;
    std::uint64_t line_ = 0;
    std::uint64_t next_line_ = 1;
    std::uint64_t consumed_ = 0;
    std::vector<std::string_view> fields_;
    std::vector<std::size_t> escaped_fields_;  // of fields_: quoted with "" inside, unescaped in place
};

}  // namespace crimemap::data
