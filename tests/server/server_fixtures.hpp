#pragma once
// A small generated dataset (with boundaries and Watch schemes), imported and loaded
// once per test executable.

#include "data/generate.hpp"
#include "data/map_snapshot.hpp"
#include "test_support.hpp"

#include <sstream>

namespace crimemap::test {

struct generated_data {
    temp_dir dir;
    std::string db = dir.file("store.sqlite");
    std::shared_ptr<const data::map_snapshot> snapshot;
    generated_data() {
        data::generate_options options;
        options.out = dir.path() / "data";
        options.rows = 20000;
        options.months = 2;
        options.seed = 5;
        std::ostringstream log;
        data::generate(options, log);
        import_paths(db, {(dir.path() / "data").string()});
        snapshot = data::load_snapshot(db);
    }
};

inline generated_data& shared_generated_data() {
    static generated_data data;
    return data;
}

}  // namespace crimemap::test
