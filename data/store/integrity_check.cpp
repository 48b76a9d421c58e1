#include "data/store/integrity_check.hpp"

#include "data/store/store.hpp"

namespace crimemap::data {

integrity_check::integrity_check(const std::string& store_path, std::function<void(const std::string&)> report)
    : db_(std::make_unique<Database>(open_store_for_reading(store_path, false))) {
    thread_ = std::thread([this, report = std::move(report)] {
        std::string found;
        try {
            Statement check(*db_, "PRAGMA integrity_check(20)");
            while (check.step()) found += (found.empty() ? "" : "; ") + std::string(check.column_text(0));
        } catch (const std::exception& error) {
            found = error.what();
        }
        if (stopping_) return;  // interrupted by shutdown: no verdict
        {
            std::lock_guard lock(mutex_);
            verdict_ = found;
        }
        state_ = found == "ok" ? state::ok : state::failed;
        report(found);
    });
}

integrity_check::~integrity_check() {
    stopping_ = true;
    db_->interrupt();
    thread_.join();
}

std::string integrity_check::verdict() const {
    std::lock_guard lock(mutex_);
    return verdict_;
}

}  // namespace crimemap::data
