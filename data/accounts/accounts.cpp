#include "data/accounts/accounts.hpp"

#include "data/vocabulary/text.hpp"

#include <sodium.h>

#include <array>
#include <ctime>

namespace crimemap::data {

namespace {

constexpr unsigned long long password_passes = 2;
constexpr std::size_t password_memory = 19 * 1024 * 1024;

void require_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }


user read_user(Database& db, Statement& row) {
    user u;
    u.id = row.column_int(0);
    u.email = std::string(row.column_text(1));
    u.kind = parse_role(row.column_text(2)).value_or(role::team);
    if (!row.is_null(3)) u.force = std::string(row.column_text(3));
    if (!row.is_null(4)) u.neighbourhood = std::string(row.column_text(4));
    u.disabled = row.column_int(5) != 0;
    u.has_password = !row.is_null(6);
    u.session_epoch = row.column_int(7);
    Statement schemes(db, "SELECT scheme_id FROM user_schemes WHERE user_id = ? ORDER BY scheme_id");
    schemes.bind(1, u.id);
    while (schemes.step()) u.schemes.emplace_back(schemes.column_text(0));
    return u;
}

constexpr const char* user_columns = "SELECT id, email, role, force, neighbourhood, disabled, password_hash, session_epoch FROM users ";

}  // namespace

std::string_view role_name(role r) {
    switch (r) {
        case role::admin: return "admin";
        case role::team: return "team";
        case role::coordinator: return "coordinator";
    }
    return "team";
}

std::optional<role> parse_role(std::string_view text) {
    if (text == "admin") return role::admin;
    if (text == "team") return role::team;
    if (text == "coordinator") return role::coordinator;
    return std::nullopt;
}

std::string password_problem(std::string_view password) {
    auto length = utf8_length(password);
    if (length < min_password_length)
        return "must be at least " + std::to_string(min_password_length) + " characters";
    if (length > max_password_length) return "must be at most " + std::to_string(max_password_length) + " characters";
    return {};
}

std::string email_problem(std::string_view email) {
    if (email.empty()) return "is required";
    if (email.size() > 254) return "must be at most 254 characters";
    for (unsigned char c : email)
        if (c <= ' ' || c == 0x7f) return "must not contain spaces or control characters";
    if (!one_line_problem(email).empty()) return "must not contain spaces or control characters";
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
        return "must be an address like name@example.org";
    auto domain = email.substr(at + 1);
    auto dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || domain.back() == '.')
        return "must be an address like name@example.org";
    return {};
}

namespace {

// The first character that a field of `one_line` kind may not hold, as a reason; "" when none.
std::string character_problem(std::string_view text, bool one_line) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size()) return "must be valid UTF-8 text";
        char32_t code = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return "must be valid UTF-8 text";
            code = (code << 6) | (next & 0x3F);
        }
        const bool line_break = code == '\n' || code == '\r' || code == '\t';
        if ((code < 0x20 && !(line_break && !one_line)) || (code >= 0x7F && code <= 0x9F))
            return one_line ? "must be on one line, without control characters" : "must not contain control characters";
        if (one_line && (code == 0x2028 || code == 0x2029)) return "must be on one line, without line or paragraph separators";
        i += length;
    }
    return {};
}

}  // namespace

std::string one_line_problem(std::string_view text) { return character_problem(text, true); }

std::string multi_line_problem(std::string_view text) { return character_problem(text, false); }

std::string url_problem(std::string_view text, std::initializer_list<std::string_view> schemes) {
    std::string wanted;
    for (auto scheme : schemes) {
        const bool hierarchical = scheme == "http" || scheme == "https";
        const std::string prefix = std::string(scheme) + (hierarchical ? "://" : ":");
        wanted += (wanted.empty() ? "" : ", ") + prefix;
        if (lower(text.substr(0, prefix.size())) == prefix && text.size() > prefix.size()) {
            for (unsigned char c : text)
                if (c <= ' ' || c == 0x7f) return "must be a link without spaces or control characters";
            return {};
        }
    }
    return "must be a link starting " + wanted;
}

std::string hash_password(std::string_view password) {
    require_sodium();
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), password_passes, password_memory,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("out of memory hashing a password");
    return out.data();
}

bool verify_password(std::string_view hash, std::string_view password) {
    require_sodium();
    std::string text(hash);  // NUL-terminated
    return !text.empty() && crypto_pwhash_str_verify(text.c_str(), password.data(), password.size()) == 0;
}

void verify_nothing(std::string_view password) {
    static const std::string decoy = hash_password("a decoy password nobody has");
    (void)verify_password(decoy, password);
}

std::string random_token() {
    require_sodium();
    std::array<unsigned char, 32> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    std::array<char, 64> text{};
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text.data();
}

bool same_token(std::string_view given, std::string_view expected) {
    require_sodium();
    // A length differs only for a malformed guess; tokens of one kind all have one length.
    if (given.empty() || given.size() != expected.size()) return false;
    return sodium_memcmp(given.data(), expected.data(), given.size()) == 0;
}

std::string token_hash(std::string_view token) {
    require_sodium();
    std::array<unsigned char, 32> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       nullptr, 0);
    std::array<char, 65> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return hex.data();
}

std::int64_t add_user(Database& db, const user& u) {
    if (auto problem = email_problem(u.email); !problem.empty()) throw account_error("email: " + problem);
    if (u.kind == role::team) {
        if (u.force.empty() || u.neighbourhood.empty())
            throw account_error("a team account needs --force and --neighbourhood");
        Statement known(db, "SELECT 1 FROM neighbourhoods WHERE force = ? AND id = ?");
        known.bind(1, u.force).bind(2, u.neighbourhood);
        if (!known.step())
            throw account_error("no neighbourhood '" + u.neighbourhood + "' of force '" + u.force + "' in the store");
    } else if (!u.force.empty() || !u.neighbourhood.empty()) {
        throw account_error("--force and --neighbourhood are for team accounts only");
    }
    if (u.kind == role::coordinator) {
        if (u.schemes.empty()) throw account_error("a coordinator account needs --scheme");
        for (const auto& scheme : u.schemes) {
            Statement known(db, "SELECT 1 FROM watch_schemes WHERE id = ?");
            known.bind(1, scheme);
            if (!known.step()) throw account_error("no Watch scheme '" + scheme + "' in the store");
        }
    } else if (!u.schemes.empty()) {
        throw account_error("--scheme is for coordinator accounts only");
    }
    Statement taken(db, "SELECT 1 FROM users WHERE email = ?");
    taken.bind(1, u.email);
    if (taken.step()) throw account_error("email: " + u.email + " already has an account");
    Transaction tx(db);
    Statement insert(db, "INSERT INTO users(email, role, force, neighbourhood, disabled, created_at) "
                         "VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), 0, ?)");
    insert.bind(1, u.email).bind(2, role_name(u.kind)).bind(3, u.force).bind(4, u.neighbourhood).bind(5, utc_now_text());
    insert.run();
    auto id = db.last_insert_rowid();
    Statement scheme(db, "INSERT INTO user_schemes(user_id, scheme_id) VALUES (?, ?)");
    for (const auto& s : u.schemes) {
        scheme.bind(1, id).bind(2, s);
        scheme.run();
    }
    tx.commit();
    return id;
}

std::optional<user> find_user(Database& db, std::int64_t id) {
    Statement select(db, std::string(user_columns) + "WHERE id = ?");
    select.bind(1, id);
    if (!select.step()) return std::nullopt;
    return read_user(db, select);
}

std::optional<std::pair<user, std::string>> find_user_by_email(Database& db, std::string_view email) {
    Statement select(db, std::string(user_columns) + "WHERE email = ?");
    select.bind(1, email);
    if (!select.step()) return std::nullopt;
    std::string hash = select.is_null(6) ? std::string() : std::string(select.column_text(6));
    return std::pair{read_user(db, select), hash};
}

std::vector<user> list_users(Database& db) {
    std::vector<user> out;
    Statement select(db, std::string(user_columns) + "ORDER BY email");
    while (select.step()) out.push_back(read_user(db, select));
    return out;
}

bool disable_user(Database& db, std::string_view email) {
    Transaction tx(db);
    Statement update(db, "UPDATE users SET disabled = 1 WHERE email = ?");
    update.bind(1, email);
    update.run();
    if (db.changes() == 0) return false;
    Statement tokens(db, "DELETE FROM password_tokens WHERE user_id = (SELECT id FROM users WHERE email = ?)");
    tokens.bind(1, email);
    tokens.run();
    tx.commit();
    return true;
}

void set_password_hash(Database& db, std::int64_t user_id, std::string_view hash) {
    Statement update(db, "UPDATE users SET password_hash = ? WHERE id = ?");
    update.bind(1, hash).bind(2, user_id);
    update.run();
}

std::string reset_user(Database& db, std::string_view email, std::chrono::seconds lifetime) {
    Transaction tx(db);
    auto found = find_user_by_email(db, email);
    if (!found) throw account_error("email: no account " + std::string(email));
    if (found->first.disabled) throw account_error("email: " + found->first.email + " is disabled");
    const auto id = found->first.id;
    Statement update(db, "UPDATE users SET password_hash = NULL, session_epoch = session_epoch + 1 WHERE id = ?");
    update.bind(1, id);
    update.run();
    Statement tokens(db, "DELETE FROM password_tokens WHERE user_id = ?");
    tokens.bind(1, id);
    tokens.run();
    auto token = create_password_token(db, id, lifetime);
    tx.commit();
    return token;
}

std::string utc_now_text() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::vector<std::string> stored_form_secrets(Database& db) {
    std::vector<std::string> out;
    Statement select(db, "SELECT secret FROM form_secrets ORDER BY id DESC");
    while (select.step()) out.emplace_back(select.column_text(0));
    return out;
}

std::vector<std::string> form_secrets(Database& db, std::chrono::seconds rotate_after) {
    Transaction tx(db);
    // Replicas rotate one at a time: two new secrets at once would push out the one in use.
    if (db.is_postgresql()) db.exec("SELECT pg_advisory_xact_lock(7316351)");
    std::int64_t newest = 0;
    {
        Statement select(db, "SELECT max(created_at) FROM form_secrets");
        if (select.step() && !select.is_null(0)) newest = select.column_int(0);
    }
    if (newest == 0 || now_seconds() - newest >= rotate_after.count()) {
        Statement insert(db, "INSERT INTO form_secrets(secret, created_at) VALUES (?, ?)");
        insert.bind(1, random_token()).bind(2, now_seconds());
        insert.run();
    }
    db.exec("DELETE FROM form_secrets WHERE id NOT IN (SELECT id FROM form_secrets ORDER BY id DESC LIMIT 2)");
    auto out = stored_form_secrets(db);
    tx.commit();
    return out;
}

std::string create_password_token(Database& db, std::int64_t user_id, std::chrono::seconds lifetime) {
    auto token = random_token();
    Statement insert(db, "INSERT INTO password_tokens(token_hash, user_id, expires_at) VALUES (?, ?, ?)");
    insert.bind(1, token_hash(token)).bind(2, user_id).bind(3, now_seconds() + lifetime.count());
    insert.run();
    return token;
}

std::optional<std::int64_t> use_password_token(Database& db, std::string_view token) {
    Transaction tx(db);
    Statement select(db, "SELECT user_id, expires_at FROM password_tokens WHERE token_hash = ?");
    auto hash = token_hash(token);
    select.bind(1, hash);
    if (!select.step()) return std::nullopt;
    auto user_id = select.column_int(0);
    bool fresh = select.column_int(1) > now_seconds();
    select.reset();
    Statement remove(db, "DELETE FROM password_tokens WHERE token_hash = ? OR expires_at <= ?");
    remove.bind(1, hash).bind(2, now_seconds());
    remove.run();
    tx.commit();
    if (!fresh) return std::nullopt;
    return user_id;
}

std::optional<user> password_token_account(Database& db, std::string_view token) {
    Statement select(db, "SELECT user_id FROM password_tokens WHERE token_hash = ? AND expires_at > ?");
    select.bind(1, token_hash(token)).bind(2, now_seconds());
    if (!select.step()) return std::nullopt;
    auto u = find_user(db, select.column_int(0));
    if (!u || u->disabled) return std::nullopt;
    return u;
}

void audit(Database& db, const audit_entry& e) {
    Statement insert(db, "INSERT INTO audit_log(at, user_id, email, action, target, before, after, outcome) "
                         "VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?)");
    insert.bind(1, utc_now_text());
    if (e.user_id) {
        insert.bind(2, *e.user_id);
    } else {
        insert.bind_null(2);
    }
    insert.bind(3, e.email).bind(4, e.action).bind(5, e.target).bind(6, e.before).bind(7, e.after).bind(8, e.outcome);
    insert.run();
}

}  // namespace crimemap::data
