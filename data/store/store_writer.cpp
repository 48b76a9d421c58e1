#include "data/store/store_writer.hpp"

#include "data/store/store.hpp"

namespace crimemap::data {

void bound_for_requests(Database& db) {
    if (!db.is_postgresql()) return;
    db.exec("SET statement_timeout = '4s'");
    db.postgresql_connection().set_answer_timeout(std::chrono::milliseconds(4500));
}

store_writer::store_writer(const std::string& path, bool durable)
    : path_(path), db_(open_store_for_writing(path)), durable_(durable) {
    prepare();
}

void store_writer::prepare() {
    if (db_.is_postgresql()) {
        bound_for_requests(db_);
        if (!durable_) db_.exec("SET synchronous_commit = off");
        return;
    }
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA cache_size=-16384");  // small writes: 16 MiB will do
}

void store_writer::reconnect() {
    // Throws pg::unavailable while the server is away; the requests queued meanwhile are then
    // refused at once for a moment rather than each waiting out a connect timeout of its own.
    try {
        db_ = open_store_for_writing(path_);
    } catch (const pg::unavailable& error) {
        retry_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        why_ = error.what();
        throw;
    }
    broken_ = false;
    prepare();
}

}  // namespace crimemap::data
