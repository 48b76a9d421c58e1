#include "data/store/store_readers.hpp"

#include "data/store/postgres.hpp"
#include "data/store/store.hpp"
#include "data/store/store_writer.hpp"

namespace crimemap::data {

store_readers::lease::~lease() {
    // A connection PostgreSQL dropped is closed, not kept: the next request connects afresh.
    if (!db_ || (db_->is_postgresql() && db_->postgresql_connection().broken())) return;
    std::lock_guard lock(owner_->mutex_);
    owner_->idle_.push_back(std::move(db_));
}

store_readers::lease store_readers::acquire() {
    {
        std::lock_guard lock(mutex_);
        while (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            // One PostgreSQL closed while it waited (a restart) is dropped, not handed out.
            if (db->is_postgresql() && !db->postgresql_connection().alive()) continue;
            return {*this, std::move(db)};
        }
    }
    auto db = std::make_unique<Database>(open_store_for_reading(path_, false));
    bound_for_requests(*db);
    return {*this, std::move(db)};
}

}  // namespace crimemap::data
