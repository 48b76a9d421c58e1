#include "data/mail/outbox.hpp"

#include "data/accounts/accounts.hpp"
#include "data/vocabulary/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

namespace crimemap::data {

std::int64_t queue_mail(Database& db, const outgoing_mail& mail) {
    if (auto problem = email_problem(mail.to); !problem.empty()) throw account_error("the recipient " + problem);
    auto now = static_cast<std::int64_t>(std::time(nullptr));
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : mail.headers) headers.push_back({name, value});
    Statement insert(db, "INSERT INTO outbox(kind, recipient, subject, text_body, html_body, headers, message_token, "
                         "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, mail.kind).bind(2, mail.to).bind(3, mail.subject).bind(4, mail.text).bind(5, mail.html);
    insert.bind(6, headers.dump()).bind(7, random_token()).bind(8, now).bind(9, std::max(now, mail.not_before));
    insert.run();
    return db.last_insert_rowid();
}

std::optional<queued_mail> claim_due_mail(Database& db, std::int64_t now, std::chrono::seconds first_retry) {
    Transaction tx(db);
    Statement select(db, "SELECT id, kind, recipient, subject, text_body, html_body, headers, message_token, created_at, "
                         "attempts FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? "
                         "ORDER BY next_attempt_at, id LIMIT 1");
    select.bind(1, now);
    if (!select.step()) return std::nullopt;
    queued_mail out;
    out.id = select.column_int(0);
    out.mail.kind = select.column_text(1);
    out.mail.to = select.column_text(2);
    out.mail.subject = select.column_text(3);
    out.mail.text = select.column_text(4);
    out.mail.html = select.column_text(5);
    for (const auto& pair : nlohmann::json::parse(select.column_text(6)))
        out.mail.headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    out.message_token = select.column_text(7);
    out.created_at = select.column_int(8);
    out.attempts = select.column_int(9) + 1;
    select.reset();
    auto wait = first_retry.count() << std::min<std::int64_t>(out.attempts - 1, 20);
    Statement claim(db, "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?");
    claim.bind(1, out.attempts).bind(2, now + std::min<std::int64_t>(wait, 4 * 3600)).bind(3, out.id);
    claim.run();
    tx.commit();
    return out;
}

void mail_delivered(Database& db, std::int64_t id) {
    Statement remove(db, "DELETE FROM outbox WHERE id = ?");
    remove.bind(1, id);
    remove.run();
}

bool mail_not_delivered(Database& db, std::int64_t id, std::string_view error, bool permanent, std::int64_t now,
                        std::chrono::seconds give_up_after) {
    Statement update(db, "UPDATE outbox SET last_error = ?1, "
                         "status = CASE WHEN ?2 OR created_at + ?3 <= ?4 THEN 'failed' ELSE status END, "
                         "text_body = CASE WHEN ?2 OR created_at + ?3 <= ?4 THEN '' ELSE text_body END, "
                         "html_body = CASE WHEN ?2 OR created_at + ?3 <= ?4 THEN '' ELSE html_body END "
                         "WHERE id = ?5 RETURNING status");
    update.bind(1, error).bind(2, std::int64_t{permanent}).bind(3, static_cast<std::int64_t>(give_up_after.count()));
    update.bind(4, now).bind(5, id);
    bool failed = update.step() && update.column_text(0) == "failed";
    update.reset();
    return failed;
}

std::int64_t purge_failed_mail(Database& db, std::chrono::seconds age) {
    Statement remove(db, "DELETE FROM outbox WHERE status = 'failed' AND created_at < ?");
    remove.bind(1, static_cast<std::int64_t>(std::time(nullptr)) - static_cast<std::int64_t>(age.count()));
    remove.run();
    return db.changes();
}

outbox_counts read_outbox_counts(Database& db) {
    outbox_counts out;
    Statement select(db, "SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'failed'), "
                         "coalesce(min(created_at) FILTER (WHERE status = 'queued'), 0) FROM outbox");
    if (select.step()) {
        out.queued = select.column_int(0);
        out.failed = select.column_int(1);
        out.oldest_queued_at = select.column_int(2);
    }
    return out;
}

}  // namespace crimemap::data

namespace crimemap::data {

std::string html_mail(std::string_view title, std::string_view body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           escape_markup(title) +
           "</title>\n</head>\n<body style=\"font-family: sans-serif; font-size: 16px; line-height: 1.5; "
           "color: #0b0c0c; max-width: 40em; margin: 0 auto; padding: 1em;\">\n<main>\n" +
           std::string(body) + "\n</main>\n</body>\n</html>\n";
}

}  // namespace crimemap::data
