#include "data/import/import_dictionaries.hpp"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace crimemap::data::detail {

namespace {
constexpr std::size_t huge_page = std::size_t{2} << 20;
}

huge_page_memory::huge_page_memory(std::size_t bytes) {
    // Mapped a huge page more than asked, so that the table can start on a huge page boundary.
    const bool huge = bytes >= huge_page;
    mapped_ = huge ? bytes + huge_page : bytes;
    mapping_ = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping_ == MAP_FAILED) {
        mapping_ = nullptr;
        throw std::bad_alloc();
    }
    auto start = reinterpret_cast<std::uintptr_t>(mapping_);
    if (huge) start = (start + huge_page - 1) & ~(huge_page - 1);
    aligned_ = reinterpret_cast<void*>(start);
    // Only a hint: without huge pages the table works the same, a little slower.
    if (huge) madvise(aligned_, bytes, MADV_HUGEPAGE);
}

huge_page_memory& huge_page_memory::operator=(huge_page_memory&& other) noexcept {
    if (this != &other) {
        if (mapping_) munmap(mapping_, mapped_);
        mapping_ = std::exchange(other.mapping_, nullptr);
        mapped_ = std::exchange(other.mapped_, 0);
        aligned_ = std::exchange(other.aligned_, nullptr);
    }
    return *this;
}

huge_page_memory::~huge_page_memory() {
    if (mapping_) munmap(mapping_, mapped_);
}

}  // namespace crimemap::data::detail
