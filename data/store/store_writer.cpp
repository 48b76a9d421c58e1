#include "data/store/store_writer.hpp"

#include "data/store/store.hpp"

namespace crimemap::data {

store_writer::store_writer(const std::string& path) : path_(path), db_(open_store_for_writing(path)) { prepare(); }

void store_writer::prepare() {
    if (db_.is_postgresql()) {
        db_.exec("SET statement_timeout = '5s'");
        return;
    }
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA cache_size=-16384");  // small writes: 16 MiB will do
}

void store_writer::reconnect() {
    db_ = open_store_for_writing(path_);  // throws pg::unavailable while the server is away
    broken_ = false;
    prepare();
}

}  // namespace crimemap::data
