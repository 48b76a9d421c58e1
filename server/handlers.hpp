#pragma once
// Request routing: plain functions from a request to a response, testable without sockets.

#include "data/map_snapshot.hpp"
#include "data/store_readers.hpp"
#include "server/http.hpp"
#include "server/static_files.hpp"
#include "server/tile_cache.hpp"

#include <memory>
#include <string>

namespace crimemap::server {

/// What every handler reads: the loaded indexes and the configuration. Shared read-only.
struct app_state {
    std::shared_ptr<const data::map_snapshot> snapshot;
    std::shared_ptr<data::store_readers> store;  ///< connections for what is read live
    std::string public_url;  ///< base of absolute URLs; empty: taken from the Host header
    static_files web;
    std::shared_ptr<tile_cache> tiles;  ///< may be null: no cache
};

/// Routes one request. Never throws: failures become JSON error responses by the error table.
response handle_request(const request& req, const app_state& state);

}  // namespace crimemap::server
