#include "data/snapshot/stored_index.hpp"

#include "data/snapshot/file_descriptor.hpp"
#include "data/store/postgres.hpp"

#include <libdeflate.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <future>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace crimemap::data::detail {

namespace {

// Advisory lock keys beside the schema's (7316350) and the import's (7316351).
constexpr const char* store_lock_key = "7316352";  // a transaction writing the copy
constexpr const char* build_lock_key = "7316353";  // a replica building the file

// The file in pieces of this many bytes, each a row (deflated): read and written whole, so
// this bounds the memory a copy or a fetch holds at once.
constexpr std::size_t chunk_bytes = 8 << 20;

// Connections a fetch reads over at once.
constexpr int fetch_connections = 2;

struct compressor_freer {
    void operator()(libdeflate_compressor* c) const noexcept { libdeflate_free_compressor(c); }
};
struct decompressor_freer {
    void operator()(libdeflate_decompressor* d) const noexcept { libdeflate_free_decompressor(d); }
};

struct deflated_chunk {
    std::size_t size = 0;     // of the file's bytes
    std::vector<char> bytes;  // deflated
};

std::uint32_t big_endian(std::string_view four) {
    std::uint32_t value = 0;
    for (unsigned char c : four) value = value << 8 | c;
    return value;
}

bool table_exists(Database& db) { return db.query_int("SELECT count(*) FROM pg_class WHERE oid = to_regclass('index_file_chunks')") > 0; }

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string store_index_file(const std::string& store_uri, const std::string& path,
                             const index_fingerprint& fingerprint) {
    const auto start = std::chrono::steady_clock::now();
    const auto key = index_file_key(fingerprint);
    auto db = Database::postgresql(store_uri);
    Transaction tx(db);
    db.exec(std::string("SELECT pg_advisory_xact_lock(") + store_lock_key + ")");
    if (!table_exists(db)) {
        db.exec("CREATE UNLOGGED TABLE index_file_chunks(key text NOT NULL, chunk integer NOT NULL, "
                "size integer NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (key, chunk))");
        // Deflated here already: pglz would only spend time on them again.
        db.exec("ALTER TABLE index_file_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL");
    }
    // Every copy goes, this fingerprint's too: a replica builds only when there was none it
    // could use (a damaged one among them).
    db.exec("DELETE FROM index_file_chunks");
    file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw std::runtime_error(system_error(path + ": cannot read the index file"));
    // Read and deflated (libdeflate's fastest level: the arrays shrink to about half, which
    // halves what PostgreSQL and the network carry to each fetching replica) one chunk ahead of
    // the insert.
    auto next_chunk = [&fd, &path] {
        deflated_chunk out;
        std::vector<char> raw(chunk_bytes);
        std::size_t filled = 0;
        while (filled < raw.size()) {
            auto n = ::read(fd.get(), raw.data() + filled, raw.size() - filled);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::runtime_error(system_error(path + ": cannot read the index file"));
            if (n == 0) break;
            filled += static_cast<std::size_t>(n);
        }
        out.size = filled;
        if (filled == 0) return out;
        std::unique_ptr<libdeflate_compressor, compressor_freer> compressor(libdeflate_alloc_compressor(1));
        if (!compressor) throw std::bad_alloc();
        out.bytes.resize(libdeflate_deflate_compress_bound(compressor.get(), filled));
        out.bytes.resize(libdeflate_deflate_compress(compressor.get(), raw.data(), filled, out.bytes.data(), out.bytes.size()));
        if (out.bytes.empty()) throw std::runtime_error(path + ": cannot deflate the index file");
        return out;
    };
    Statement insert(db, "INSERT INTO index_file_chunks(key, chunk, size, bytes) VALUES (?, ?, ?, ?)");
    insert.bind(1, key);
    std::uint64_t total = 0, stored = 0;
    auto ahead = std::async(std::launch::async, next_chunk);
    for (std::int64_t number = 0;; ++number) {
        auto chunk = ahead.get();
        if (chunk.size == 0) break;
        const bool last = chunk.size < chunk_bytes;
        if (!last) ahead = std::async(std::launch::async, next_chunk);
        insert.bind(2, number).bind(3, static_cast<std::int64_t>(chunk.size));
        insert.bind_blob_static(4, chunk.bytes.data(), chunk.bytes.size());
        insert.run();
        total += chunk.size;
        stored += chunk.bytes.size();
        if (last) break;
    }
    tx.commit();
    return "kept a copy in the store for replicas on other machines (" + mib(total) + ", deflated to " + mib(stored) +
           ", in " + std::to_string(seconds_since(start)) + " s)";
}

bool fetch_index_file(const std::string& store_uri, const index_fingerprint& fingerprint, const std::string& path,
                      std::string& why_not) {
    const auto key = index_file_key(fingerprint);
    {
        auto db = Database::postgresql(store_uri);
        if (!table_exists(db)) {
            why_not = "the store keeps no copy of an index file";
            return false;
        }
        Statement stored(db, "SELECT count(*) FROM index_file_chunks WHERE key = ?");
        stored.bind(1, key);
        if (!stored.step() || stored.column_int(0) == 0) {
            why_not = db.query_int("SELECT count(*) FROM index_file_chunks") > 0
                          ? "the store's copy of the index file was built from other data"
                          : "the store keeps no copy of an index file";
            return false;
        }
    }
    const auto temporary = path + ".fetch-" + std::to_string(::getpid());
    file_descriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw std::runtime_error(system_error(temporary + ": cannot create the index file"));
    try {
        // Over connections of their own, each every n-th chunk, inflated and written at its
        // place: PostgreSQL reads each one's rows on a core of its own. Each row comes as its
        // chunk number and size (4 bytes each, big-endian) and the deflated bytes.
        auto fetch_share = [&](int share) {
            auto db = Database::postgresql(store_uri);
            std::unique_ptr<libdeflate_decompressor, decompressor_freer> decompressor(libdeflate_alloc_decompressor());
            if (!decompressor) throw std::bad_alloc();
            std::vector<char> raw(chunk_bytes);
            db.postgresql_connection().each_binary_value(
                "SELECT int4send(chunk) || int4send(size) || bytes FROM index_file_chunks "
                "WHERE key = $1 AND chunk % $2 = $3 ORDER BY chunk",
                {key, std::to_string(fetch_connections), std::to_string(share)}, [&](std::string_view row) {
                    if (row.size() < 8) throw std::runtime_error("a chunk of the store's copy is cut short");
                    auto number = big_endian(row.substr(0, 4)), size = big_endian(row.substr(4, 4));
                    std::size_t inflated = 0;
                    if (size > raw.size() ||
                        libdeflate_deflate_decompress(decompressor.get(), row.data() + 8, row.size() - 8, raw.data(), size,
                                                      &inflated) != LIBDEFLATE_SUCCESS ||
                        inflated != size)
                        throw std::runtime_error("chunk " + std::to_string(number) + " of the store's copy is damaged");
                    auto at = static_cast<off_t>(std::uint64_t{number} * chunk_bytes);
                    for (std::size_t done = 0; done < size;) {
                        auto n = ::pwrite(fd.get(), raw.data() + done, size - done, at + static_cast<off_t>(done));
                        if (n < 0 && errno == EINTR) continue;
                        if (n < 0) throw std::runtime_error(system_error(temporary + ": cannot write the index file"));
                        done += static_cast<std::size_t>(n);
                    }
                });
        };
        std::vector<std::future<void>> shares;
        for (int share = 1; share < fetch_connections; ++share)
            shares.push_back(std::async(std::launch::async, fetch_share, share));
        std::exception_ptr failed;
        try {
            fetch_share(0);
        } catch (...) {
            failed = std::current_exception();
        }
        for (auto& other : shares) {
            try {
                other.get();
            } catch (...) {
                if (!failed) failed = std::current_exception();
            }
        }
        if (failed) std::rethrow_exception(failed);
        // No fsync: a copy cut short by a crash fails the size or CRC check at the next map and
        // is fetched again. A chunk missing (the copy replaced meanwhile) fails them too.
        if (::close(fd.release()) != 0) throw std::runtime_error(system_error(temporary + ": cannot write the index file"));
        if (::rename(temporary.c_str(), path.c_str()) != 0)
            throw std::runtime_error(system_error(path + ": cannot put the index file in place"));
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
    return true;
}

store_build_lock::store_build_lock(const std::string& store_uri) : connection_(Database::postgresql(store_uri)) {
    connection_.exec(std::string("SELECT pg_advisory_lock(") + build_lock_key + ")");
}

}  // namespace crimemap::data::detail
