#include "data/store/postgres.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

namespace crimemap::data::pg {

namespace {

std::string message_of(pg_conn* conn) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
}

[[noreturn]] void fail(pg_conn* conn, const PGresult* result, std::string_view context) {
    std::string message;
    std::string state;
    if (result) {
        message = PQresultErrorMessage(result);
        if (const char* code = PQresultErrorField(result, PG_DIAG_SQLSTATE)) state = code;
    }
    if (message.empty()) message = message_of(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    std::string what = message + " (in: " + std::string(context.substr(0, 160)) + ")";
    // Class 08 is a connection exception; a broken connection is one whatever the result said.
    if (PQstatus(conn) == CONNECTION_BAD || state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03")
        throw unavailable(what, state);
    throw error(what, state);
}

struct result_clearer {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using owned_result = std::unique_ptr<PGresult, result_clearer>;

owned_result checked(pg_conn* conn, PGresult* raw, std::string_view context) {
    owned_result result(raw);
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN)
        fail(conn, result.get(), context);
    return result;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool is_uri(std::string_view db) { return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0; }

namespace {

// The URI with its password (in the user part or as a password= parameter) replaced by
// `mask`, or with no password at all when `mask` is empty.
std::string masked(std::string_view uri, std::string_view mask) {
    std::string shown(uri);
    const auto scheme = shown.find("://");
    if (scheme != std::string::npos) {
        const auto start = scheme + 3;
        const auto authority_end = shown.find_first_of("/?", start);
        const auto at = shown.rfind('@', authority_end == std::string::npos ? shown.size() : authority_end);
        if (at != std::string::npos && at >= start) {
            const auto colon = shown.find(':', start);
            if (colon != std::string::npos && colon < at) {
                if (mask.empty()) {
                    shown.erase(colon, at - colon);
                } else {
                    shown.replace(colon + 1, at - colon - 1, mask);
                }
            }
        }
    }
    for (auto from = shown.find('?'); from != std::string::npos;) {
        const auto key = shown.find("password=", from);
        if (key == std::string::npos) break;
        if (shown[key - 1] != '?' && shown[key - 1] != '&') {
            from = key + 1;
            continue;
        }
        const auto value = key + 9;
        auto end = shown.find('&', value);
        if (end == std::string::npos) end = shown.size();
        if (mask.empty()) {
            // the parameter and one '&' beside it; a lone one leaves no '?' behind
            const bool last = end == shown.size();
            const auto cut_from = last ? key - 1 : key;
            shown.erase(cut_from, (last ? end : end + 1) - cut_from);
            from = cut_from;
        } else {
            shown.replace(value, end - value, mask);
            from = value;
        }
    }
    return shown;
}

}  // namespace

std::string displayed(std::string_view uri) { return masked(uri, "***"); }
std::string without_password(std::string_view uri) { return masked(uri, {}); }

std::string numbered_parameters(std::string_view sql, int& count) {
    std::string out;
    out.reserve(sql.size() + 16);
    count = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {  // a literal or a quoted identifier; a doubled quote stays inside
            std::size_t j = i + 1;
            for (; j < sql.size(); ++j) {
                if (sql[j] == c) {
                    if (j + 1 < sql.size() && sql[j + 1] == c) {
                        ++j;
                        continue;
                    }
                    break;
                }
            }
            out.append(sql.substr(i, j + 1 - i));
            i = j;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto end = sql.find('\n', i);
            const auto stop = end == std::string_view::npos ? sql.size() : end;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            const auto end = sql.find("*/", i + 2);
            const auto stop = end == std::string_view::npos ? sql.size() : end + 2;
            out.append(sql.substr(i, stop - i));
            i = stop - 1;
        } else if (c == '?') {
            // ?NNN keeps its number; a bare ? is one more than the largest so far, as in SQLite.
            std::size_t j = i + 1;
            while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
            int number = count + 1;
            if (j > i + 1) std::from_chars(sql.data() + i + 1, sql.data() + j, number);
            count = std::max(count, number);
            out += '$';
            out += std::to_string(number);
            i = j - 1;
        } else {
            out += c;
        }
    }
    return out;
}

void Connection::closer::operator()(pg_conn* conn) const noexcept { PQfinish(conn); }

namespace {
std::atomic<int> connect_seconds{5};
}  // namespace

void set_connect_timeout(int seconds) { connect_seconds = seconds; }

Connection::Connection(const std::string& uri) : uri_(displayed(uri)), bare_uri_(without_password(uri)) {
    // Earlier keywords are defaults: the URI's own connect_timeout or application_name win.
    // Every text crimemap sends is UTF-8 (COPY's binary rows too, which name no encoding).
    const auto timeout = std::to_string(connect_seconds.load());
    const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
    const char* values[] = {timeout.c_str(), "crimemap", "UTF8", uri.c_str(), nullptr};
    conn_.reset(PQconnectdbParams(keywords, values, 1));
    if (!conn_) throw unavailable("cannot connect to " + uri_ + ": out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        std::string message = message_of(conn_.get());
        // A refused password or an unknown database is not something a retry mends.
        const bool refused = message.find("password authentication failed") != std::string::npos ||
                             message.find("does not exist") != std::string::npos ||
                             message.find("no password supplied") != std::string::npos;
        if (refused) throw error("cannot connect to " + uri_ + ": " + message);
        throw unavailable("cannot connect to " + uri_ + ": " + message);
    }
    exec("SET client_min_messages = warning");
}

void Connection::exec(std::string_view sql) {
    auto result = checked(conn_.get(), run(sql), sql);
    note_changes(result.get());
}

PGresult* Connection::run(std::string_view sql) {
    std::string text(sql);
    if (answer_timeout_.count() == 0) return PQexec(conn_.get(), text.c_str());
    return await(PQsendQuery(conn_.get(), text.c_str()));
}

PGresult* Connection::prepare(const char* name, const std::string& sql, int parameters) {
    if (answer_timeout_.count() == 0) return PQprepare(conn_.get(), name, sql.c_str(), parameters, nullptr);
    return await(PQsendPrepare(conn_.get(), name, sql.c_str(), parameters, nullptr));
}

PGresult* Connection::run_prepared(const char* name, int count, const char* const* values, const int* lengths,
                                   const int* formats) {
    if (answer_timeout_.count() == 0) return PQexecPrepared(conn_.get(), name, count, values, lengths, formats, 0);
    return await(PQsendQueryPrepared(conn_.get(), name, count, values, lengths, formats, 0));
}

// What PQexec would return for a command just sent (`sent`: what PQsend* returned): the first
// failure, else the last result; a COPY's start as it comes. Waits for the server at most the
// answer timeout at a time; past it the connection is shut, so libpq marks it broken and
// every later command on it fails at once (its owner connects anew).
PGresult* Connection::await(int sent) {
    pg_conn* conn = conn_.get();
    if (sent != 1) return nullptr;  // checked() reports libpq's message
    owned_result kept;
    for (;;) {
        while (PQisBusy(conn)) {
            pollfd fd{PQsocket(conn), POLLIN, 0};
            const int ready = fd.fd < 0 ? -1 : ::poll(&fd, 1, static_cast<int>(answer_timeout_.count()));
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0) {
                ::shutdown(fd.fd, SHUT_RDWR);
                PQconsumeInput(conn);
                char seconds[32];
                std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(answer_timeout_.count()) / 1000);
                throw unavailable(uri_ + " sent nothing for " + seconds + " s: connection dropped", "08006");
            }
            if (ready < 0 || PQconsumeInput(conn) == 0) return nullptr;
        }
        PGresult* raw = PQgetResult(conn);
        if (!raw) return kept.release();
        const auto status = PQresultStatus(raw);
        if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) return raw;
        if (kept && PQresultStatus(kept.get()) == PGRES_FATAL_ERROR)
            PQclear(raw);
        else
            kept.reset(raw);
    }
}

void Connection::note_changes(const pg_result* result) {
    const char* tuples = PQcmdTuples(const_cast<PGresult*>(result));
    changes_ = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), changes_);
}

bool Connection::in_transaction() const { return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE; }

void Connection::cancel() noexcept {
    if (PGcancel* handle = PQgetCancel(conn_.get())) {
        char message[256];
        PQcancel(handle, message, sizeof message);
        PQfreeCancel(handle);
    }
}

std::int64_t Connection::query_int(std::string_view sql, std::int64_t fallback) {
    Statement statement(*this, sql);
    if (!statement.step() || statement.is_null(0)) return fallback;
    return statement.column_int(0);
}

bool Connection::broken() const { return PQstatus(conn_.get()) != CONNECTION_OK; }

bool Connection::alive() {
    // An idle connection has nothing to read unless the server wrote (a notice, its last error
    // before closing) or closed it: read while there is something, until the end is seen.
    for (int reads = 0; reads < 8 && !broken(); ++reads) {
        pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
        if (fd.fd < 0 || ::poll(&fd, 1, 0) <= 0) break;
        if (PQconsumeInput(conn_.get()) == 0) break;
    }
    return !broken();
}

void Connection::each_binary_value(std::string_view sql, const std::vector<std::string>& parameters,
                                   const std::function<void(std::string_view)>& each) {
    const std::string text(sql);
    std::vector<const char*> values;
    for (const auto& p : parameters) values.push_back(p.c_str());
    if (PQsendQueryParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 1) != 1)
        fail(conn_.get(), nullptr, sql);
    PQsetSingleRowMode(conn_.get());
    // Every result is read, whatever happens, so that the connection is ready for the next query.
    owned_result failure;
    std::exception_ptr thrown;
    while (PGresult* raw = PQgetResult(conn_.get())) {
        owned_result result(raw);
        const auto status = PQresultStatus(raw);
        if (status == PGRES_SINGLE_TUPLE) {
            if (thrown || failure) continue;
            try {
                each({PQgetvalue(raw, 0, 0), static_cast<std::size_t>(PQgetlength(raw, 0, 0))});
            } catch (...) {
                thrown = std::current_exception();
                cancel();
            }
        } else if (status != PGRES_TUPLES_OK && !failure && !thrown) {
            failure = std::move(result);
        }
    }
    if (thrown) std::rethrow_exception(thrown);
    if (failure) fail(conn_.get(), failure.get(), sql);
    if (PQstatus(conn_.get()) == CONNECTION_BAD) fail(conn_.get(), nullptr, sql);
}

void Connection::listen(std::string_view channel) {
    char* quoted = PQescapeIdentifier(conn_.get(), channel.data(), channel.size());
    if (!quoted) fail(conn_.get(), nullptr, "LISTEN");
    std::string sql = std::string("LISTEN ") + quoted;
    PQfreemem(quoted);
    exec(sql);
}

std::optional<notification> Connection::wait_for_notification(std::chrono::milliseconds timeout) {
    auto take = [this]() -> std::optional<notification> {
        if (PGnotify* raw = PQnotifies(conn_.get())) {
            notification n{raw->relname, raw->extra ? raw->extra : ""};
            PQfreemem(raw);
            return n;
        }
        return std::nullopt;
    };
    if (auto n = take()) return n;
    pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
    if (fd.fd < 0) throw unavailable("connection to " + uri_ + " is closed");
    const int ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
    if (ready > 0 && PQconsumeInput(conn_.get()) == 0) fail(conn_.get(), nullptr, "waiting for a notification");
    return take();
}

Connection::copy_in::copy_in(Connection& connection, std::string_view copy_sql) : connection_(connection) {
    auto result = checked(connection_.handle(), connection_.run(copy_sql), copy_sql);
    if (PQresultStatus(result.get()) != PGRES_COPY_IN) {
        open_ = false;
        throw error("not a COPY ... FROM STDIN: " + std::string(copy_sql));
    }
}

Connection::copy_in::~copy_in() {
    if (!open_) return;
    PQputCopyEnd(connection_.handle(), "abandoned");
    while (PGresult* result = PQgetResult(connection_.handle())) PQclear(result);
}

void Connection::copy_in::write(std::string_view bytes) {
    if (PQputCopyData(connection_.handle(), bytes.data(), static_cast<int>(bytes.size())) != 1)
        fail(connection_.handle(), nullptr, "COPY data");
}

std::int64_t Connection::copy_in::finish() {
    open_ = false;
    if (PQputCopyEnd(connection_.handle(), nullptr) != 1) fail(connection_.handle(), nullptr, "end of COPY");
    owned_result last;
    while (PGresult* raw = PQgetResult(connection_.handle())) {
        owned_result result(raw);
        if (PQresultStatus(raw) != PGRES_COMMAND_OK) fail(connection_.handle(), raw, "COPY");
        last = std::move(result);
    }
    std::int64_t rows = 0;
    if (last) {
        const char* tuples = PQcmdTuples(last.get());
        std::from_chars(tuples, tuples + std::strlen(tuples), rows);
    }
    return rows;
}

void Statement::clearer::operator()(pg_result* result) const noexcept { PQclear(result); }

Statement::Statement(Connection& connection, std::string_view sql) : connection_(connection) {
    int count = 0;
    sql_ = numbered_parameters(sql, count);
    parameters_.resize(static_cast<std::size_t>(count));
    name_ = "s" + std::to_string(++connection_.next_statement_);
    checked(connection_.handle(), connection_.prepare(name_.c_str(), sql_, count), sql_);
}

Statement::~Statement() {
    close_cursor(false);
    if (connection_.broken()) return;
    try {
        PQclear(connection_.run("DEALLOCATE " + name_));
    } catch (const unavailable&) {  // the connection is dropped, and the statement with it
    }
}

Statement::parameter& Statement::at(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > parameters_.size())
        throw error("parameter " + std::to_string(index) + " out of range (in: " + sql_.substr(0, 160) + ")");
    result_.reset();
    close_cursor(true);
    row_ = -1;
    return parameters_[static_cast<std::size_t>(index - 1)];
}

Statement& Statement::bind(int index, std::int64_t value) {
    auto& p = at(index);
    p.value = std::to_string(value);
    p.null = p.binary = false;
    return *this;
}

Statement& Statement::bind(int index, double value) {
    auto& p = at(index);
    char text[32];
    auto [end, ec] = std::to_chars(text, text + sizeof text, value);  // shortest text that reads back the same
    (void)ec;
    p.value.assign(text, end);
    p.null = p.binary = false;
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    auto& p = at(index);
    p.value.assign(value);
    p.null = p.binary = false;
    return *this;
}

Statement& Statement::bind_blob(int index, const void* bytes, std::size_t size) {
    auto& p = at(index);
    p.value.assign(static_cast<const char*>(bytes), size);
    p.null = false;
    p.binary = true;
    return *this;
}

Statement& Statement::bind_null(int index) {
    auto& p = at(index);
    p.value.clear();
    p.null = true;
    p.binary = false;
    return *this;
}

void Statement::stream_rows(int batch_rows) { batch_rows_ = std::max(batch_rows, 1); }

void Statement::execute() {
    close_cursor(true);
    std::vector<const char*> values(parameters_.size());
    std::vector<int> lengths(parameters_.size()), formats(parameters_.size());
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        values[i] = parameters_[i].null ? nullptr : parameters_[i].value.data();
        lengths[i] = static_cast<int>(parameters_[i].value.size());
        formats[i] = parameters_[i].binary ? 1 : 0;
    }
    if (batch_rows_ > 0) {
        // A cursor lives in a transaction: the caller's, or one of the statement's own. Its plan
        // is made for its first rows by default (cursor_tuple_fraction 0.1); these scans read
        // every row, as the same query without a cursor is planned to (for this transaction only).
        if (!connection_.in_transaction()) {
            connection_.exec("BEGIN");
            own_transaction_ = true;
        }
        connection_.exec("SET LOCAL cursor_tuple_fraction = 1");
        const std::string declare = "DECLARE " + name_ + "_rows NO SCROLL CURSOR FOR " + sql_;
        try {
            checked(connection_.handle(),
                    PQexecParams(connection_.handle(), declare.c_str(), static_cast<int>(parameters_.size()), nullptr,
                                 values.data(), lengths.data(), formats.data(), 0),
                    declare);
        } catch (...) {
            if (own_transaction_ && !connection_.broken()) PQclear(PQexec(connection_.handle(), "ROLLBACK"));
            own_transaction_ = false;
            throw;
        }
        cursor_open_ = true;
        fetch_batch();
        return;
    }
    result_.reset(checked(connection_.handle(),
                          connection_.run_prepared(name_.c_str(), static_cast<int>(parameters_.size()), values.data(),
                                                   lengths.data(), formats.data()),
                          sql_)
                      .release());
    rows_ = PQntuples(result_.get());
    row_ = -1;
    connection_.note_changes(result_.get());
}

void Statement::fetch_batch() {
    const std::string fetch = "FETCH FORWARD " + std::to_string(batch_rows_) + " FROM " + name_ + "_rows";
    result_.reset(checked(connection_.handle(), PQexec(connection_.handle(), fetch.c_str()), fetch).release());
    rows_ = PQntuples(result_.get());
    row_ = -1;
    if (rows_ < batch_rows_) close_cursor(true);  // the last batch: its rows stay in result_
}

void Statement::close_cursor(bool may_throw) {
    if (!cursor_open_) return;
    cursor_open_ = false;
    const bool commit = std::exchange(own_transaction_, false);
    if (connection_.broken()) return;
    // The end of the statement's own transaction closes the cursor (and ends a failed one).
    const std::string close = commit ? "COMMIT" : "CLOSE " + name_ + "_rows";
    if (!may_throw) {
        PQclear(PQexec(connection_.handle(), close.c_str()));
        return;
    }
    checked(connection_.handle(), PQexec(connection_.handle(), close.c_str()), close);
}

bool Statement::step() {
    if (!result_) execute();
    // One string a column, made before any view of them is handed out, so none moves.
    decoded_.assign(static_cast<std::size_t>(PQnfields(result_.get())), std::string());
    if (row_ + 1 >= rows_ && cursor_open_) fetch_batch();
    if (row_ + 1 >= rows_) {
        row_ = rows_;
        return false;
    }
    ++row_;
    return true;
}

void Statement::run() {
    execute();
    row_ = -1;
}

void Statement::reset() {
    result_.reset();
    close_cursor(true);
    row_ = -1;
    rows_ = 0;
}

std::int64_t Statement::changes() const {
    if (!result_) return 0;
    const char* tuples = PQcmdTuples(result_.get());
    std::int64_t n = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), n);
    return n;
}

bool Statement::is_null(int column) const { return PQgetisnull(result_.get(), row_, column) == 1; }

bool Statement::is_bytes(int column) const {
    constexpr Oid bytea_oid = 17;  // pg_type.oid of bytea, fixed in every PostgreSQL
    return result_ && PQftype(result_.get(), column) == bytea_oid && !is_null(column);
}

std::int64_t Statement::column_int(int column) const {
    auto text = column_text(column);
    std::int64_t value = 0;
    if (text == "t") return 1;  // booleans read as SQLite's 0 and 1
    if (text == "f") return 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

double Statement::column_double(int column) const {
    auto text = column_text(column);
    double value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::string_view Statement::column_text(int column) const {
    if (!result_ || row_ < 0 || row_ >= rows_) return {};
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
}

std::string_view Statement::column_blob(int column) const {
    auto text = column_text(column);
    // bytea in text form is \x followed by two hex digits a byte
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return text;
    auto& bytes = decoded_.at(static_cast<std::size_t>(column));
    bytes.clear();
    for (std::size_t i = 2; i + 1 < text.size(); i += 2)
        bytes += static_cast<char>(hex_value(text[i]) * 16 + hex_value(text[i + 1]));
    return bytes;
}


}  // namespace crimemap::data::pg
