#include "server/ops/store_watch.hpp"

#include "data/store/postgres.hpp"
#include "data/store/store.hpp"

#include <iostream>
#include <memory>

namespace crimemap::server {

store_watch::store_watch(std::string uri, std::chrono::seconds poll, std::function<std::int64_t()> served,
                         std::function<void()> reload)
    : uri_(std::move(uri)), poll_(poll), served_(std::move(served)), reload_(std::move(reload)) {
    thread_ = std::thread([this] { run(); });
}

store_watch::~store_watch() {
    stopping_ = true;
    thread_.join();
}

std::string store_watch::problem() const {
    std::lock_guard lock(mutex_);
    return problem_;
}

void store_watch::note(bool reachable, const std::string& why) {
    if (reachable_.exchange(reachable) != reachable)
        std::cerr << (reachable ? "the store answers again: " : "crimemap: the store cannot be reached: ")
                  << (reachable ? data::pg::displayed(uri_) : why) << '\n';
    std::lock_guard lock(mutex_);
    problem_ = why;
}

void store_watch::run() {
    using namespace std::chrono;
    std::unique_ptr<data::Database> db;
    auto next_poll = steady_clock::now();
    while (!stopping_) {
        try {
            if (!db) {
                db = std::make_unique<data::Database>(data::Database::postgresql(uri_));
                db->postgresql_connection().set_answer_timeout(std::chrono::milliseconds(4500));
                db->postgresql_connection().listen(data::import_channel);
                next_poll = steady_clock::now();  // what was announced while away is read now
            }
            bool check = steady_clock::now() >= next_poll;
            if (!check) {
                // Short waits, so that a stop is seen within a second.
                auto n = db->postgresql_connection().wait_for_notification(milliseconds(1000));
                if (n) {
                    while (db->postgresql_connection().wait_for_notification(milliseconds(0))) {
                    }
                    check = true;
                }
            }
            if (check) {
                next_poll = steady_clock::now() + poll_;
                auto version = data::import_version(*db);
                note(true, "");
                if (version != served_()) reload_();
            }
        } catch (const std::exception& error) {
            db.reset();
            note(false, error.what());
            for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(milliseconds(100));
        }
    }
}

}  // namespace crimemap::server
