#pragma once
// The generator's one writer: text_file, a write-only file with one large buffer, for emitting
// millions of short text rows; every file of a run is written through it, under an
// output_folder, which makes the folders and counts the files.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::generator {

/// Buffers writes in memory and hands the operating system large blocks.
/// The buffer is allocated once per file; appending never allocates.
class text_file {
public:
    static constexpr std::size_t buffer_size = std::size_t{1} << 20;

    /// Creates or truncates `path`. Throws std::runtime_error when it cannot be opened.
    /// Rows handed to reserve() must fit in `buffer_bytes`.
    explicit text_file(std::filesystem::path path, std::size_t buffer_bytes = buffer_size)
        : path_(std::move(path)), file_(std::fopen(path_.string().c_str(), "wb")), buffer_(buffer_bytes) {
        if (!file_) {
            throw std::runtime_error("cannot create " + path_.string());
        }
    }

    text_file(const text_file&) = delete;
    text_file& operator=(const text_file&) = delete;

    /// Returns room for at least `bytes` characters, to be followed by commit() with the end of
    /// what was written there. @pre bytes <= the buffer size given at construction
    char* reserve(std::size_t bytes) {
        if (used_ + bytes > buffer_.size()) {
            flush();
        }
        return buffer_.data() + used_;
    }

    void commit(const char* end) { used_ = static_cast<std::size_t>(end - buffer_.data()); }

    void write(std::string_view text) {
        if (text.empty()) {
            return;
        }
        if (text.size() > buffer_.size()) {
            flush();
            put_block(text.data(), text.size());
            return;
        }
        char* out = reserve(text.size());
        std::memcpy(out, text.data(), text.size());
        commit(out + text.size());
    }

    /// Flushes and closes; throws std::runtime_error when anything failed to reach the file.
    /// A file destroyed without close() is closed quietly (an exception is already unwinding).
    void close() {
        flush();
        std::FILE* handle = file_.release();
        if (std::fclose(handle) != 0) {
            throw std::runtime_error("cannot finish writing " + path_.string());
        }
    }

private:
    struct closer {
        void operator()(std::FILE* handle) const noexcept { std::fclose(handle); }
    };

    void flush() {
        put_block(buffer_.data(), used_);
        used_ = 0;
    }

    void put_block(const char* data, std::size_t size) {
        if (size != 0 && std::fwrite(data, 1, size, file_.get()) != size) {
            throw std::runtime_error("cannot write " + path_.string());
        }
    }

    std::filesystem::path path_;
    std::unique_ptr<std::FILE, closer> file_;
    std::vector<char> buffer_;
    std::size_t used_ = 0;
};

/// Writes a whole small file at once. Throws std::runtime_error on failure.
inline void write_whole_file(const std::filesystem::path& path, std::string_view text) {
    text_file file(path, 4096);  // write() sends anything larger straight through
    file.write(text);
    file.close();
}

/// The folder a run writes into. Paths are relative to it; folders are made as files need them.
/// Keeps nothing open: each file is closed by write, or by its caller after stream.
class output_folder {
public:
    /// Creates `root` when absent. Throws std::filesystem::filesystem_error when it cannot.
    explicit output_folder(std::filesystem::path root) : root_(std::move(root)) {
        std::filesystem::create_directories(root_);
    }

    /// Writes a whole small file, replacing one of the same name. Throws std::runtime_error
    /// (or std::filesystem::filesystem_error for its folder) on failure.
    void write(const std::filesystem::path& relative, std::string_view text) {
        write_whole_file(make_room(relative), text);
    }

    /// Opens a file to be written row by row and then closed (text_file::close).
    text_file stream(const std::filesystem::path& relative) { return text_file(make_room(relative)); }

    /// How many files have been written (or opened for writing) under the folder.
    std::uint64_t files() const { return files_; }

private:
    std::filesystem::path make_room(const std::filesystem::path& relative) {
        std::filesystem::path path = root_ / relative;
        std::filesystem::create_directories(path.parent_path());
        ++files_;
        return path;
    }

    std::filesystem::path root_;
    std::uint64_t files_ = 0;
};

}  // namespace crimemap::generator
