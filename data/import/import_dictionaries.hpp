#pragma once
// The import's in-memory dictionaries: text → id (agencies, LSOAs, types, streets) and
// map location → id, as open-addressing hash tables with linear probing.
//
// A monthly import looks up every row's location and LSOA, and at data.police.uk's density
// (a new map point every three or four rows) adds hundreds of thousands of locations. Node-based
// maps keyed on strings cost a heap node and a heap string each, and a cache miss for every node
// of a bucket's chain; here a lookup is one hash and, nearly always, one cache line.

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::data::detail {

/// Text → id (ids are never 0). Keeps its own copy of every key's text.
class text_ids {
public:
    /// The key's id, or 0 when it is not there.
    [[nodiscard]] std::int64_t find(std::string_view key) const { return find(key, hash(key)); }
    [[nodiscard]] std::int64_t find(std::string_view key, std::size_t key_hash) const {
        if (slots_.empty()) return 0;
        for (std::size_t i = key_hash & mask_;; i = (i + 1) & mask_) {
            const slot& s = slots_[i];
            if (s.id == 0) return 0;
            if (s.hash == key_hash && view(s) == key) return s.id;
        }
    }
    /// @pre the key is not there, id != 0.
    void insert(std::string_view key, std::int64_t id) { insert(key, hash(key), id); }
    void insert(std::string_view key, std::size_t key_hash, std::int64_t id) {
        assert(id != 0 && find(key, key_hash) == 0);
        if (2 * (count_ + 1) > slots_.size()) grow();
        slot s{key_hash, text_.size(), static_cast<std::uint32_t>(key.size()), id};
        starts_.push_back(text_.size());
        text_.append(key);
        place(s);
        ++count_;
    }
    [[nodiscard]] std::size_t size() const { return count_; }
    /// The n-th key inserted (from 0). @pre n < size()
    [[nodiscard]] std::string_view key(std::size_t n) const {
        const std::size_t end = n + 1 < starts_.size() ? starts_[n + 1] : text_.size();
        return std::string_view(text_).substr(starts_[n], end - starts_[n]);
    }
    static std::size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
    /// Forgets every key whose id is `limit` or more, keeping the others' order. Linear.
    void keep_below(std::int64_t limit) {
        text_ids kept;
        for (std::size_t n = 0; n < size(); ++n) {
            const auto k = key(n);
            const auto id = find(k);
            if (id < limit) kept.insert(k, id);
        }
        *this = std::move(kept);
    }

private:
    struct slot {
        std::size_t hash;
        std::size_t offset;  // into text_
        std::uint32_t size;
        std::int64_t id;  // 0: empty
    };
    [[nodiscard]] std::string_view view(const slot& s) const { return {text_.data() + s.offset, s.size}; }
    void place(const slot& s) {
        std::size_t i = s.hash & mask_;
        while (slots_[i].id != 0) i = (i + 1) & mask_;
        slots_[i] = s;
    }
    void grow() {
        std::vector<slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
        old.swap(slots_);
        mask_ = slots_.size() - 1;
        for (const auto& s : old)
            if (s.id != 0) place(s);
    }

    std::string text_;
    std::vector<std::size_t> starts_;  // of each key in text_, in insertion order
    std::vector<slot> slots_;
    std::size_t mask_ = 0;
    std::size_t count_ = 0;
};

/// Zero-filled memory for a large table, in huge pages where the kernel gives them (transparent
/// huge pages on madvise): a table of many megabytes probed at random otherwise pays a TLB miss
/// on top of the cache miss of nearly every lookup.
class huge_page_memory {
public:
    huge_page_memory() = default;
    /// Throws std::bad_alloc when the memory cannot be had.
    explicit huge_page_memory(std::size_t bytes);
    huge_page_memory(huge_page_memory&& other) noexcept { *this = std::move(other); }
    huge_page_memory& operator=(huge_page_memory&& other) noexcept;
    huge_page_memory(const huge_page_memory&) = delete;
    huge_page_memory& operator=(const huge_page_memory&) = delete;
    ~huge_page_memory();
    [[nodiscard]] void* data() const { return aligned_; }

private:
    void* mapping_ = nullptr;
    std::size_t mapped_ = 0;
    void* aligned_ = nullptr;
};

/// (longitude, latitude, street) → map location id (ids are never 0). Coordinates are told
/// apart by their exact bits, as the store keeps them; the street is an id from a text_ids.
/// 32 bytes a slot, at most 70% full.
class location_ids {
public:
    struct key {
        double longitude, latitude;
        std::uint32_t street;
    };
    /// The location's id, or 0 when it is not there.
    [[nodiscard]] std::int64_t find(const key& k) const {
        if (capacity_ == 0) return 0;
        const auto lon = bits(k.longitude), lat = bits(k.latitude);
        for (std::size_t i = hash(lon, lat, k.street) & mask_;; i = (i + 1) & mask_) {
            const slot& s = slots()[i];
            if (s.id == 0) return 0;
            if (s.longitude == lon && s.latitude == lat && s.street == k.street) return s.id;
        }
    }
    /// Asks the processor for the key's slot, for a find a little later.
    void prefetch(const key& k) const {
        if (capacity_ != 0) __builtin_prefetch(&slots()[hash(bits(k.longitude), bits(k.latitude), k.street) & mask_]);
    }
    /// @pre the key is not there, id != 0.
    void insert(const key& k, std::int64_t id) {
        assert(id != 0 && find(k) == 0);
        if (10 * (count_ + 1) > 7 * capacity_) grow();
        place({bits(k.longitude), bits(k.latitude), k.street, id});
        ++count_;
    }
    [[nodiscard]] std::size_t size() const { return count_; }
    /// Forgets every location whose id is `limit` or more. Linear.
    void keep_below(std::int64_t limit) {
        location_ids kept;
        for (std::size_t i = 0; i < capacity_; ++i) {
            const slot& s = slots()[i];
            if (s.id != 0 && s.id < limit) {
                if (10 * (kept.count_ + 1) > 7 * kept.capacity_) kept.grow();
                kept.place(s);
                ++kept.count_;
            }
        }
        *this = std::move(kept);
    }

private:
    struct slot {
        std::uint64_t longitude, latitude;
        std::uint32_t street;
        std::int64_t id;  // 0: empty
    };
    static std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }
    // Coordinates of nearby points differ in their low mantissa bits: mix every bit into the
    // low ones that pick the slot (the finaliser of MurmurHash3).
    static std::size_t hash(std::uint64_t lon, std::uint64_t lat, std::uint32_t street) {
        std::uint64_t h = lon * 0x9e3779b97f4a7c15ULL;
        h ^= std::rotl(lat, 29) + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
        h ^= street * 0xc2b2ae3d27d4eb4fULL;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
        return static_cast<std::size_t>(h);
    }
    [[nodiscard]] slot* slots() const { return static_cast<slot*>(memory_.data()); }
    void place(const slot& s) {
        std::size_t i = hash(s.longitude, s.latitude, s.street) & mask_;
        while (slots()[i].id != 0) i = (i + 1) & mask_;
        slots()[i] = s;
    }
    void grow() {
        const std::size_t old_capacity = capacity_;
        huge_page_memory old = std::move(memory_);
        const slot* old_slots = static_cast<const slot*>(old.data());
        capacity_ = std::max<std::size_t>(1024, 2 * capacity_);
        mask_ = capacity_ - 1;
        memory_ = huge_page_memory(capacity_ * sizeof(slot));
        for (std::size_t i = 0; i < old_capacity; ++i)
            if (old_slots[i].id != 0) place(old_slots[i]);
    }

    huge_page_memory memory_;
    std::size_t capacity_ = 0;  // a power of two, or 0
    std::size_t mask_ = 0;
    std::size_t count_ = 0;
};

}  // namespace crimemap::data::detail
