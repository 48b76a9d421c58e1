#include "data/store/store.hpp"

#include "data/store/postgres.hpp"
#include "data/store/postgres_schema.hpp"

#include <filesystem>
#include <stdexcept>

namespace crimemap::data {

namespace {

// Categorical columns are small integers into dictionary tables, so a crime row
// stays near 90 bytes. Row ranges per imported file (import_files.first_row..last_row)
// let a re-import delete what a file wrote without an index on the big tables.
constexpr const char* schema_sql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE forces(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  details TEXT NOT NULL            -- the /forces/{id} object as published, JSON
) WITHOUT ROWID;
CREATE TABLE neighbourhoods(
  key INTEGER PRIMARY KEY,
  force TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT,
  details TEXT,                    -- the /{force}/{id} object plus people, priorities, events; JSON
  boundary_source TEXT,            -- the file its boundary came from
  UNIQUE(force, id)
);
CREATE TABLE agencies(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE lsoas(id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, UNIQUE(code, name));
CREATE TABLE crime_types(id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, slug TEXT NOT NULL);
CREATE TABLE outcome_types(id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE);
CREATE TABLE locations(
  id INTEGER PRIMARY KEY,          -- the stable location_id
  longitude REAL NOT NULL,
  latitude REAL NOT NULL,
  street TEXT NOT NULL,            -- 'On or near ...' as published; '' for stop and search points
  neighbourhood INTEGER            -- neighbourhoods.key by point-in-polygon, NULL outside every boundary
);
CREATE TABLE import_files(
  id INTEGER PRIMARY KEY,
  force TEXT NOT NULL,
  month INTEGER NOT NULL,          -- YYYYMM from the file name
  kind TEXT NOT NULL,              -- street, outcomes, stop-and-search
  source TEXT NOT NULL,
  rows INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  first_row INTEGER,               -- rowid range this file wrote in its kind's table
  last_row INTEGER,
  imported_at TEXT NOT NULL,
  UNIQUE(force, month, kind)
);
CREATE TABLE crimes(
  id INTEGER PRIMARY KEY,
  file INTEGER NOT NULL,           -- import_files.id; the force is the file's
  persistent_id TEXT,              -- Crime ID; NULL when empty (anti-social behaviour)
  month INTEGER NOT NULL,          -- YYYYMM
  reported_by INTEGER,             -- agencies.id
  falls_within INTEGER,            -- agencies.id
  location INTEGER,                -- locations.id; NULL for 'No Location'
  lsoa INTEGER,                    -- lsoas.id
  crime_type INTEGER NOT NULL,     -- crime_types.id
  last_outcome INTEGER,            -- outcome_types.id
  context TEXT
);
CREATE TABLE outcomes(
  id INTEGER PRIMARY KEY,
  file INTEGER NOT NULL,
  persistent_id TEXT,
  month INTEGER NOT NULL,
  reported_by INTEGER,
  falls_within INTEGER,
  location INTEGER,
  lsoa INTEGER,
  outcome_type INTEGER
);
CREATE TABLE stops(
  id INTEGER PRIMARY KEY,
  file INTEGER NOT NULL,
  type TEXT NOT NULL,
  datetime TEXT NOT NULL,          -- ISO 8601 as published
  part_of_operation INTEGER,       -- 1, 0 or NULL when not stated
  operation TEXT,
  location INTEGER,
  gender TEXT,
  age_range TEXT,
  self_defined_ethnicity TEXT,
  officer_defined_ethnicity TEXT,
  legislation TEXT,
  object_of_search TEXT,
  outcome TEXT,
  outcome_linked_to_object INTEGER,
  removal_of_outer_clothing INTEGER
);
CREATE TABLE watch_schemes(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL CHECK (status IN ('self-declared', 'verified-by-volunteer', 'verified-by-police')),
  households INTEGER,
  website TEXT,
  meetings TEXT,
  source TEXT
);
CREATE TABLE postcodes(
  postcode TEXT PRIMARY KEY,       -- upper case, no spaces: SO231AA
  label TEXT NOT NULL,             -- as written: SO23 1AA
  eastings INTEGER NOT NULL,       -- EPSG:27700 metres
  northings INTEGER NOT NULL,
  longitude REAL NOT NULL,         -- WGS84
  latitude REAL NOT NULL
) WITHOUT ROWID;
SELECT AddGeometryColumn('neighbourhoods', 'boundary', 4326, 'MULTIPOLYGON', 'XY');
SELECT AddGeometryColumn('watch_schemes', 'area', 4326, 'GEOMETRY', 'XY');
INSERT INTO meta VALUES ('data_version', '0');
)sql";

// Version 2: accounts, the audit log and Watch messages. Applied to a new store after the
// first version's tables, and to a version 1 store when it is opened for writing.
constexpr const char* schema_v2_sql = R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'team', 'coordinator')),
  force TEXT,                      -- a team's scope
  neighbourhood TEXT,
  password_hash TEXT,              -- argon2id PHC string; NULL until the owner sets one
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE user_schemes(user_id INTEGER NOT NULL, scheme_id TEXT NOT NULL, PRIMARY KEY (user_id, scheme_id)) WITHOUT ROWID;
CREATE TABLE password_tokens(
  token_hash TEXT PRIMARY KEY,     -- BLAKE2b of the one-time set-password token; the token itself is never kept
  user_id INTEGER NOT NULL,
  expires_at INTEGER NOT NULL      -- Unix seconds
) WITHOUT ROWID;
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,                -- UTC, ISO 8601
  user_id INTEGER,
  email TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT,                     -- JSON
  after TEXT,
  outcome TEXT NOT NULL            -- allowed, denied, failed
);
CREATE TABLE watch_messages(
  id INTEGER PRIMARY KEY,
  scheme_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('join', 'message')),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,     -- Unix seconds
  read_at INTEGER,
  delete_token_hash TEXT NOT NULL  -- BLAKE2b of the applicant's own delete token
);
CREATE INDEX watch_messages_by_scheme ON watch_messages(scheme_id, created_at);
ALTER TABLE watch_schemes ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'hidden'));
)sql";

// Version 3: victim support services per force (support/<force>.json).
constexpr const char* schema_v3_sql = R"sql(
CREATE TABLE force_support(
  force TEXT PRIMARY KEY,
  services TEXT NOT NULL           -- JSON array of {"name", "helps", "telephone", "web"}
) WITHOUT ROWID;
)sql";

// Version 4: message ids are never used twice (AUTOINCREMENT; the audit log names messages
// by id), the public forms' secrets are kept, and an account's sessions can be ended from
// outside the server (session_epoch). The messages table is copied into its new form; ids
// that deleted messages had (the largest the table or the audit log has seen) stay used.
constexpr const char* schema_v4_sql = R"sql(
CREATE TABLE watch_messages_v4(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scheme_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('join', 'message')),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,     -- Unix seconds
  read_at INTEGER,
  delete_token_hash TEXT NOT NULL  -- BLAKE2b of the applicant's own delete token
);
INSERT INTO watch_messages_v4 SELECT id, scheme_id, kind, name, email, phone, text, created_at, read_at, delete_token_hash
  FROM watch_messages;
DROP TABLE watch_messages;
ALTER TABLE watch_messages_v4 RENAME TO watch_messages;
CREATE INDEX watch_messages_by_scheme ON watch_messages(scheme_id, created_at);
INSERT INTO sqlite_sequence(name, seq)
  SELECT 'watch_messages', max(coalesce((SELECT max(id) FROM watch_messages), 0),
                               coalesce((SELECT max(CAST(substr(target, instr(target, '/message/') + 9) AS INTEGER))
                                         FROM audit_log WHERE target LIKE 'watch/%/message/%'), 0))
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'watch_messages');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(CAST(substr(target, instr(target, '/message/') + 9) AS INTEGER))
                                                    FROM audit_log WHERE target LIKE 'watch/%/message/%'), 0))
  WHERE name = 'watch_messages';
CREATE TABLE form_secrets(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  secret TEXT NOT NULL,            -- 256 random bits; keys the public forms' tokens
  created_at INTEGER NOT NULL      -- Unix seconds; the newest is in use, the one before still accepted
);
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;  -- sessions of an older epoch are ended
)sql";

// Version 5: what was edited through the app, kept across imports (data/store/local_edits.hpp).
constexpr const char* schema_v5_sql = R"sql(
CREATE TABLE local_edits(
  entity TEXT NOT NULL,            -- neighbourhood, watch-scheme
  key TEXT NOT NULL,               -- force/id, or the scheme id
  field TEXT NOT NULL,             -- a details member or a column
  upstream TEXT,                   -- JSON: the field as imported before its first edit; NULL for none
  edited_at TEXT NOT NULL,
  PRIMARY KEY (entity, key, field)
) WITHOUT ROWID;
CREATE TABLE import_conflicts(
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  field TEXT NOT NULL,
  upstream TEXT NOT NULL,          -- JSON: the newer imported value, not applied over the edit
  source TEXT NOT NULL,            -- the file it came from
  at TEXT NOT NULL,
  PRIMARY KEY (entity, key, field)
) WITHOUT ROWID;
)sql";

// Version 6: mail. The outbox holds every mail until the relay has accepted it
// (data/mail/outbox.hpp); mail_notices when each coordinator's latest notice of new messages
// was due, so that they get at most one in each interval; subscriptions residents' requests
// for a mail when their neighbourhood's new month of figures is loaded (data/watch/subscriptions.hpp).
constexpr const char* schema_v6_sql = R"sql(
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,              -- set-password, coordinator-notice, ...
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,         -- '' once failed: a link in it is not kept
  html_body TEXT NOT NULL,
  headers TEXT NOT NULL,           -- JSON array of [name, value]
  message_token TEXT NOT NULL,     -- the Message-ID's local part, the same for every try
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'failed')),
  created_at INTEGER NOT NULL,     -- Unix seconds
  next_attempt_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  digest TEXT                      -- JSON: what a batched notice counts, while it is queued
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE TABLE mail_notices(
  user_id INTEGER PRIMARY KEY,
  due_at INTEGER NOT NULL          -- Unix seconds: when the latest notice to this account was due
);
CREATE TABLE subscriptions(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL COLLATE NOCASE,
  force TEXT NOT NULL,
  neighbourhood TEXT NOT NULL,
  confirm_token_hash TEXT,         -- BLAKE2b of the confirmation link's token; NULL once confirmed
  unsubscribe_token TEXT NOT NULL UNIQUE,  -- kept as it is: every alert carries it, and it can only end this row
  created_at INTEGER NOT NULL,     -- Unix seconds; an unconfirmed row goes after 7 days
  confirmed_at INTEGER,
  UNIQUE(email, force, neighbourhood)
);
)sql";

void apply_connection_settings(Database& db) {
    db.exec("PRAGMA journal_mode=WAL");
    // NORMAL keeps WAL commits atomic when the process dies; FULL is for messages (issue 5).
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA cache_size=-262144");  // 256 MiB
    db.exec("PRAGMA temp_store=MEMORY");
}

}  // namespace

namespace {

void check_version(Database& db, const std::string& where) {
    auto version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'", -1);
    if (version != schema_version)
        throw std::runtime_error(where + ": store has schema version " + std::to_string(version) + ", this build uses " +
                                 std::to_string(schema_version));
}

}  // namespace

Database open_store_for_writing(const std::string& path) {
    if (pg::is_uri(path)) {
        auto db = Database::postgresql(path);
        create_postgres_schema(db, schema_version);
        check_version(db, db.path());
        return db;
    }
    Database db(path, Database::mode::create);
    db.load_spatialite();
    apply_connection_settings(db);
    std::int64_t tables = db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'meta'");
    if (tables == 0) {
        Transaction tx(db);
        // 0: inside our transaction, so a failed creation leaves no half-made store.
        if (db.query_int("SELECT InitSpatialMetadata(0, 'WGS84')") != 1)
            throw sqlite_error(path + ": SpatiaLite could not create its metadata tables");
        db.exec(schema_sql);
        db.exec(schema_v2_sql);
        db.exec(schema_v3_sql);
        db.exec(schema_v4_sql);
        db.exec(schema_v5_sql);
        db.exec(schema_v6_sql);
        if (db.query_int("SELECT count(*) FROM geometry_columns") != 2)
            throw sqlite_error(path + ": SpatiaLite could not add the geometry columns");
        db.exec("INSERT INTO meta VALUES ('schema_version', '" + std::to_string(schema_version) + "')");
        tx.commit();
    } else {
        auto version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'", -1);
        // An older store is brought up to date one version at a time, each step in one
        // transaction; everything stored is kept.
        for (auto [from, sql] : {std::pair{1, schema_v2_sql}, std::pair{2, schema_v3_sql}, std::pair{3, schema_v4_sql},
                                  std::pair{4, schema_v5_sql}, std::pair{5, schema_v6_sql}}) {
            if (version != from) continue;
            Transaction tx(db);
            db.exec(sql);
            db.exec("UPDATE meta SET value = '" + std::to_string(from + 1) + "' WHERE key = 'schema_version'");
            tx.commit();
            version = from + 1;
        }
        if (version != schema_version)
            throw std::runtime_error(path + ": store has schema version " + std::to_string(version) +
                                     ", this build uses " + std::to_string(schema_version));
    }
    return db;
}

Database open_store_for_reading(const std::string& path, bool spatialite) {
    if (pg::is_uri(path)) {
        auto db = Database::postgresql(path);
        if (!has_postgres_schema(db))
            throw std::runtime_error(db.path() + ": no crimemap store in this database (run crimemap import first)");
        check_version(db, db.path());
        db.exec("SET default_transaction_read_only = on");
        return db;
    }
    if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such store (run crimemap import first)");
    Database db(path, Database::mode::read_only);
    if (spatialite) db.load_spatialite();
    // Readers scan tables once (the server's load) or look up a few rows: a small cache will do.
    db.exec("PRAGMA cache_size=-16384");
    check_version(db, path);
    return db;
}

void bump_data_version(Database& db) {
    db.exec("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'");
}

void bump_map_version(Database& db) {
    db.exec("INSERT INTO meta VALUES ('map_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)");
    bump_data_version(db);
}

void announce_import(Database& db) {
    db.exec("INSERT INTO meta VALUES ('import_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)");
    if (db.is_postgresql()) {
        Statement notify(db, "SELECT pg_notify(?, ?)");
        notify.bind(1, std::string_view(import_channel)).bind(2, std::to_string(import_version(db)));
        while (notify.step()) {
        }
    }
}

std::int64_t import_version(Database& db) {
    return db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'import_version'", 0);
}

}  // namespace crimemap::data
