#include "data/watch/watch_notices.hpp"

#include "data/mail/outbox.hpp"
#include "data/vocabulary/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace crimemap::data {

namespace {

std::string counted(std::int64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string interval_text(std::int64_t seconds) {
    if (seconds >= 120 && seconds % 60 == 0) return counted(seconds / 60, "minute", "minutes");
    return counted(seconds, "second", "seconds");
}

// The notice's subject and bodies from its digest: counts by scheme and kind, nothing more.
void render(outgoing_mail& mail, const nlohmann::json& digest, std::string_view inbox_url, std::int64_t interval) {
    std::int64_t total = 0;
    std::string lines, items;
    for (const auto& [id, scheme] : digest.at("schemes").items()) {
        std::int64_t messages = scheme.value("message", 0), joins = scheme.value("join", 0);
        total += messages + joins;
        std::string what;
        if (messages) what = counted(messages, "message", "messages");
        if (joins) what += (what.empty() ? "" : ", ") + counted(joins, "request to join", "requests to join");
        const auto name = scheme.at("name").get<std::string>();
        lines += "- " + name + ": " + what + "\n";
        items += "<li>" + escape_markup(name) + ": " + what + "</li>";
    }
    const auto& schemes = digest.at("schemes");
    mail.subject = counted(total, "new message", "new messages") + " for " +
                   (schemes.size() == 1 ? schemes.begin()->at("name").get<std::string>()
                                        : std::string("your Neighbourhood Watch schemes"));
    const std::string privacy = "For residents' privacy this mail holds no names, addresses or messages: "
                                "they are only in your inbox.";
    const std::string rate = "You get at most one of these emails every " + interval_text(interval) + ".";
    mail.text = "Hello,\n\nResidents have written to your Neighbourhood Watch through crimemap:\n\n" + lines +
                "\nRead and answer them in your inbox (sign in first):\n" + std::string(inbox_url) + "\n\n" + privacy +
                "\n" + rate + "\n";
    mail.html = html_mail(mail.subject, "<p>Hello,</p>\n<p>Residents have written to your Neighbourhood Watch through "
                                        "crimemap:</p>\n<ul>" + items + "</ul>\n<p><a href=\"" + escape_markup(inbox_url) +
                                            "\">Read and answer them in your inbox</a> (sign in first).</p>\n<p>" +
                                            privacy + " " + rate + "</p>");
}

}  // namespace

int notify_coordinators(Database& db, std::string_view scheme_id, std::string_view kind, std::string_view inbox_url,
                        std::int64_t interval_seconds, std::int64_t now) {
    std::string name(scheme_id);
    {
        Statement scheme(db, "SELECT name FROM watch_schemes WHERE id = ?");
        scheme.bind(1, scheme_id);
        if (scheme.step()) name = scheme.column_text(0);
    }
    // A name is one line wherever it goes (an imported one may hold line breaks).
    for (auto& c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    std::vector<std::pair<std::int64_t, std::string>> coordinators;
    {
        Statement select(db, "SELECT u.id, u.email FROM users u JOIN user_schemes s ON s.user_id = u.id "
                             "WHERE s.scheme_id = ? AND u.role = 'coordinator' AND u.disabled = 0 ORDER BY u.id");
        select.bind(1, scheme_id);
        while (select.step()) coordinators.emplace_back(select.column_int(0), std::string(select.column_text(1)));
    }
    const std::string key(kind == "join" ? "join" : "message");
    for (const auto& [user_id, email] : coordinators) {
        // A notice not yet tried is still open: what came meanwhile is added to it.
        Statement open(db, "SELECT id, digest FROM outbox WHERE kind = 'coordinator-notice' AND status = 'queued' "
                           "AND attempts = 0 AND " + sql::json_integer(db, "digest", "user") + " = ? ORDER BY id DESC LIMIT 1");
        open.bind(1, user_id);
        outgoing_mail mail;
        mail.kind = "coordinator-notice";
        mail.to = email;
        if (open.step()) {
            auto id = open.column_int(0);
            auto digest = nlohmann::json::parse(open.column_text(1));
            open.reset();
            auto& scheme = digest["schemes"][std::string(scheme_id)];
            scheme["name"] = name;
            scheme[key] = scheme.value(key, 0) + 1;
            render(mail, digest, inbox_url, interval_seconds);
            Statement update(db, "UPDATE outbox SET subject = ?, text_body = ?, html_body = ?, digest = ? WHERE id = ?");
            update.bind(1, mail.subject).bind(2, mail.text).bind(3, mail.html).bind(4, digest.dump()).bind(5, id);
            update.run();
            continue;
        }
        open.reset();
        std::int64_t due = now;
        {
            Statement last(db, "SELECT due_at FROM mail_notices WHERE user_id = ?");
            last.bind(1, user_id);
            if (last.step()) due = std::max(now, last.column_int(0) + interval_seconds);
        }
        nlohmann::json digest{{"user", user_id}, {"schemes", {{std::string(scheme_id), {{"name", name}, {key, 1}}}}}};
        render(mail, digest, inbox_url, interval_seconds);
        mail.not_before = due;
        auto id = queue_mail(db, mail);
        Statement keep(db, "UPDATE outbox SET digest = ? WHERE id = ?");
        keep.bind(1, digest.dump()).bind(2, id);
        keep.run();
        Statement remember(db, "INSERT INTO mail_notices(user_id, due_at) VALUES (?, ?) "
                               "ON CONFLICT(user_id) DO UPDATE SET due_at = excluded.due_at");
        remember.bind(1, user_id).bind(2, due);
        remember.run();
    }
    return static_cast<int>(coordinators.size());
}

}  // namespace crimemap::data
