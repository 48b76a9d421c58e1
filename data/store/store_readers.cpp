#include "data/store/store_readers.hpp"

#include "data/store/store.hpp"

namespace crimemap::data {

store_readers::lease::~lease() {
    if (!db_) return;
    std::lock_guard lock(owner_->mutex_);
    owner_->idle_.push_back(std::move(db_));
}

store_readers::lease store_readers::acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            return {*this, std::move(db)};
        }
    }
    return {*this, std::make_unique<Database>(open_store_for_reading(path_, false))};
}

}  // namespace crimemap::data
