#pragma once
// What the index file's readers and writers share: a file descriptor closed when it goes out
// of scope, and an error message that says which file and what the system said.

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace crimemap::data::detail {

class file_descriptor {
public:
    explicit file_descriptor(int fd) : fd_(fd) {}
    ~file_descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    [[nodiscard]] int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

// "what: <the system's words for errno>"
inline std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace crimemap::data::detail
