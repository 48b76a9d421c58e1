#pragma once
// The server's one write connection to the store, shared by requests under a lock. It
// commits with synchronous=FULL: what it has committed survives a power cut, so an answer
// sent after a commit (a Watch message's 201) is never lost.

#include "data/sqlite.hpp"

#include <mutex>
#include <string>

namespace crimemap::data {

class store_writer {
public:
    /// Opens the store for writing (bringing an older schema up to date). Throws as
    /// open_store_for_writing does.
    explicit store_writer(const std::string& path);

    /// Runs `work(db)` while holding the connection; returns what it returns.
    template <class Work>
    decltype(auto) run(Work&& work) {
        std::lock_guard lock(mutex_);
        return work(db_);
    }

private:
    std::mutex mutex_;
    Database db_;
};

}  // namespace crimemap::data
