#pragma once
// The outbox: every mail crimemap sends is first a row in the store, written in the same
// transaction as what caused it, so a mail is never lost nor sent for something that did not
// happen. serve's sender (server/mail/mail_sender.hpp) takes due rows, sends them, and deletes
// each once the relay has accepted it; a row it was sending when the process died is sent
// again (at most the mails in flight go twice).

#include "data/store/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crimemap::data {

struct outgoing_mail {
    std::string kind;      ///< what it is for: "set-password", "coordinator-notice", ...
    std::string to;        ///< checked by email_problem when queued
    std::string subject, text, html;
    std::vector<std::pair<std::string, std::string>> headers;  ///< further headers (List-Unsubscribe)
    std::int64_t not_before = 0;  ///< Unix seconds; 0: now
};

/// Puts a mail in the outbox; call it inside the transaction of its cause. Returns its id.
/// Throws account_error for a recipient address that cannot be used.
std::int64_t queue_mail(Database& db, const outgoing_mail& mail);

struct queued_mail {
    std::int64_t id = 0;
    outgoing_mail mail;
    std::string message_token;  ///< the stable Message-ID's local part, made when queued
    std::int64_t created_at = 0, attempts = 0;
};

/// Takes the due mail that waited longest (next attempt at or before `now`) for a try: counts
/// the try and moves its next attempt on by the backoff (`first_retry`, doubled with each try,
/// at most 4 hours), so a process that dies while sending tries it again then. nullopt: none due.
std::optional<queued_mail> claim_due_mail(Database& db, std::int64_t now, std::chrono::seconds first_retry);
/// The relay accepted the mail: its row goes.
void mail_delivered(Database& db, std::int64_t id);
/// A try failed. A mail older than `give_up_after`, or refused for good (`permanent`), is marked
/// failed: its bodies (which may hold a link) are dropped, its recipient and error kept for the
/// operator. Returns true when it was marked failed; otherwise it waits for its next attempt.
bool mail_not_delivered(Database& db, std::int64_t id, std::string_view error, bool permanent, std::int64_t now,
                        std::chrono::seconds give_up_after);
/// Deletes failed rows older than `age`; how many went.
std::int64_t purge_failed_mail(Database& db, std::chrono::seconds age);

struct outbox_counts {
    std::int64_t queued = 0, failed = 0;
    std::int64_t oldest_queued_at = 0;  ///< Unix seconds; 0 when nothing is queued
};
outbox_counts read_outbox_counts(Database& db);

}  // namespace crimemap::data

namespace crimemap::data {

/// A whole HTML document for a mail's HTML part: language, character set and title given, one
/// column of readable text; `body` is markup (escape what goes into it with escape_markup).
std::string html_mail(std::string_view title, std::string_view body);

}  // namespace crimemap::data
