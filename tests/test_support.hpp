#pragma once
// Helpers shared by the tests: temporary folders, files, imports that collect messages.

#include "data/import/import.hpp"
#include "data/store/sqlite.hpp"
#include "data/store/store.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace crimemap::test {

namespace fs = std::filesystem;

/// A fresh folder under the system temp folder, removed with everything in it at scope end.
class temp_dir {
public:
    temp_dir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("crimemap-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    [[nodiscard]] const fs::path& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

inline void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
}

inline std::string shared_data(const std::string& relative) { return std::string(CRIMEMAP_SHARED_DATA) + "/" + relative; }

/// Keeps every problem message the import reports.
class collecting_observer : public data::import_observer {
public:
    void problem(const std::string& message) override { problems.push_back(message); }
    std::vector<std::string> problems;
};

struct import_run {
    data::import_summary summary;
    std::vector<std::string> problems;
};

inline import_run import_paths(const std::string& db, std::vector<std::string> paths, bool strict = false,
                               std::optional<data::source_kind> kind = std::nullopt) {
    collecting_observer observer;
    data::import_options options;
    options.db = db;
    options.paths = std::move(paths);
    options.strict = strict;
    options.kind = kind;
    auto summary = data::run_import(options, observer);
    return {summary, observer.problems};
}

inline std::int64_t count(const std::string& db, const std::string& sql) {
    auto store = data::open_store_for_reading(db);
    return store.query_int(sql);
}

/// Rows in a CSV file without quotes, less its header line.
inline std::int64_t data_rows(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::int64_t rows = -1;
    while (std::getline(in, line))
        if (!line.empty() && line != "\r") ++rows;
    return rows;
}

}  // namespace crimemap::test
