#include "data/import/csv_reader.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace crimemap::data {

namespace {

// The first ',', '\n' or '\r' from p on, or end: eight bytes at a time (the scan of unquoted
// fields is most of an import's parsing). A byte equal to c is a zero byte of w ^ c...c; the
// lowest byte the zero-byte test flags is always a true one.
const char* field_end(const char* p, const char* const end) {
    if constexpr (std::endian::native == std::endian::little) {
        constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        auto zero_bytes = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
        while (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            const std::uint64_t found =
                zero_bytes(w ^ (ones * ',')) | zero_bytes(w ^ (ones * '\n')) | zero_bytes(w ^ (ones * '\r'));
            if (found) return p + std::countr_zero(found) / 8;
            p += 8;
        }
    }
    while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
    return p;
}

input_error too_long(const std::string& name, std::uint64_t line, std::size_t limit) {
    return input_error(name + ":" + std::to_string(line) + ": record longer than " + std::to_string(limit) +
                       " bytes (an unclosed quote?)");
}

// GDAL reports a failed read (a damaged deflate stream, a CRC that does not match) through
// its error state, and prints it unless a handler is pushed; we turn it into input_error.
class quiet_gdal_errors {
public:
    quiet_gdal_errors() {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        CPLErrorReset();
    }
    quiet_gdal_errors(const quiet_gdal_errors&) = delete;
    quiet_gdal_errors& operator=(const quiet_gdal_errors&) = delete;
    ~quiet_gdal_errors() { CPLPopErrorHandler(); }
    [[nodiscard]] static bool failed() { return CPLGetLastErrorType() >= CE_Failure; }
};

class vsi_source final : public byte_source {
public:
    vsi_source(const std::string& path, std::string name) : name_(std::move(name)) {
        configure_gdal();
        quiet_gdal_errors quiet;
        file_ = VSIFOpenL(path.c_str(), "rb");
        if (!file_) throw input_error(name_ + ": cannot open for reading" + reason());
        // A member of a zip knows its uncompressed size from the central directory. A gzip
        // stream does not: /vsigzip/ would inflate the whole file to answer, so it is not asked.
        if (path.rfind("/vsigzip/", 0) != 0) {
            VSIStatBufL stat{};
            if (VSIStatL(path.c_str(), &stat) == 0 && stat.st_size > 0) size_ = static_cast<std::uint64_t>(stat.st_size);
        }
    }
    vsi_source(const vsi_source&) = delete;
    vsi_source& operator=(const vsi_source&) = delete;
    ~vsi_source() override { VSIFCloseL(file_); }

    // A short read is the end of the file: GDAL's /vsizip/ inflater returns one at the end of a
    // member without setting its end-of-file flag (GDAL 3.6), so that flag is not asked. What
    // tells a damaged file from a whole one is GDAL's error state and, where the size is
    // known, the count of bytes read.
    std::size_t read(char* buffer, std::size_t size) override {
        if (done_) return 0;
        quiet_gdal_errors quiet;
        std::size_t got = VSIFReadL(buffer, 1, size, file_);
        read_ += got;
        if (quiet_gdal_errors::failed())
            throw input_error(name_ + ": damaged: it cannot be read past byte " + std::to_string(read_) + reason());
        if (got < size) {
            done_ = true;
            if (size_ > 0 && read_ != size_)
                throw input_error(name_ + ": damaged or truncated: " + std::to_string(read_) + " of its " +
                                  std::to_string(size_) + " bytes could be read");
        }
        return got;
    }
    [[nodiscard]] std::uint64_t size_hint() const override { return size_; }

private:
    static std::string reason() {
        std::string message = CPLGetLastErrorMsg();
        return message.empty() ? std::string() : " (GDAL: " + message + ")";
    }

    std::string name_;
    VSILFILE* file_ = nullptr;
    std::uint64_t size_ = 0;
    std::uint64_t read_ = 0;
    bool done_ = false;
};

// A plain file mapped whole: the parser reads the page cache's pages where they are, with no
// copy into a buffer (the copy was an eighth of the import's parsing). Mapped privately, so
// unescaping a quoted field in place writes to a copy of that page and never to the file.
// A file truncated by another process while it is read ends the process (SIGBUS), as it
// would any reader of a mapped file; imports are one transaction per file, so the store
// stays as it was.
class mapped_file final : public byte_source {
public:
    // Null when the path is not a regular file that can be mapped; the caller then reads it.
    static std::unique_ptr<mapped_file> open(const std::string& path) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return nullptr;
        struct stat st{};
        void* map = MAP_FAILED;
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
            map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        ::close(fd);
        if (map == MAP_FAILED) return nullptr;
        // Populated read-only, so the page cache's pages are mapped as they are; writable only
        // afterwards, so that only a page written to (an unescaped field) is copied.
        if (::mprotect(map, static_cast<std::size_t>(st.st_size), PROT_READ | PROT_WRITE) != 0) {
            ::munmap(map, static_cast<std::size_t>(st.st_size));
            return nullptr;
        }
        ::madvise(map, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
        return std::unique_ptr<mapped_file>(new mapped_file(static_cast<char*>(map), static_cast<std::size_t>(st.st_size)));
    }
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;
    ~mapped_file() override { ::munmap(bytes_, size_); }

    std::size_t read(char* buffer, std::size_t size) override {
        std::size_t n = std::min(size, size_ - offset_);
        std::memcpy(buffer, bytes_ + offset_, n);
        offset_ += n;
        return n;
    }
    [[nodiscard]] std::uint64_t size_hint() const override { return size_; }
    [[nodiscard]] char* whole() override { return offset_ == 0 ? bytes_ : nullptr; }

private:
    mapped_file(char* bytes, std::size_t size) : bytes_(bytes), size_(size) {}
    char* bytes_;
    std::size_t size_;
    std::size_t offset_ = 0;
};

class memory_bytes final : public byte_source {
public:
    explicit memory_bytes(std::string_view bytes) : bytes_(bytes) {}
    std::size_t read(char* buffer, std::size_t size) override {
        std::size_t n = std::min(size, bytes_.size() - offset_);
        std::memcpy(buffer, bytes_.data() + offset_, n);
        offset_ += n;
        return n;
    }
    [[nodiscard]] std::uint64_t size_hint() const override { return bytes_.size(); }

private:
    std::string_view bytes_;
    std::size_t offset_ = 0;
};

}  // namespace

std::unique_ptr<byte_source> open_vsi(const std::string& path, const std::string& name) {
    if (path.rfind("/vsi", 0) != 0) {
        if (auto mapped = mapped_file::open(path)) return mapped;
    }
    return std::make_unique<vsi_source>(path, name.empty() ? path : name);
}

void configure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Inputs are read in place: no gzip index (.properties) files beside them.
        CPLSetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO");
        GDALAllRegister();
    });
}
std::unique_ptr<byte_source> memory_source(std::string_view bytes) { return std::make_unique<memory_bytes>(bytes); }

csv_reader::csv_reader(std::unique_ptr<byte_source> source, std::string name, std::size_t max_record_bytes,
                       std::size_t read_bytes)
    : source_(std::move(source)), name_(std::move(name)), max_record_bytes_(max_record_bytes),
      read_bytes_(std::max<std::size_t>(read_bytes, 16)) {
    fields_.reserve(16);
}

bool csv_reader::fill() {
    if (eof_) return false;
    if (begin_ > 0) {
        std::memmove(buffer_, buffer_ + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (capacity_ == 0) {
        if (char* whole = source_->whole()) {
            buffer_ = whole;
            end_ = capacity_ = static_cast<std::size_t>(source_->size_hint());
            eof_ = true;  // nothing more to read; parse_record sees the true end
            return end_ > 0;
        }
    }
    if (capacity_ - end_ < read_bytes_ / 2) {
        if (end_ >= max_record_bytes_) throw too_long(name_, next_line_, max_record_bytes_);
        // Not zeroed: only what reads fill is ever looked at (a file is often smaller than one read).
        auto grown = std::make_unique_for_overwrite<char[]>(capacity_ + read_bytes_);
        if (end_ > 0) std::memcpy(grown.get(), buffer_, end_);
        owned_ = std::move(grown);
        buffer_ = owned_.get();
        capacity_ += read_bytes_;
    }
    std::size_t got = source_->read(buffer_ + end_, capacity_ - end_);
    if (got == 0) eof_ = true;
    end_ += got;
    return got > 0;
}

bool csv_reader::next() {
    if (first_) {
        first_ = false;
        fill();
        if (end_ - begin_ >= 3 && std::memcmp(buffer_ + begin_, "\xEF\xBB\xBF", 3) == 0) {
            begin_ += 3;
            consumed_ += 3;
        }
    }
    for (;;) {
        if (begin_ == end_ && eof_) return false;
        if (parse_record(eof_)) return true;
        if (!fill() && begin_ == end_) return false;
    }
}

// Scans one record starting at begin_. Returns false, changing nothing, when the
// buffer ends before the record does and more input may follow.
bool csv_reader::parse_record(bool at_end) {
    const char* const base = buffer_;
    const char* p = base + begin_;
    const char* const end = base + end_;
    fields_.clear();
    // Quoted fields that hold "" escapes, unescaped in place once the record is complete.
    escaped_fields_.clear();
    std::uint64_t newlines_in_quotes = 0;

    for (;;) {
        const char* field_start = p;
        if (p < end && *p == '"') {
            ++p;
            const char* content = p;
            bool escaped = false;
            for (;;) {
                const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
                if (!q) {
                    if (!at_end) return false;
                    throw input_error(name_ + ":" + std::to_string(next_line_) + ": quoted field never closed");
                }
                for (const char* c = p; c < q; ++c) newlines_in_quotes += (*c == '\n');
                if (q + 1 < end && q[1] == '"') {
                    escaped = true;
                    p = q + 2;
                    continue;
                }
                if (q + 1 == end && !at_end) return false;
                p = q + 1;
                break;
            }
            if (escaped) escaped_fields_.push_back(fields_.size());
            // Text between the closing quote and the delimiter is kept, as most readers do.
            const char* tail = p;
            p = field_end(p, end);
            if (p == end && !at_end) return false;
            if (tail == p) {
                fields_.emplace_back(content, static_cast<std::size_t>(tail - 1 - content));
            } else {
                fields_.emplace_back(content, static_cast<std::size_t>(p - content));
            }
        } else {
            p = field_end(p, end);
            if (p == end && !at_end) return false;
            fields_.emplace_back(field_start, static_cast<std::size_t>(p - field_start));
        }
        if (p < end && *p == ',') {
            ++p;
            continue;
        }
        // End of record: \n, \r\n, lone \r, or end of input.
        if (p < end && *p == '\r') {
            if (p + 1 == end && !at_end) return false;
            ++p;
            if (p < end && *p == '\n') ++p;
        } else if (p < end && *p == '\n') {
            ++p;
        }
        break;
    }

    for (auto index : escaped_fields_) {
        std::string_view field = fields_[index];
        char* out = buffer_ + (field.data() - base);
        char* write = out;
        for (std::size_t i = 0; i < field.size(); ++i) {
            *write++ = field[i];
            if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
        }
        fields_[index] = std::string_view(out, static_cast<std::size_t>(write - out));
    }

    if (static_cast<std::size_t>(p - (base + begin_)) > max_record_bytes_)
        throw too_long(name_, next_line_, max_record_bytes_);
    line_ = next_line_;
    next_line_ += 1 + newlines_in_quotes;
    consumed_ += static_cast<std::uint64_t>(p - (base + begin_));
    begin_ = static_cast<std::size_t>(p - base);
    return true;
}

}  // namespace crimemap::data
