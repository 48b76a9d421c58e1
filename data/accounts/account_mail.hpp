#pragma once
// The mails that carry an account's one-time set-password link to the account's own address:
// the only mail crimemap sends to an address that did not ask for mail.

#include "data/store/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace crimemap::data {

enum class link_reason {
    new_account,  ///< `crimemap user add --send-link`
    reset,        ///< `crimemap user reset --send-link`: password and sessions have ended
    forgotten,    ///< "Forgot your password?" on /signin: the password stays until a new one is set
};

/// Queues the link's mail (call it in the transaction that made the token). `link` is the
/// absolute set-password URL; `lifetime` how long it works, as the mail tells.
std::int64_t queue_password_link(Database& db, std::string_view email, std::string_view link, link_reason reason,
                                 std::chrono::seconds lifetime);

}  // namespace crimemap::data
