#pragma once
// What every handler reads: the loaded indexes, the store's connections and the configuration,
// one app_state shared read-only. Handlers include this, never the router (server/router.hpp).

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/integrity_check.hpp"
#include "data/store/mbtiles.hpp"
#include "data/store/store_readers.hpp"
#include "data/store/store_writer.hpp"
#include "server/accounts/sessions.hpp"
#include "server/http/http.hpp"
#include "server/http/rate_limits.hpp"
#include "server/pages/static_files.hpp"
#include "server/tiles/basemap_style.hpp"
#include "server/tiles/glyphs.hpp"
#include "server/tiles/tile_cache.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace crimemap::server {

class form_keys;  // server/watch/watch_handlers.hpp
class store_watch;  // server/ops/store_watch.hpp
class mail_sender;  // server/mail/mail_sender.hpp

/// What every handler reads: the loaded indexes and the configuration. Shared read-only.
struct app_state {
    std::shared_ptr<const data::map_snapshot> snapshot;
    std::shared_ptr<data::store_readers> store;  ///< connections for what is read live
    std::string public_url;  ///< base of absolute URLs (--public-url); empty: see link_base_url
    std::string listen_url;  ///< "http://address:port" the server listens on (a host name for a wildcard address)
    static_files web;
    std::shared_ptr<tile_cache> tiles;  ///< may be null: no cache
    std::shared_ptr<data::store_writer> writer;  ///< the one write connection (sign-in, edits, messages)
    std::shared_ptr<session_store> sessions;
    std::shared_ptr<rate_limits> limits;
    bool secure_cookies = true;  ///< false only for plain-http use on localhost (--insecure-cookies)
    std::shared_ptr<form_keys> form_secrets;  ///< key the public forms' tokens; kept in the store
    std::string basemap_style;   ///< a MapLibre style URL drawn beneath our layers; empty: none
    std::shared_ptr<const local_style> own_style;  ///< --basemap-style FILE, at /basemap/style.json; may be null
    std::shared_ptr<const data::mbtiles> basemap;  ///< --basemap FILE.mbtiles, served at /tiles/basemap/; may be null
    std::shared_ptr<const glyph_library> glyphs;   ///< the basemap's label fonts at /fonts/; may be null
    std::shared_ptr<const data::integrity_check> integrity;  ///< the check run at start; may be null
    std::shared_ptr<mail_sender> mail;  ///< sends the outbox through --smtp-url; null: mail waits in the outbox
    std::int64_t notice_interval_seconds = 15 * 60;  ///< at most one new-message notice per coordinator in this time
    /// A replica's watch on its store in PostgreSQL (reloads, reachability); null on SQLite.
    /// Owned by the serve command, which outlives every request.
    const store_watch* watch = nullptr;
};

/// The origin a request was sent to ("http://host:port"), for the same-origin check of forms:
/// --public-url, else from the Host header. 400 for a Host header that is not a plain host[:port].
std::string base_url(const request& req, const app_state& state);

/// The base of the absolute URLs written into answers (TileJSON), never from the request's Host
/// (a shared cache would hand a link someone chose to everyone): --public-url, else a trusted
/// proxy's X-Forwarded-Proto and X-Forwarded-Host (the server removes these headers from every
/// other connection; the right-most item counts), else the listen address (on loopback, the
/// Host when it is localhost, 127.0.0.1 or [::1] with the listen port: names of this server only).
/// 400 for an X-Forwarded-Host that is not a plain host[:port].
std::string link_base_url(const request& req, const app_state& state);

}  // namespace crimemap::server
