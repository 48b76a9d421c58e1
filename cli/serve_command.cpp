#include "cli/options.hpp"
#include "data/accounts/accounts.hpp"
#include "data/snapshot/map_snapshot.hpp"
#include "data/store/store_writer.hpp"
#include "data/watch/watch.hpp"
#include "server/router.hpp"
#include "server/http/http_server.hpp"
#include "server/ops/edge.hpp"
#include "server/ops/live_state.hpp"
#include "server/ops/store_watch.hpp"
#include "server/mail/mail_sender.hpp"
#include "data/mail/outbox.hpp"
#include "data/watch/subscriptions.hpp"
#include "server/watch/watch_handlers.hpp"

#include <malloc.h>
#include <unistd.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>
#include <string_view>

namespace crimemap::cli {

namespace {

// Resident memory in bytes, from /proc (0 where it cannot be read).
std::uint64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * 4096;
}

// The base of absolute links when there is no --public-url (nor a trusted proxy's forwarded
// host): the listen address, or for a wildcard address this machine's name, with a warning.
std::string listen_url(const std::string& address, unsigned short port, bool warn) {
    std::string host = address;
    if (address == "0.0.0.0" || address == "::" || address == "[::]") {
        char name[256] = {};
        host = gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
        if (warn)
            std::cerr << "crimemap: warning: listening on the wildcard address " << address
                      << " without --public-url: TileJSON links name this machine as " << host
                      << "; give --public-url with the address clients use\n";
    } else if (address.find(':') != std::string::npos && !address.starts_with("[")) {
        host = "[" + address + "]";
    }
    return "http://" + host + ":" + std::to_string(port);
}

// The web app's folder when --web is not given: the installed one beside the binary
// (bin/../share/crimemap/web, `cmake --install`), else the source tree's (build/crimemap).
std::string default_web_root() {
    std::error_code ec;
    auto executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        auto installed = (executable.parent_path() / CRIMEMAP_INSTALLED_WEB_ROOT).lexically_normal();
        if (std::filesystem::is_regular_file(installed / "index.html", ec)) return installed.string();
    }
    return CRIMEMAP_WEB_ROOT;
}

}  // namespace

int serve_command(const arguments& args) {
    po::options_description options("serve options");
    std::string db, index_file, listen = "127.0.0.1:8080", public_url, web_root = default_web_root();
    int threads = 2;
    std::size_t cache_mb = 256;
    bool insecure_cookies = false;
    std::string basemap_style, basemap_file, basemap_assets, fonts_folder = "/usr/share/fonts", access_log_path;
    std::size_t basemap_memory_mb = 64;
    int retention_days = 365;
    int session_idle = 30 * 60, session_max = 8 * 60 * 60;
    std::size_t max_connections = server::server_config{}.max_connections;
    std::size_t max_per_address = server::server_config{}.max_connections_per_address;
    std::string trusted_proxy;
    int request_timeout = server::server_config{}.read_timeout_seconds;
    server::smtp_settings smtp;
    std::string smtp_password_file;
    int mail_retry_seconds = 60, notice_interval = 15 * 60;
    int store_poll = 15;
    options.add_options()                                                             //
        ("db", any_store_value(&db),
         "the store: a SQLite file, or a postgresql:// URI shared by replicas (default: $CRIMEMAP_DB)")  //
        ("index-file", po::value(&index_file),
         "the serving indexes, mapped from this file (default: the store's path + .index); built when "
         "missing or of other data")  //
        ("listen", po::value(&listen)->default_value(listen), "ADDRESS:PORT to listen on; port 0 picks a free one")  //
        ("threads", po::value(&threads)->default_value(threads), "worker threads")  //
        ("public-url", po::value(&public_url),
         "base URL for absolute links (TileJSON); default: a trusted proxy's X-Forwarded-Host, else the listen address")  //
        ("web", po::value(&web_root)->default_value(web_root), "folder of the web app")  //
        ("tile-cache-mb", po::value(&cache_mb)->default_value(cache_mb), "memory for encoded tiles; 0 turns the cache off")  //
        ("basemap-style", po::value(&basemap_style),
         "URL or FILE: a MapLibre style for a basemap beneath the map's layers: a URL is fetched from its host; "
         "a FILE (with --basemap) is served from here over our tiles, fonts and sprite (default: none)")  //
        ("basemap-assets", po::value(&basemap_assets),
         "DIR of the --basemap-style FILE's sprite (sprite.json, sprite.png, @2x) and fonts (fonts/<fontstack>/<range>.pbf)")  //
        ("basemap", po::value(&basemap_file),
         "FILE.mbtiles: a vector basemap (OpenMapTiles schema) served from here and drawn beneath the map's layers")  //
        ("basemap-memory-mb", po::value(&basemap_memory_mb)->default_value(basemap_memory_mb),
         "a --basemap archive of at most this size is read into memory at start; a larger one tile by tile")  //
        ("fonts", po::value(&fonts_folder)->default_value(fonts_folder),
         "folder of fonts (.ttf, .otf) for the --basemap labels' glyphs at /fonts/")  //
        ("access-log", po::value(&access_log_path),
         "append a JSON line per request to this file ('-': standard output); no addresses, query strings or bodies")  //
        ("insecure-cookies", po::bool_switch(&insecure_cookies),
         "send the session cookie without Secure, for plain http on localhost only")  //
        ("retention-days", po::value(&retention_days)->default_value(retention_days),
         "delete Watch messages older than this many days")  //
        ("session-idle-seconds", po::value(&session_idle)->default_value(session_idle),
         "a session ends after this long without a request")  //
        ("session-max-seconds", po::value(&session_max)->default_value(session_max), "a session ends this long after sign-in")  //
        ("max-connections", po::value(&max_connections)->default_value(max_connections),
         "connections open at once; past it a new one gets a 503 (lowered to fit the open-file limit)")  //
        ("max-connections-per-address", po::value(&max_per_address)->default_value(max_per_address),
         "connections open at once from one client address (a trusted proxy is not capped); past it a 503")  //
        ("trusted-proxy", po::value(&trusted_proxy),
         "CIDR[,CIDR...]: proxies (nginx) whose X-Forwarded-For names the client, for rate limits and caps; "
         "their X-Forwarded-Host and -Proto give TileJSON's links without --public-url")  //
        ("request-timeout", po::value(&request_timeout)->default_value(request_timeout),
         "seconds to read a whole request (an idle keep-alive wait included) and to write an answer; "
         "a slower client is disconnected")  //
        ("smtp-url", po::value(&smtp.url),
         "the mail relay: smtp://HOST:PORT (STARTTLS when the relay offers it) or smtps://HOST:PORT (TLS); "
         "without it mail waits in the store's outbox")  //
        ("smtp-require-tls", po::bool_switch(&smtp.require_tls), "send no mail over a connection without TLS")  //
        ("smtp-user", po::value(&smtp.user),
         "the relay's user name; the password from CRIMEMAP_SMTP_PASSWORD or --smtp-password-file")  //
        ("smtp-password-file", po::value(&smtp_password_file), "FILE whose first line is the relay's password")  //
        ("mail-from", po::value(&smtp.from), "ADDRESS mail is sent from (envelope and From)")  //
        ("mail-retry-seconds", po::value(&mail_retry_seconds)->default_value(mail_retry_seconds),
         "wait before the first retry of a mail the relay did not take; doubled each time, for up to 48 hours")  //
        ("notice-interval-seconds", po::value(&notice_interval)->default_value(notice_interval),
         "a coordinator gets at most one notice of new Watch messages in this time")  //
        ("store-poll-seconds", po::value(&store_poll)->default_value(store_poll),
         "a store in PostgreSQL: how often to check for a new import besides its notification");
    po::variables_map values;
    if (!parse_options(args, "crimemap serve --db FILE|URI [--listen ADDRESS:PORT] [--threads N] [--public-url URL] [--insecure-cookies]",
                       options, values))
        return 0;
    db = store_or_environment(db);
    const bool shared_store = data::pg::is_uri(db);
    const std::string shown_db = shared_store ? data::pg::displayed(db) : db;  // never a password in a log
    // Requests wait on the server's connections: one that cannot connect is told so in 2 s.
    if (shared_store) data::pg::set_connect_timeout(2);
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw po::error("--listen wants ADDRESS:PORT, not '" + listen + "'");
    server::server_config config;
    config.address = listen.substr(0, colon);
    try {
        auto port = std::stoul(listen.substr(colon + 1));
        if (port > 65535) throw std::out_of_range("port");
        config.port = static_cast<unsigned short>(port);
    } catch (const std::logic_error&) {
        throw po::error("--listen: '" + listen.substr(colon + 1) + "' is not a port number");
    }
    if (threads < 1 || threads > 256) throw po::error("--threads must be between 1 and 256");
    config.threads = threads;
    // argon2id on a thread of its own: a burst of sign-ins cannot stall tiles on the I/O threads.
    config.is_slow = [](const server::request& req) {
        if (req.method() != boost::beast::http::verb::post) return false;
        std::string_view target(req.target().data(), req.target().size());
        auto path = target.substr(0, target.find('?'));
        return path == "/auth/login" || path == "/auth/set-password" || path == "/auth/forgot-password";
    };
    if (max_connections < 1) throw po::error("--max-connections must be at least 1");
    config.max_connections = max_connections;
    if (max_per_address < 1) throw po::error("--max-connections-per-address must be at least 1");
    config.max_connections_per_address = max_per_address;
    try {
        config.proxies = server::trusted_proxies(trusted_proxy);
    } catch (const std::invalid_argument& error) {
        throw po::error(std::string("--trusted-proxy: ") + error.what());
    }
    if (request_timeout < 1 || request_timeout > 3600) throw po::error("--request-timeout must be between 1 and 3600 seconds");
    config.read_timeout_seconds = request_timeout;
    // Every connection is a file descriptor: take the most the system allows, and keep the
    // connection cap below it so that the store and the logs can always be opened.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
        getrlimit(RLIMIT_NOFILE, &files);
        if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < config.max_connections + 128)
            config.max_connections = files.rlim_cur > 256 ? files.rlim_cur - 128 : files.rlim_cur / 2;
    }
    while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
    if (!public_url.empty() && !public_url.starts_with("http://") && !public_url.starts_with("https://"))
        throw po::error("--public-url must start with http:// or https://");

    if (retention_days < 1) throw po::error("--retention-days must be at least 1");
    // A URL is a style hosted elsewhere; anything else a style file of the operator's, served from here.
    const bool remote_style = basemap_style.starts_with("https://") || basemap_style.starts_with("http://");
    if (remote_style) {
        // The browser fetches the basemap's style, tiles, glyphs and sprites from elsewhere: from
        // the style's own origin (which may be plain http on a private network) and over https.
        auto origin_end = basemap_style.find('/', basemap_style.find("//") + 2);
        auto origin = basemap_style.substr(0, origin_end);
        auto host = std::string_view(origin).substr(origin.find("//") + 2);
        if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
                                std::string_view::npos)
            throw po::error("--basemap-style: '" + origin + "' is not a host name or address (with an optional port)");
        config.content_security_policy = server::content_security_policy("https: " + origin);
    }
    if (!basemap_file.empty() && remote_style)
        throw po::error("give --basemap or --basemap-style URL, not both (a local --basemap-style FILE goes with --basemap)");
    if (!basemap_style.empty() && !remote_style && basemap_file.empty())
        throw po::error("--basemap-style " + basemap_style +
                        " is a style file, and its vector sources are drawn from --basemap FILE.mbtiles: give --basemap too "
                        "(or an http:// or https:// URL for a style hosted elsewhere)");
    if (!basemap_assets.empty() && (basemap_style.empty() || remote_style))
        throw po::error("--basemap-assets goes with --basemap-style FILE (a local style file)");
    if (session_idle < 1 || session_max < 1) throw po::error("--session-idle-seconds and --session-max-seconds must be positive");
    if (!smtp.url.empty()) {
        if (const char* password = std::getenv("CRIMEMAP_SMTP_PASSWORD")) smtp.password = password;
        if (!smtp_password_file.empty()) {
            if (!smtp.password.empty())
                throw po::error("give the relay's password in CRIMEMAP_SMTP_PASSWORD or --smtp-password-file, not both");
            std::ifstream in(smtp_password_file);
            if (!in || !std::getline(in, smtp.password))
                throw po::error("--smtp-password-file " + smtp_password_file + ": cannot be read");
            if (!smtp.password.empty() && smtp.password.back() == '\r') smtp.password.pop_back();
        }
        if (auto problem = server::smtp_settings_problem(smtp); !problem.empty()) throw po::error(problem);
    } else if (smtp.require_tls || !smtp.user.empty() || !smtp.from.empty() || !smtp_password_file.empty()) {
        throw po::error("--smtp-require-tls, --smtp-user, --smtp-password-file and --mail-from go with --smtp-url");
    }
    if (mail_retry_seconds < 1) throw po::error("--mail-retry-seconds must be at least 1");
    if (notice_interval < 0) throw po::error("--notice-interval-seconds must not be negative");
    if (store_poll < 1 || store_poll > 3600) throw po::error("--store-poll-seconds must be between 1 and 3600");

    auto state = std::make_shared<server::app_state>();
    // A bad archive stops the server before the store is loaded: the operator sees it at once.
    std::jthread glyph_warmup;
    if (!basemap_style.empty() && !remote_style) {
        state->own_style = std::make_shared<const server::local_style>(basemap_style, basemap_assets);
        std::cerr << "basemap style " << basemap_style << " served at /basemap/style.json";
        if (!basemap_assets.empty())
            std::cerr << "; " << state->own_style->sprite_files() << " sprite files and " << state->own_style->font_files()
                      << " glyph ranges of " << state->own_style->font_stacks() << " fonts from " << basemap_assets;
        std::cerr << '\n';
    }
    if (!basemap_file.empty()) {
        state->basemap = std::make_shared<const data::mbtiles>(basemap_file, std::uint64_t{basemap_memory_mb} << 20);
        std::cerr << "basemap " << basemap_file << ": zooms " << state->basemap->min_zoom() << " to "
                  << state->basemap->max_zoom() << (state->basemap->in_memory() ? ", in memory" : ", read tile by tile");
        state->glyphs = std::make_shared<const server::glyph_library>(fonts_folder);
        std::cerr << "; " << state->glyphs->font_names().size() << " fonts under " << fonts_folder << " for its labels\n";
        // The ranges the built-in style asks first (Latin, Latin Extended, punctuation), drawn while
        // the store loads, so the first map shows its labels at once.
        glyph_warmup = std::jthread([glyphs = state->glyphs] {
            for (const char* stack : {"Noto Sans Regular", "Noto Sans Bold", "Noto Sans Italic"})
                for (std::uint32_t start : {0u, 256u, 8192u}) (void)glyphs->range(stack, start);
        });
    }
    // The write connection first: it brings a store of an older schema up to date.
    state->writer = std::make_shared<data::store_writer>(db);
    data::snapshot_options snapshot_settings;
    snapshot_settings.index_path = index_file;
    state->snapshot = data::load_snapshot(db, snapshot_settings);
    // A reload that needs new indexes builds them in a child process, so this one never holds a
    // build's temporary arrays beside the arrays it serves.
    snapshot_settings.builder_executable = "/proc/self/exe";
    state->store = std::make_shared<data::store_readers>(db);
    malloc_trim(0);  // hand the loader's temporary arrays back to the system
    state->public_url = public_url;
    state->web = server::static_files(web_root);
    std::cerr << "web app from " << web_root << '\n';
    // Tiles are kept as the server writes them (with its security headers): a hit is one write.
    state->tiles = std::make_shared<server::tile_cache>(
        cache_mb << 20, [config](server::response res) { return server::prepare_response(std::move(res), config); });
    state->sessions = std::make_shared<server::session_store>(
        server::session_limits{std::chrono::seconds(session_idle), std::chrono::seconds(session_max)});
    state->limits = std::make_shared<server::rate_limits>();
    if (shared_store) {
        // Replicas share sign-ins and rate limits through the store, on a connection of their own
        // so that a burst of sign-ins does not queue behind messages and edits, and whose commits
        // do not wait for PostgreSQL's disk (a database crash may sign some people out, no more).
        auto shared_state = std::make_shared<data::store_writer>(db, false);
        state->sessions->share(shared_state);
        state->limits->share(shared_state);
    }
    state->secure_cookies = !insecure_cookies;
    if (remote_style) state->basemap_style = basemap_style;
    // Kept in the store, so open forms survive a restart; a new one each week, the last still accepted.
    constexpr auto form_secret_age = std::chrono::hours(24 * 7);
    state->form_secrets = std::make_shared<server::form_keys>(
        state->writer->run([&](data::Database& d) { return data::form_secrets(d, form_secret_age); }));
    state->notice_interval_seconds = notice_interval;
    if (!smtp.url.empty()) {
        std::cerr << "mail through " << smtp.url << " from " << smtp.from
                  << (smtp.require_tls ? " (TLS required)" : smtp.url.starts_with("smtps:") ? " (TLS)" : " (STARTTLS when offered)")
                  << '\n';
        state->mail = std::make_shared<server::mail_sender>(
            state->writer, server::smtp_relay(smtp), server::mail_timing{std::chrono::seconds(mail_retry_seconds)});
    } else {
        std::cerr << "no --smtp-url: mail waits in the store's outbox until a serve with a relay sends it\n";
    }
    const auto& s = *state->snapshot;
    // Every crime, as `crimemap stats` counts them; the map and the street-level API have those with a location.
    std::cerr << "loaded " << s.crimes + s.crimes_without_location << " crimes (" << s.crimes << " with a location) at "
              << s.location_ids.size() << " locations, " << s.months.size() << " months, "
              << s.neighbourhoods.size() << " neighbourhoods, " << s.schemes.size() << " Watch schemes from " << shown_db
              << " in " << s.load_seconds << " s; indexes " << s.crime_tiles.memory_bytes() / (1 << 20)
              << " MiB in memory, " << s.mapped_bytes / (1 << 20) << " MiB mapped, resident " << resident_bytes() / (1 << 20) << " MiB; " << state->web.size() << " web files; "
              << s.origin << '\n';

    // Watch messages past the retention period go now and then every hour; the form secret is
    // rotated when due.
    const auto retention = std::chrono::hours(24) * retention_days;
    auto writer = state->writer;
    auto form_secrets = state->form_secrets;
    auto sessions = state->sessions;
    server::periodic_task purge(std::chrono::hours(1), [writer, retention, retention_days, form_secrets, form_secret_age, sessions] {
        try {
            form_secrets->replace(writer->run([&](data::Database& d) { return data::form_secrets(d, form_secret_age); }));
        } catch (const std::exception& error) {
            std::cerr << "crimemap: rotating the form secret failed (the current one stays): " << error.what() << '\n';
        }
        try {
            auto removed = writer->run([&](data::Database& d) { return data::purge_watch_messages(d, retention); });
            if (removed > 0) std::cerr << "deleted " << removed << " Watch messages older than " << retention_days << " days\n";
        } catch (const std::exception& error) {
            std::cerr << "crimemap: deleting old Watch messages failed: " << error.what() << '\n';
        }
        try {
            writer->run([](data::Database& d) {
                data::purge_failed_mail(d, std::chrono::hours(24 * 30));
                data::purge_unconfirmed_subscriptions(d, data::subscription_confirm_lifetime);
            });
            sessions->purge();
        } catch (const std::exception& error) {
            std::cerr << "crimemap: deleting old failed mail or unconfirmed subscriptions failed: " << error.what() << '\n';
        }
    });

    // Rate-limit keys whose window has passed go each minute, so distinct addresses cannot pile up.
    auto limits = state->limits;
    server::periodic_task sweep(std::chrono::minutes(1), [limits] { limits->sweep(); });

    // integrity_check reads the whole file: on its own thread, reported when done (and in /readyz).
    // PostgreSQL checks its own pages (data checksums) and is not read here.
    if (!shared_store)
        state->integrity = std::make_shared<data::integrity_check>(db, [db](const std::string& verdict) {
            if (verdict == "ok")
                std::cerr << "integrity_check of " << db << ": ok\n";
            else
                std::cerr << "crimemap: integrity_check of " << db << " FAILED: " << verdict
                          << " (restore the latest backup; see docs/operations.md)\n";
        });

    // Subscribers get one mail when a load first sees a new latest month: at start (an import
    // while the server was down) and after each reload.
    auto queue_alerts = [writer](const server::app_state& current) {
        try {
            const auto& base = current.public_url.empty() ? current.listen_url : current.public_url;
            auto queued = writer->run([&](data::Database& d) { return data::queue_monthly_alerts(d, *current.snapshot, base); });
            if (queued > 0) std::cerr << "queued " << queued << " monthly alerts for subscribers\n";
            if (queued > 0 && current.mail) current.mail->wake();
        } catch (const std::exception& error) {
            std::cerr << "crimemap: queueing the monthly alerts failed: " << error.what() << '\n';
        }
    };
    // The live state holds the only reference from here on, so the first snapshot (its mapping
    // or its arrays) goes once a reload has replaced it and its last request has ended.
    auto* first_state = state.get();
    server::live_state live(std::move(state));
    server::metrics counts;
    std::unique_ptr<server::access_log> log;
    if (!access_log_path.empty()) log = std::make_unique<server::access_log>(access_log_path);
    auto reload = [&] {
        live.reload(
            db,
            [&live, queue_alerts](const std::string& message) {
                std::cerr << message << '\n';
                if (message.starts_with("reloaded ")) queue_alerts(*live.current());
            },
            snapshot_settings);
    };
    // A replica on PostgreSQL reloads by itself when an import is announced (or, a notification
    // missed, within the poll interval), and knows whether its store answers.
    std::optional<server::store_watch> watch;
    if (shared_store) {
        watch.emplace(db, std::chrono::seconds(store_poll), [&live] { return live.current()->snapshot->import_version; },
                      [&] {
                          std::cerr << "the store has a new import: reloading " << shown_db << '\n';
                          reload();
                      });
        first_state->watch = &*watch;
    }
    server::edge edge{live, counts, log.get(), *config.open_connections, *config.refused_connections};
    server::run_server(
        config, edge,
        [&](unsigned short port) {
            // Before any request is read: the state is shared read-only from here on.
            first_state->listen_url = listen_url(config.address, port, public_url.empty());
            queue_alerts(*first_state);
            std::cerr << "serving http://" << config.address << ":" << port << "/\n" << std::flush;
        },
        [&] {
            std::cerr << "SIGHUP: reloading " << shown_db << '\n';
            reload();
        },
        [&](std::string_view method, std::string_view target, unsigned status, std::size_t bytes, const std::string& client) {
            edge.record(method, target, status, bytes, 0, client);
        },
        [&edge](const server::request& req, const std::string& client) { return edge.prepared(req, client); });
    return 0;
}

}  // namespace crimemap::cli
