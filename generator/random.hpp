#pragma once
// The generator's one kind of random numbers, and weighted picks drawn from them.
//
// Determinism: every draw comes from std::mt19937_64 (whose output the standard fixes) through
// random_source, never through std::uniform_*_distribution (whose algorithms differ between
// standard libraries). Geometry uses + - * / and std::sqrt only, which IEEE 754 rounds exactly,
// provided the compiler does not fuse multiply-adds (true by default on x86-64; elsewhere build
// with -ffp-contract=off for output identical across machines). The exceptions are the National
// Grid projection of postcodes, rounded to whole metres, and the shapes of the --osm file's
// scenery (std::sin and std::cos in osm.cpp), which no other file depends on.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::generator {

/// The splitmix64 finaliser: a fast bijective 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// Independent streams, so that changing how one kind of output is drawn leaves the others alone.
enum class stream : std::uint64_t {
    geography = 1,
    street = 2,
    stops = 3,
    details = 4,
    schemes = 5,
    crime_ids = 6,
    basemap = 7,  ///< the OSM file's rivers, lakes, parks, woods and buildings (write_osm)
};

class random_source {
public:
    random_source(std::uint64_t seed, stream purpose, std::uint64_t a = 0, std::uint64_t b = 0)
        : engine_(derive(seed, purpose, a, b)) {}

    std::uint64_t next() { return engine_(); }

    /// Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform in [-1, 1).
    double centred() { return 2.0 * unit() - 1.0; }

    /// Uniform in [0, n). The modulo bias is below 2^-40 for every n used here. @pre n > 0
    std::uint64_t below(std::uint64_t n) { return next() % n; }

    /// Uniform in [low, high]. @pre low <= high
    int between(int low, int high) { return low + static_cast<int>(below(static_cast<std::uint64_t>(high - low) + 1)); }

    bool chance(double probability) { return unit() < probability; }

    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

    /// A point uniform in the unit disc, by rejection (no trigonometry).
    std::pair<double, double> in_disc() {
        for (;;) {
            const double a = centred();
            const double b = centred();
            if (a * a + b * b <= 1.0) {
                return {a, b};
            }
        }
    }

private:
    static std::uint64_t derive(std::uint64_t seed, stream purpose, std::uint64_t a, std::uint64_t b) {
        std::uint64_t key = mix64(seed);
        key = mix64(key ^ static_cast<std::uint64_t>(purpose));
        key = mix64(key ^ a);
        return mix64(key ^ b);
    }

    std::mt19937_64 engine_;
};

/// Picks an index with probability proportional to integer weights (zero weights never win).
class weighted_choice {
public:
    weighted_choice(std::initializer_list<std::uint32_t> weights)
        : weighted_choice(std::vector<std::uint32_t>(weights)) {}

    explicit weighted_choice(const std::vector<std::uint32_t>& weights) {
        std::uint64_t sum = 0;
        for (const std::uint32_t weight : weights) {
            sum += weight;
            cumulative_.push_back(sum);
        }
        if (sum == 0) {
            throw std::logic_error("weighted_choice needs a positive weight");
        }
    }

    std::size_t pick(random_source& random) const {
        const std::uint64_t ticket = random.below(cumulative_.back());
        std::size_t index = 0;
        while (ticket >= cumulative_[index]) {  // a handful of entries: a scan beats a search
            ++index;
        }
        return index;
    }

private:
    std::vector<std::uint64_t> cumulative_;
};

struct weighted_label {
    std::string_view label;
    std::uint32_t weight;
};

/// A weighted choice between published labels.
class label_choice {
public:
    label_choice(std::initializer_list<weighted_label> items) : choice_(weights_of(items)) {
        for (const weighted_label& item : items) {
            labels_.push_back(item.label);
        }
    }

    std::string_view pick(random_source& random) const { return labels_[choice_.pick(random)]; }

private:
    static weighted_choice weights_of(std::initializer_list<weighted_label> items) {
        std::vector<std::uint32_t> weights;
        for (const weighted_label& item : items) {
            weights.push_back(item.weight);
        }
        return weighted_choice(weights);
    }

    weighted_choice choice_;
    std::vector<std::string_view> labels_;
};

/// Walker's alias method: O(1) weighted picks among thousands of map points, one draw each.
class alias_table {
public:
    alias_table() = default;

    /// @pre weights is non-empty, fewer than 2^32 entries, and sums to a positive value
    explicit alias_table(const std::vector<double>& weights) {
        const std::size_t n = weights.size();
        double sum = 0.0;
        for (const double weight : weights) {
            sum += weight;
        }
        std::vector<double> scaled(n);
        std::vector<std::uint32_t> small;
        std::vector<std::uint32_t> large;
        for (std::size_t i = 0; i < n; ++i) {
            scaled[i] = weights[i] * static_cast<double>(n) / sum;
            (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
        }
        threshold_.assign(n, full);
        alias_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            alias_[i] = static_cast<std::uint32_t>(i);
        }
        while (!small.empty() && !large.empty()) {
            const std::uint32_t low = small.back();
            small.pop_back();
            const std::uint32_t high = large.back();
            threshold_[low] = static_cast<std::uint64_t>(scaled[low] * 4294967296.0);
            alias_[low] = high;
            scaled[high] = (scaled[high] + scaled[low]) - 1.0;
            if (scaled[high] < 1.0) {
                large.pop_back();
                small.push_back(high);
            }
        }
    }

    /// Maps 64 random bits to an index: the high half chooses a column, the low half the side.
    std::uint32_t pick(std::uint64_t bits) const {
        const auto column = static_cast<std::uint32_t>(((bits >> 32) * alias_.size()) >> 32);
        return (bits & 0xffffffffULL) < threshold_[column] ? column : alias_[column];
    }

private:
    static constexpr std::uint64_t full = std::uint64_t{1} << 32;
    std::vector<std::uint64_t> threshold_;
    std::vector<std::uint32_t> alias_;
};

}  // namespace crimemap::generator
