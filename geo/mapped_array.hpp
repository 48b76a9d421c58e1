#pragma once
// A read-only array that either owns its elements (while an index is built, or in tests) or
// views elements that live elsewhere, such as a memory-mapped index file (data/snapshot_file.hpp).
// Readers see one interface either way: size, [], iteration, a span.

#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace crimemap::geo {

template <class T>
class mapped_array {
    static_assert(std::is_trivially_copyable_v<T>, "a mapped array holds plain bytes");

public:
    using value_type = T;
    using const_iterator = const T*;
    using iterator = const T*;

    mapped_array() = default;
    mapped_array(std::vector<T> owned) : owned_(std::move(owned)) {}  // NOLINT: implicit by design
    /// A view of `count` elements at `data`, which must outlive this array and its copies.
    static mapped_array view(const T* data, std::size_t count) {
        mapped_array out;
        out.view_ = data;
        out.view_size_ = count;
        out.is_view_ = true;
        return out;
    }
    mapped_array& operator=(std::vector<T> owned) {
        owned_ = std::move(owned);
        is_view_ = false;
        return *this;
    }

    /// The owned elements, to fill while building; a view becomes an owned copy first.
    std::vector<T>& build() {
        if (is_view_) {
            owned_.assign(view_, view_ + view_size_);
            is_view_ = false;
        }
        return owned_;
    }

    [[nodiscard]] std::size_t size() const { return is_view_ ? view_size_ : owned_.size(); }
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] const T* data() const { return is_view_ ? view_ : owned_.data(); }
    [[nodiscard]] const T* begin() const { return data(); }
    [[nodiscard]] const T* end() const { return data() + size(); }
    [[nodiscard]] const T& operator[](std::size_t i) const { return data()[i]; }
    [[nodiscard]] const T& front() const { return data()[0]; }
    [[nodiscard]] const T& back() const { return data()[size() - 1]; }
    [[nodiscard]] std::span<const T> span() const { return {data(), size()}; }
    operator std::span<const T>() const { return span(); }  // NOLINT: implicit by design
    /// Bytes on the heap (a view's elements are the mapping's, not counted).
    [[nodiscard]] std::size_t heap_bytes() const { return owned_.capacity() * sizeof(T); }

private:
    std::vector<T> owned_;
    const T* view_ = nullptr;
    std::size_t view_size_ = 0;
    bool is_view_ = false;
};

}  // namespace crimemap::geo
