#pragma once
// A small generated dataset (with boundaries and Watch schemes), imported and loaded
// once per test executable.

#include "generator/generate.hpp"
#include "data/map_snapshot.hpp"
#include "server/handlers.hpp"
#include "test_support.hpp"

#include <sstream>

namespace crimemap::test {

struct generated_data {
    temp_dir dir;
    std::string db = dir.file("store.sqlite");
    std::shared_ptr<const data::map_snapshot> snapshot;
    generated_data() {
        generator::generate_options options;
        options.out = dir.path() / "data";
        options.rows = 20000;
        options.months = 2;
        options.seed = 5;
        std::ostringstream log;
        generator::generate(options, log);
        import_paths(db, {(dir.path() / "data").string()});
        snapshot = data::load_snapshot(db);
    }
};

inline generated_data& shared_generated_data() {
    static generated_data data;
    return data;
}

/// The server's state over the shared generated data.
inline const server::app_state& generated_app_state() {
    static server::app_state state = [] {
        server::app_state made;
        made.snapshot = shared_generated_data().snapshot;
        made.store = std::make_shared<data::store_readers>(shared_generated_data().db);
        made.listen_url = "http://127.0.0.1:8080";
        return made;
    }();
    return state;
}

}  // namespace crimemap::test
