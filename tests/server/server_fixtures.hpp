#pragma once
// A small generated dataset (with boundaries and Watch schemes), imported and loaded
// once per test executable.

#include "generator/generate.hpp"
#include "data/snapshot/map_snapshot.hpp"
#include "data/store/store.hpp"
#include "geo/web_mercator.hpp"
#include "server/router.hpp"
#include "test_support.hpp"

#include <boost/beast/http.hpp>

#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

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

/// A request as a browser on tiles.example:8080 sends it, with `headers` added.
inline server::request test_request(const std::string& target,
                                    std::initializer_list<std::pair<boost::beast::http::field, std::string>> headers = {},
                                    boost::beast::http::verb verb = boost::beast::http::verb::get) {
    server::request req{verb, target, 11};
    req.set(boost::beast::http::field::host, "tiles.example:8080");
    for (const auto& [field, value] : headers) req.set(field, value);
    return req;
}

/// The path of the crimes tile at zoom z that holds the shared data's busiest map location.
inline std::string busiest_crimes_tile(std::uint32_t z) {
    static const geo::world_point where = [] {
        auto store = data::open_store_for_reading(shared_generated_data().db);
        data::Statement s(store, "SELECT l.longitude, l.latitude FROM crimes c JOIN locations l ON l.id = c.location "
                                 "GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1");
        if (!s.step()) throw std::runtime_error("the generated data has no located crimes");
        return geo::to_world(s.column_double(0), s.column_double(1));
    }();
    return "/tiles/crimes/" + std::to_string(z) + "/" + std::to_string(std::uint64_t{where.x} >> (32 - z)) + "/" +
           std::to_string(std::uint64_t{where.y} >> (32 - z)) + ".mvt";
}

}  // namespace crimemap::test
