#pragma once
// Read-only connections to the store for request handlers: one per concurrent user,
// opened on first need and reused, so a request never pays for opening the file.

#include "data/store/sqlite.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace crimemap::data {

class store_readers {
public:
    explicit store_readers(std::string path) : path_(std::move(path)) {}

    /// A connection held for one request; handed back when it goes out of scope.
    class lease {
    public:
        lease(store_readers& owner, std::unique_ptr<Database> db) : owner_(&owner), db_(std::move(db)) {}
        lease(lease&&) = default;
        lease& operator=(lease&&) = delete;
        ~lease();
        Database& operator*() const { return *db_; }
        Database* operator->() const { return db_.get(); }

    private:
        store_readers* owner_;
        std::unique_ptr<Database> db_;
    };

    /// Throws sqlite_error or std::runtime_error when the store cannot be opened.
    lease acquire();
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace crimemap::data
