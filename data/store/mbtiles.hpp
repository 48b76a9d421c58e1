#pragma once
// A vector tile archive in MBTiles 1.3 (https://github.com/mapbox/mbtiles-spec), opened read-only:
// the basemap that `crimemap serve --basemap FILE` serves as it is stored.

#include "data/store/sqlite.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace crimemap::data {

/// An archive that cannot be served; what() is "FILE: why" (not MBTiles, not vector, unreadable).
class mbtiles_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class mbtiles {
public:
    /// Opens `path` read-only and checks it: an SQLite file with MBTiles' `metadata` and `tiles`,
    /// `format` pbf, `json` with `vector_layers`, whole-number zooms and at least one tile.
    /// An archive of at most `memory_limit_bytes` is read into memory at once (0: never); a
    /// larger one is read tile by tile through a pool of read-only connections.
    /// Throws mbtiles_error naming the file and why.
    mbtiles(std::string path, std::uint64_t memory_limit_bytes);
    mbtiles(const mbtiles&) = delete;
    mbtiles& operator=(const mbtiles&) = delete;
    ~mbtiles();

    /// The stored bytes (usually gzip) of tile z/x/y, y counted from the north as in XYZ URLs
    /// (the archive's rows are TMS, counted from the south); empty when the archive has no such
    /// tile. Thread-safe. Throws sqlite_error when the file cannot be read.
    /// @pre z <= 30 and x, y < 2^z
    [[nodiscard]] std::string tile(std::uint32_t z, std::uint32_t x, std::uint32_t y) const;

    /// The metadata table's rows, name to value.
    [[nodiscard]] const std::map<std::string, std::string>& metadata() const { return metadata_; }
    [[nodiscard]] int min_zoom() const { return min_zoom_; }
    [[nodiscard]] int max_zoom() const { return max_zoom_; }
    /// Names this archive's content (its size and modification time), for ETags.
    [[nodiscard]] const std::string& version() const { return version_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool in_memory() const { return !memory_tiles_.empty(); }

private:
    struct reader;
    std::string path_;
    std::string version_;
    std::map<std::string, std::string> metadata_;
    int min_zoom_ = 0, max_zoom_ = 0;
    std::unordered_map<std::uint64_t, std::string> memory_tiles_;  ///< key: see tile_key
    mutable std::mutex mutex_;
    mutable std::vector<std::unique_ptr<reader>> idle_;
    std::unique_ptr<reader> open_reader() const;
};

}  // namespace crimemap::data
