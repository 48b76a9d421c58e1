#pragma once
// RAII wrappers for libpq, PostgreSQL's C client: one connection, prepared statements with `?`
// parameters stepped row by row, COPY ... FROM STDIN and LISTEN/NOTIFY. data::Database and
// data::Statement (data/store/sqlite.hpp) use them for a store in PostgreSQL. libpq-fe.h
// stays out of every other header.

#include "data/store/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace crimemap::data::pg {

/// Any failure PostgreSQL or libpq reports; what() carries the message, the SQL involved and,
/// from the server, the SQLSTATE (sqlstate()).
class error : public store_error {
public:
    explicit error(const std::string& what, std::string sqlstate = {})
        : store_error(what), sqlstate_(std::move(sqlstate)) {}
    [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// The server cannot be reached or the connection broke: a caller may answer 503 and retry.
class unavailable : public error {
public:
    using error::error;
};

/// Whether a --db value names a PostgreSQL database (a libpq URI) rather than a SQLite file.
[[nodiscard]] bool is_uri(std::string_view db);

/// The URI as it may be shown and logged: any password in it replaced by "***".
[[nodiscard]] std::string displayed(std::string_view uri);
/// The URI with no password in it, for a command a user may copy (pg_dump takes the password
/// from PGPASSWORD or ~/.pgpass, as crimemap does).
[[nodiscard]] std::string without_password(std::string_view uri);

/// The connect timeout of the connections made from now on whose URI gives none: 5 seconds
/// unless set (libpq takes 2 at least). The server, whose requests wait on its connections,
/// sets 2.
void set_connect_timeout(int seconds);

struct notification {
    std::string channel;
    std::string payload;
};

/// One connection. Not thread-safe: use one connection per thread.
class Connection {
public:
    /// Connects with a libpq URI (postgresql://user@host:port/db?...); passwords as libpq takes
    /// them (the URI, PGPASSWORD, ~/.pgpass). Without connect_timeout in the URI, that of
    /// set_connect_timeout(). Throws unavailable when the server cannot be reached, error
    /// when it refuses.
    explicit Connection(const std::string& uri);

    void exec(std::string_view sql);
    /// First column of the first row as an integer; `fallback` when no row or NULL.
    [[nodiscard]] std::int64_t query_int(std::string_view sql, std::int64_t fallback = 0);

    /// COPY `copy_sql` (a COPY ... FROM STDIN) with the given data, sent in pieces of whatever
    /// size the caller gathers; ends the COPY and returns the rows it took.
    class copy_in {
    public:
        copy_in(Connection& connection, std::string_view copy_sql);
        copy_in(const copy_in&) = delete;
        copy_in& operator=(const copy_in&) = delete;
        /// Ends an unfinished COPY with an error, so its rows are not kept.
        ~copy_in();
        void write(std::string_view bytes);
        std::int64_t finish();

    private:
        Connection& connection_;
        bool open_ = true;
    };

    /// Runs `sql` (with text `parameters` as $1, $2 ...) and hands each row's first column to
    /// `each` as binary bytes (a bytea's own bytes, not hex text), one row in memory at a time
    /// (libpq's single-row mode): for results too large to hold whole, such as the index file's
    /// chunks. Nothing else may run on the connection meanwhile. If `each` throws, the query is
    /// cancelled and the exception passed on.
    void each_binary_value(std::string_view sql, const std::vector<std::string>& parameters,
                           const std::function<void(std::string_view)>& each);

    void listen(std::string_view channel);
    /// Waits up to `timeout` for a notification on a channel listened to.
    std::optional<notification> wait_for_notification(std::chrono::milliseconds timeout);

    [[nodiscard]] bool broken() const;
    /// Reads what the server sent meanwhile, without a round trip: false when it has closed the
    /// connection (restarted, or stopped) or the connection broke before.
    [[nodiscard]] bool alive();
    /// True inside BEGIN ... COMMIT (also when a statement in it failed).
    [[nodiscard]] bool in_transaction() const;
    /// Rows the last statement run on this connection changed.
    [[nodiscard]] std::int64_t changes() const { return changes_; }
    /// From now on, a command whose answer does not progress for `timeout` (nothing arrives: a
    /// server that hangs, a network that drops every packet) drops the connection and throws
    /// unavailable, rather than waiting as long as TCP does. Zero, the default, waits.
    void set_answer_timeout(std::chrono::milliseconds timeout) { answer_timeout_ = timeout; }
    /// Asks the server to cancel what this connection runs; callable from another thread.
    void cancel() noexcept;
    [[nodiscard]] pg_conn* handle() const { return conn_.get(); }
    [[nodiscard]] const std::string& uri() const { return uri_; }
    /// The URI without its password (without_password()).
    [[nodiscard]] const std::string& uri_without_password() const { return bare_uri_; }

private:
    friend class Statement;
    struct closer {
        void operator()(pg_conn* conn) const noexcept;
    };
    std::unique_ptr<pg_conn, closer> conn_;
    std::string uri_;  // as displayed()
    std::string bare_uri_;
    int next_statement_ = 0;
    std::int64_t changes_ = 0;
    std::chrono::milliseconds answer_timeout_{0};
    void note_changes(const pg_result* result);
    // One command's result, as libpq's blocking call gives it (PQexec, PQprepare,
    // PQexecPrepared), within the answer timeout when one is set.
    pg_result* run(std::string_view sql);
    pg_result* prepare(const char* name, const std::string& sql, int parameters);
    pg_result* run_prepared(const char* name, int count, const char* const* values, const int* lengths,
                            const int* formats);
    pg_result* await(int sent);
};

/// A prepared statement: `?` parameters (numbered in order, as in SQLite; outside quotes) become
/// $1, $2 ... Binding indexes start at 1, column indexes at 0. The statement runs at the first
/// step() after binding; its rows are then stepped through one by one. By default libpq holds
/// every row of the result at once; stream_rows() bounds that for scans of whole tables.
class Statement {
public:
    Statement(Connection& connection, std::string_view sql);
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    /// Sent as binary (for bytea).
    Statement& bind_blob(int index, const void* bytes, std::size_t size);
    Statement& bind_null(int index);

    /// True while a row is available; false when done. Throws error (unavailable if the connection broke).
    bool step();
    /// Steps a statement that returns no rows, then resets it (bindings are kept).
    void run();
    /// Makes the statement ready to run again; bindings are kept until rebound.
    void reset();
    /// From the next run on, reads the rows through a cursor, `batch_rows` at a time (FETCH
    /// FORWARD), so that memory is bounded by one batch however many rows the query gives.
    /// Outside a transaction the statement opens one of its own for the cursor's life (until
    /// the last row, reset() or destruction). Other statements may run on the connection
    /// between steps. For SELECTs only.
    void stream_rows(int batch_rows = 10000);
    /// Rows the last run changed (INSERT, UPDATE, DELETE).
    [[nodiscard]] std::int64_t changes() const;

    [[nodiscard]] bool is_null(int column) const;
    /// True for a bytea column.
    [[nodiscard]] bool is_bytes(int column) const;
    [[nodiscard]] std::int64_t column_int(int column) const;
    [[nodiscard]] double column_double(int column) const;
    /// Valid until the next step(), reset() or destruction.
    [[nodiscard]] std::string_view column_text(int column) const;
    /// A bytea column's bytes; valid as column_text.
    [[nodiscard]] std::string_view column_blob(int column) const;

    /// The SQL as sent to the server, with $n parameters.
    [[nodiscard]] const std::string& sql() const { return sql_; }

private:
    struct clearer {
        void operator()(pg_result* result) const noexcept;
    };
    struct parameter {
        std::string value;
        bool null = true;
        bool binary = false;
    };
    void execute();
    void fetch_batch();
    /// Closes an open cursor (and the transaction opened for it); noexcept for destructors,
    /// where a failure leaves the connection's own state to report it next time.
    void close_cursor(bool may_throw);
    parameter& at(int index);

    Connection& connection_;
    std::string name_;
    std::string sql_;
    std::vector<parameter> parameters_;
    std::unique_ptr<pg_result, clearer> result_;
    int row_ = -1;
    int rows_ = 0;
    int batch_rows_ = 0;         // > 0: rows are read through a cursor
    bool cursor_open_ = false;
    bool own_transaction_ = false;  // BEGIN was sent for the cursor
    mutable std::vector<std::string> decoded_;  // bytea columns of the current row, decoded
};

/// `sql` with each `?` outside quotes, identifiers and comments replaced by $1, $2, ...;
/// `count` receives the number of parameters.
[[nodiscard]] std::string numbered_parameters(std::string_view sql, int& count);

}  // namespace crimemap::data::pg
