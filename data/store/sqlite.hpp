#pragma once
// The store's connection, statements and transactions: RAII wrappers for the SQLite C API,
// and for a store in PostgreSQL (a --db postgresql://... URI) the same classes over libpq
// (data/store/postgres.hpp), so that the code above them is written once. sqlite3.h and
// libpq-fe.h stay out of every other header.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace crimemap::data {

/// Any failure of the store, whichever engine holds it.
class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Any failure reported by SQLite; what() carries SQLite's message and the SQL involved.
class sqlite_error : public store_error {
public:
    using store_error::store_error;
};

namespace pg {
class Connection;
class Statement;
}  // namespace pg

/// One connection. Not thread-safe: use one connection per thread.
class Database {
public:
    enum class mode { read_only, read_write, create };
    enum class engine { sqlite, postgresql };

    /// Opens (or with mode::create, creates) the file. Throws sqlite_error.
    Database(const std::string& path, mode open_mode);
    /// Connects to a PostgreSQL database by its libpq URI. Throws pg::error (pg::unavailable
    /// when the server cannot be reached).
    static Database postgresql(const std::string& uri);
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    [[nodiscard]] engine kind() const { return pg_ ? engine::postgresql : engine::sqlite; }
    [[nodiscard]] bool is_postgresql() const { return pg_ != nullptr; }
    /// The PostgreSQL connection; only for a store in PostgreSQL.
    [[nodiscard]] pg::Connection& postgresql_connection() const { return *pg_; }
    /// True inside BEGIN ... COMMIT.
    [[nodiscard]] bool in_transaction() const;

    void exec(std::string_view sql);
    /// SQLite's rowid of the last insert; in PostgreSQL the value the last identity or
    /// sequence gave on this connection (lastval()), 0 when none has.
    [[nodiscard]] std::int64_t last_insert_rowid() const;
    /// Rows the last statement changed.
    [[nodiscard]] std::int64_t changes() const;
    /// Runs a query whose first column of its first row is an integer; `fallback` when no row or NULL.
    [[nodiscard]] std::int64_t query_int(std::string_view sql, std::int64_t fallback = 0);
    /// Loads mod_spatialite into this connection. Throws sqlite_error when it is not installed.
    /// Nothing to do in PostgreSQL, where geometry is kept as WKB.
    void load_spatialite();
    /// Makes a statement running on this connection (on another thread) stop with an error.
    void interrupt() noexcept;
    /// Copies the whole database, as of one moment, to `destination` with SQLite's online backup
    /// API: written to a temporary file beside it and renamed, so `destination` is never half
    /// written. Writers elsewhere are not blocked. Throws sqlite_error or std::runtime_error;
    /// a store in PostgreSQL is backed up with pg_dump, which the error says how to run.
    void backup_to(const std::string& destination);

    /// The SQLite connection; null for a store in PostgreSQL.
    [[nodiscard]] sqlite3* handle() const { return db_.get(); }
    /// The file, or the URI as it may be shown (no password).
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    Database() = default;
    struct closer {
        void operator()(sqlite3* db) const noexcept;
    };
    std::unique_ptr<sqlite3, closer> db_;
    std::unique_ptr<pg::Connection> pg_;
    std::string path_;
};

/// A prepared statement. Binding indexes start at 1, column indexes at 0, as in SQLite. On a
/// store in PostgreSQL the SQL's `?` parameters are numbered for it; the SQL itself must be
/// what both engines take, or chosen by Database::kind().
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

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
    /// For a scan of a whole table: on PostgreSQL the rows come through a cursor a batch at a
    /// time instead of all at once in libpq's memory (pg::Statement::stream_rows); SQLite steps
    /// row by row anyway. Call before the first step().
    Statement& stream_rows();

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
    std::unique_ptr<pg::Statement> pg_;
    void check(int rc, const char* what) const;
};

/// The few SQL expressions the two engines write differently, chosen by Database::kind(), so
/// that the statements around them are written once. Each returns SQL text to put in a statement.
namespace sql {
/// The time now in UTC as ISO 8601 text, as the store keeps times: 2024-01-31T12:00:00Z.
[[nodiscard]] std::string utc_now(const Database& db);
/// A stored geometry column as well-known binary: SpatiaLite's AsBinary of its own blob; in
/// PostgreSQL the column holds the WKB itself.
[[nodiscard]] std::string wkb_of(const Database& db, std::string_view geometry);
/// Well-known binary (a parameter or expression) as a stored geometry in WGS84; with
/// `multipolygon`, SpatiaLite casts it to one (give multipolygon WKB: PostgreSQL keeps it as it is).
[[nodiscard]] std::string geometry_from_wkb(const Database& db, std::string_view wkb, bool multipolygon = false);
/// An expression's value as JSON text, 'null' for NULL (SQLite's json_quote). Give a parameter
/// a type (CAST(? AS TEXT), CAST(? AS BIGINT)) so that PostgreSQL knows which JSON it makes.
[[nodiscard]] std::string json_quote(const Database& db, std::string_view expression);
/// Bytes as upper-case hex digits (SQLite's hex).
[[nodiscard]] std::string hex(const Database& db, std::string_view expression);
/// A whole-number member of a JSON object held as text in `column` (NULL when absent).
[[nodiscard]] std::string json_integer(const Database& db, std::string_view column, std::string_view member);
/// The non-null values of `expression` joined with commas, ordered by `order`: SQLite joins them
/// in the order the rows come, so the rows must come ordered so (a sorted subquery).
[[nodiscard]] std::string comma_list(const Database& db, std::string_view expression, std::string_view order);
}  // namespace sql

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
