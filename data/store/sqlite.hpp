#pragma once
// RAII wrappers for the SQLite C API. sqlite3.h stays out of every other header.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace crimemap::data {

/// Any failure reported by SQLite; what() carries SQLite's message and the SQL involved.
class sqlite_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One connection. Not thread-safe: use one connection per thread.
class Database {
public:
    enum class mode { read_only, read_write, create };

    /// Opens (or with mode::create, creates) the file. Throws sqlite_error.
    Database(const std::string& path, mode open_mode);

    void exec(std::string_view sql);
    [[nodiscard]] std::int64_t last_insert_rowid() const;
    [[nodiscard]] std::int64_t changes() const;
    /// Runs a query whose first column of its first row is an integer; `fallback` when no row or NULL.
    [[nodiscard]] std::int64_t query_int(std::string_view sql, std::int64_t fallback = 0);
    /// Loads mod_spatialite into this connection. Throws sqlite_error when it is not installed.
    void load_spatialite();
    /// Makes a statement running on this connection (on another thread) stop with an error.
    void interrupt() noexcept;
    /// Copies the whole database, as of one moment, to `destination` with SQLite's online backup
    /// API: written to a temporary file beside it and renamed, so `destination` is never half
    /// written. Writers elsewhere are not blocked. Throws sqlite_error or std::runtime_error.
    void backup_to(const std::string& destination);

    [[nodiscard]] sqlite3* handle() const { return db_.get(); }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    struct closer {
        void operator()(sqlite3* db) const noexcept;
    };
    std::unique_ptr<sqlite3, closer> db_;
    std::string path_;
};

/// A prepared statement. Binding indexes start at 1, column indexes at 0, as in SQLite.
class Statement {
public:
    Statement(Database& db, std::string_view sql);

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    /// Copies the text (SQLITE_TRANSIENT).
    Statement& bind(int index, std::string_view value);
    /// Keeps a reference: `value` must stay alive until the next step() or reset().
    Statement& bind_static(int index, std::string_view value);
    /// Copies the bytes (SQLITE_TRANSIENT).
    Statement& bind_blob(int index, const void* bytes, std::size_t size);
    /// Keeps a reference, as bind_static does.
    Statement& bind_blob_static(int index, const void* bytes, std::size_t size);
    Statement& bind_null(int index);

    /// Returns true while a row is available; false when done. Throws sqlite_error.
    bool step();
    /// Steps a statement that returns no rows, then resets it (bindings are kept).
    void run();
    /// Makes the statement ready to step again; bindings are kept until rebound.
    void reset();

    [[nodiscard]] bool is_null(int column) const;
    [[nodiscard]] bool is_blob(int column) const;
    [[nodiscard]] std::int64_t column_int(int column) const;
    [[nodiscard]] double column_double(int column) const;
    /// Valid until the next step(), reset() or destruction.
    [[nodiscard]] std::string_view column_text(int column) const;
    [[nodiscard]] std::string_view column_blob(int column) const;

private:
    struct finalizer {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };
    Database* db_;
    std::unique_ptr<sqlite3_stmt, finalizer> stmt_;
    void check(int rc, const char* what) const;
};

/// BEGIN IMMEDIATE on construction (a SAVEPOINT inside an open transaction, which then commits
/// or rolls back with it); rolls back on destruction unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool nested_ = false;  ///< a savepoint inside an open transaction
    bool open_ = true;
};

}  // namespace crimemap::data
