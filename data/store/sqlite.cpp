#include "data/store/sqlite.hpp"

#include "data/store/postgres.hpp"

#include <filesystem>

#include <sqlite3.h>

namespace crimemap::data {

namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view context) {
    throw sqlite_error(std::string(context) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

void Database::closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Database Database::postgresql(const std::string& uri) {
    Database db;
    db.pg_ = std::make_unique<pg::Connection>(uri);
    db.path_ = db.pg_->uri();
    return db;
}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

bool Database::in_transaction() const { return pg_ ? pg_->in_transaction() : sqlite3_get_autocommit(db_.get()) == 0; }

Database::Database(const std::string& path, mode open_mode) : path_(path) {
    // SQLite's memory statistics take a process-wide mutex on every allocation and nothing
    // here reads them. Only possible before SQLite initialises; otherwise a no-op.
    static const int memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)memory_statistics_off;
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (open_mode) {
    case mode::read_only: flags |= SQLITE_OPEN_READONLY; break;
    case mode::read_write: flags |= SQLITE_OPEN_READWRITE; break;
    case mode::create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) fail(raw, "cannot open store " + path);
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
}

void Database::exec(std::string_view sql) {
    if (pg_) return pg_->exec(sql);
    std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string reason = message ? message : "unknown error";
        sqlite3_free(message);
        throw sqlite_error(reason + " (in: " + text.substr(0, 120) + ")");
    }
}

std::int64_t Database::last_insert_rowid() const {
    if (pg_) {
        // lastval() is an error until a sequence has given a value on this connection.
        if (!pg_->in_transaction()) return pg_->query_int("SELECT lastval()");
        pg_->exec("SAVEPOINT last_insert_rowid");
        try {
            auto id = pg_->query_int("SELECT lastval()");
            pg_->exec("RELEASE SAVEPOINT last_insert_rowid");
            return id;
        } catch (const pg::unavailable&) {
            throw;
        } catch (const pg::error&) {
            pg_->exec("ROLLBACK TO SAVEPOINT last_insert_rowid; RELEASE SAVEPOINT last_insert_rowid");
            return 0;
        }
    }
    return sqlite3_last_insert_rowid(db_.get());
}
std::int64_t Database::changes() const { return pg_ ? pg_->changes() : sqlite3_changes64(db_.get()); }

std::int64_t Database::query_int(std::string_view sql, std::int64_t fallback) {
    Statement stmt(*this, sql);
    if (!stmt.step() || stmt.is_null(0)) return fallback;
    return stmt.column_int(0);
}

void Database::interrupt() noexcept {
    if (pg_) {
        pg_->cancel();
    } else {
        sqlite3_interrupt(db_.get());
    }
}

void Database::backup_to(const std::string& destination) {
    if (pg_)
        throw store_error("a store in PostgreSQL is backed up with PostgreSQL's own tools, for example: pg_dump "
                          "--format=custom --file='" + destination + "' '" + pg_->uri_without_password() +
                          "' (the password from PGPASSWORD or ~/.pgpass; restored with pg_restore); streaming "
                          "replication keeps a standby");
    const std::string temporary = destination + ".partial";
    std::filesystem::remove(temporary);
    {
        Database copy(temporary, mode::create);
        sqlite3_backup* backup = sqlite3_backup_init(copy.handle(), "main", db_.get(), "main");
        if (!backup) throw sqlite_error(temporary + ": cannot start the backup: " + sqlite3_errmsg(copy.handle()));
        int rc = sqlite3_backup_step(backup, -1);  // every page, as of one read transaction
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) throw sqlite_error(path_ + ": backup failed: " + sqlite3_errstr(rc));
        // One file, whatever opens it next (a read-only check would leave -wal and -shm files
        // beside a WAL copy); the store's own connections turn WAL on again when they open it.
        copy.exec("PRAGMA journal_mode=DELETE");
    }
    std::filesystem::remove(temporary + "-wal");
    std::filesystem::remove(temporary + "-shm");
    std::filesystem::rename(temporary, destination);
}

void Database::load_spatialite() {
    if (pg_) return;
    sqlite3_enable_load_extension(db_.get(), 1);
    char* message = nullptr;
    int rc = sqlite3_load_extension(db_.get(), "mod_spatialite", nullptr, &message);
    sqlite3_enable_load_extension(db_.get(), 0);
    if (rc != SQLITE_OK) {
        std::string reason = message ? message : "unknown error";
        sqlite3_free(message);
        throw sqlite_error("cannot load mod_spatialite (install libsqlite3-mod-spatialite): " + reason);
    }
}

void Statement::finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
    if (db.is_postgresql()) {
        pg_ = std::make_unique<pg::Statement>(db.postgresql_connection(), sql);
        return;
    }
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &raw, nullptr) != SQLITE_OK)
        fail(db.handle(), "cannot prepare '" + std::string(sql.substr(0, 120)) + "'");
    stmt_.reset(raw);
}

Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

void Statement::check(int rc, const char* what) const {
    if (rc != SQLITE_OK) fail(db_->handle(), std::string(what) + " in '" + sqlite3_sql(stmt_.get()) + "'");
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (pg_) return pg_->bind(index, value), *this;
    check(sqlite3_bind_int64(stmt_.get(), index, value), "bind");
    return *this;
}
Statement& Statement::bind(int index, double value) {
    if (pg_) return pg_->bind(index, value), *this;
    check(sqlite3_bind_double(stmt_.get(), index, value), "bind");
    return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
    if (pg_) return pg_->bind(index, value), *this;
    check(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
          "bind");
    return *this;
}
Statement& Statement::bind_static(int index, std::string_view value) {
    if (pg_) return pg_->bind(index, value), *this;
    check(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8), "bind");
    return *this;
}
Statement& Statement::bind_blob(int index, const void* bytes, std::size_t size) {
    if (pg_) return pg_->bind_blob(index, bytes, size), *this;
    check(sqlite3_bind_blob64(stmt_.get(), index, bytes, size, SQLITE_TRANSIENT), "bind");
    return *this;
}
Statement& Statement::bind_blob_static(int index, const void* bytes, std::size_t size) {
    if (pg_) return pg_->bind_blob(index, bytes, size), *this;
    check(sqlite3_bind_blob64(stmt_.get(), index, bytes, size, SQLITE_STATIC), "bind");
    return *this;
}
Statement& Statement::bind_null(int index) {
    if (pg_) return pg_->bind_null(index), *this;
    check(sqlite3_bind_null(stmt_.get(), index), "bind");
    return *this;
}

bool Statement::step() {
    if (pg_) return pg_->step();
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_->handle(), std::string("step '") + sqlite3_sql(stmt_.get()) + "'");
}

void Statement::run() {
    if (pg_) return pg_->run();
    step();
    reset();
}

void Statement::reset() {
    if (pg_) return pg_->reset();
    sqlite3_reset(stmt_.get());
}

Statement& Statement::stream_rows() {
    if (pg_) pg_->stream_rows();
    return *this;
}

bool Statement::is_null(int column) const {
    if (pg_) return pg_->is_null(column);
    return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}
bool Statement::is_blob(int column) const {
    if (pg_) return pg_->is_bytes(column);
    return sqlite3_column_type(stmt_.get(), column) == SQLITE_BLOB;
}
std::int64_t Statement::column_int(int column) const {
    if (pg_) return pg_->column_int(column);
    return sqlite3_column_int64(stmt_.get(), column);
}
double Statement::column_double(int column) const {
    if (pg_) return pg_->column_double(column);
    return sqlite3_column_double(stmt_.get(), column);
}
std::string_view Statement::column_text(int column) const {
    if (pg_) return pg_->column_text(column);
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)))
                : std::string_view();
}
std::string_view Statement::column_blob(int column) const {
    if (pg_) return pg_->column_blob(column);
    auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_.get(), column));
    return bytes ? std::string_view(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)))
                 : std::string_view();
}

namespace sql {

std::string utc_now(const Database& db) {
    if (db.is_postgresql()) return R"(to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))";
    return "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
}

std::string wkb_of(const Database& db, std::string_view geometry) {
    if (db.is_postgresql()) return std::string(geometry);
    return "AsBinary(" + std::string(geometry) + ")";
}

std::string geometry_from_wkb(const Database& db, std::string_view wkb, bool multipolygon) {
    if (db.is_postgresql()) return std::string(wkb);
    std::string geometry = "GeomFromWKB(" + std::string(wkb) + ", 4326)";
    return multipolygon ? "CastToMultiPolygon(" + geometry + ")" : geometry;
}

std::string json_quote(const Database& db, std::string_view expression) {
    if (db.is_postgresql()) return "coalesce(to_json(" + std::string(expression) + ")::text, 'null')";
    return "json_quote(" + std::string(expression) + ")";
}

std::string hex(const Database& db, std::string_view expression) {
    if (db.is_postgresql()) return "upper(encode(" + std::string(expression) + ", 'hex'))";
    return "hex(" + std::string(expression) + ")";
}

std::string json_integer(const Database& db, std::string_view column, std::string_view member) {
    if (db.is_postgresql()) return "CAST(CAST(" + std::string(column) + " AS json)->>'" + std::string(member) + "' AS bigint)";
    return "json_extract(" + std::string(column) + ", '$." + std::string(member) + "')";
}

std::string comma_list(const Database& db, std::string_view expression, std::string_view order) {
    if (db.is_postgresql()) return "string_agg(" + std::string(expression) + ", ',' ORDER BY " + std::string(order) + ")";
    return "group_concat(" + std::string(expression) + ", ',')";
}

}  // namespace sql

// Inside another transaction a Transaction is a savepoint: its work commits or rolls back
// with the outer one (a mail queued with the account change that caused it).
Transaction::Transaction(Database& db) : db_(db), nested_(db.in_transaction()) {
    db_.exec(nested_ ? "SAVEPOINT nested" : db.is_postgresql() ? "BEGIN" : "BEGIN IMMEDIATE");
}
Transaction::~Transaction() {
    if (open_) {
        try {
            db_.exec(nested_ ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
        } catch (...) {  // a failed rollback leaves SQLite to roll back on close
        }
    }
}
void Transaction::commit() {
    db_.exec(nested_ ? "RELEASE nested" : "COMMIT");
    open_ = false;
}

}  // namespace crimemap::data
