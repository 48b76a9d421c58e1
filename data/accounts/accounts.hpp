#pragma once
// Accounts of the people who write to the system: admins, local policing teams (one force and
// neighbourhood) and Watch coordinators (one or more schemes). Passwords are argon2id hashes;
// set-password links carry a random token of which the store keeps only a hash.

#include "data/store/sqlite.hpp"

#include <chrono>
#include <initializer_list>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crimemap::data {

enum class role { admin, team, coordinator };
std::string_view role_name(role r);
std::optional<role> parse_role(std::string_view text);

struct user {
    std::int64_t id = 0;
    std::string email;
    role kind = role::team;
    std::string force, neighbourhood;  ///< a team's scope
    std::vector<std::string> schemes;  ///< a coordinator's scope, by scheme id
    bool disabled = false;
    bool has_password = false;
    std::int64_t session_epoch = 0;  ///< a session begun under an older epoch has ended
};

/// A request to change accounts that cannot be met; what() says why, naming the field.
class account_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::size_t min_password_length = 12, max_password_length = 128;

/// Why a password cannot be used (too short or long, counted in characters), or "" when it can.
/// No composition rules: any characters, pasted or typed.
std::string password_problem(std::string_view password);
/// Why an email address cannot be used, or "" when it can: one '@', a dotted domain, no spaces
/// or control characters (so it can never become a mail header), at most 254 bytes.
std::string email_problem(std::string_view email);

/// Why text cannot be a one-line field (a name, a title, a telephone number), or "" when it can:
/// no control characters (NUL, CR, LF, U+0085 and the other Cc) and no line or paragraph
/// separators (U+2028, U+2029), in valid UTF-8. Messages start lower case: "must be ...".
std::string one_line_problem(std::string_view text);
/// The same for text of many lines (a description, a message): line breaks and tabs may be in it.
std::string multi_line_problem(std::string_view text);
/// Why text cannot be a link of a field that takes `schemes` (of "http", "https", "mailto",
/// "tel"), or "" when it can: `javascript:` and every other scheme are refused.
std::string url_problem(std::string_view text, std::initializer_list<std::string_view> schemes);

/// argon2id through libsodium with 2 passes over 19 MiB (OWASP's minimum), as a PHC string.
std::string hash_password(std::string_view password);
/// True when `password` matches `hash`; false for a wrong password or a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);
/// Spends the time of one verification, so an unknown account fails as slowly as a wrong password.
void verify_nothing(std::string_view password);

/// 256 random bits as 43 URL-safe base64 characters.
std::string random_token();
/// True when both are the same non-empty token; compares in constant time (sodium_memcmp), so
/// the time taken does not tell how much of a guess was right.
bool same_token(std::string_view given, std::string_view expected);
/// What the store keeps instead of a token: its BLAKE2b digest in hex.
std::string token_hash(std::string_view token);

/// Adds an account; throws account_error for a bad or taken email, or a scope that does not fit
/// the role or does not exist in the store.
std::int64_t add_user(Database& db, const user& u);
std::optional<user> find_user(Database& db, std::int64_t id);
/// The account and its password hash ("" when none is set).
std::optional<std::pair<user, std::string>> find_user_by_email(Database& db, std::string_view email);
std::vector<user> list_users(Database& db);
/// Disables an account and ends its set-password links; false when there is no such account.
bool disable_user(Database& db, std::string_view email);
void set_password_hash(Database& db, std::int64_t user_id, std::string_view hash);
/// Resets an account: its password and set-password links go, its sessions end (even in a
/// running server: the account's session epoch moves on), and a new link is made, valid for
/// `lifetime`. Returns the link's token; throws account_error for an unknown or disabled account.
std::string reset_user(Database& db, std::string_view email, std::chrono::seconds lifetime);

/// The secrets that key the public forms' tokens, newest first: the one in use and the one
/// before it (still accepted, so a form opened before a rotation still sends). A new secret is
/// made when there is none or the newest is older than `rotate_after`; older ones are deleted.
std::vector<std::string> form_secrets(Database& db, std::chrono::seconds rotate_after);
/// Now in UTC as ISO 8601 text (2026-12-02T08:15:00Z), as the store keeps times of edits.
std::string utc_now_text();

/// The stored form secrets, newest first, as they are (another replica may have rotated them).
std::vector<std::string> stored_form_secrets(Database& db);

/// A one-time set-password token for the account, valid for `lifetime`.
std::string create_password_token(Database& db, std::int64_t user_id, std::chrono::seconds lifetime);
/// Uses up a set-password token: the account it was for, or nullopt when it is unknown,
/// used or expired.
std::optional<std::int64_t> use_password_token(Database& db, std::string_view token);
/// The account a set-password token is for, without using it up (a read): nullopt when the
/// token is unknown, used or expired, or the account is disabled.
std::optional<user> password_token_account(Database& db, std::string_view token);

/// One line of the audit log: who did what to what, before → after, and whether it was allowed.
struct audit_entry {
    std::optional<std::int64_t> user_id;
    std::string email;   ///< the actor's, as known
    std::string action;  ///< e.g. "PUT /api/essex/E01/people", "login"
    std::string target;  ///< e.g. "essex/E01"
    std::string before, after;  ///< JSON, or ""
    std::string outcome;  ///< "allowed", "denied", "failed"
};
void audit(Database& db, const audit_entry& entry);

}  // namespace crimemap::data
