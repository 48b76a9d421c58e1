#include "data/watch/subscriptions.hpp"

#include "data/accounts/accounts.hpp"
#include "data/snapshot/area_summary.hpp"
#include "data/mail/outbox.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "data/vocabulary/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

namespace crimemap::data {

namespace {

// The outbox's note of which subscription a mail is for, so that it can be found again.
std::string subscription_digest(std::int64_t id) { return nlohmann::json{{"subscription", id}}.dump(); }

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string one_line(std::string text) {
    for (auto& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    return text;
}

std::string query_value(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string page_url(std::string_view base, std::string_view force, std::string_view id) {
    return std::string(base) + "/neighbourhood?force=" + query_value(force) + "&id=" + query_value(id);
}

// Every mail of a subscription can end it: RFC 8058's headers name the URL that takes the
// one-click POST; the same URL opened in a browser shows a button (a GET changes nothing).
void add_unsubscribe(outgoing_mail& mail, const std::string& unsubscribe_url) {
    mail.headers.push_back({"List-Unsubscribe", "<" + unsubscribe_url + ">"});
    mail.headers.push_back({"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"});
}

std::string unsubscribe_url(std::string_view base, std::string_view token) {
    return std::string(base) + "/subscriptions/unsubscribe?token=" + std::string(token);
}

}  // namespace

bool request_subscription(Database& db, const subscription_request& r, std::string_view base_url) {
    if (auto problem = email_problem(r.email); !problem.empty()) throw account_error("email " + problem);
    Transaction tx(db);
    Statement find(db, "SELECT id, confirmed_at IS NOT NULL, unsubscribe_token FROM subscriptions "
                       "WHERE email = ? AND force = ? AND neighbourhood = ?");
    find.bind(1, r.email).bind(2, r.force).bind(3, r.neighbourhood);
    const auto confirm = random_token();
    std::string unsubscribe_token;
    if (find.step()) {
        if (find.column_int(1)) return false;  // confirmed already: nothing to send
        auto id = find.column_int(0);
        unsubscribe_token = find.column_text(2);
        find.reset();
        Statement renew(db, "UPDATE subscriptions SET confirm_token_hash = ?, created_at = ? WHERE id = ?");
        renew.bind(1, token_hash(confirm)).bind(2, now_seconds()).bind(3, id);
        renew.run();
        // An earlier confirmation mail still waiting is replaced by this one.
        Statement drop(db, "DELETE FROM outbox WHERE kind = 'subscription-confirm' AND status = 'queued' AND " +
                               sql::json_integer(db, "digest", "subscription") + " = ?");
        drop.bind(1, id);
        drop.run();
    } else {
        find.reset();
        unsubscribe_token = random_token();
        Statement insert(db, "INSERT INTO subscriptions(email, force, neighbourhood, confirm_token_hash, unsubscribe_token, "
                             "created_at) VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, r.email).bind(2, r.force).bind(3, r.neighbourhood).bind(4, token_hash(confirm));
        insert.bind(5, unsubscribe_token).bind(6, now_seconds());
        insert.run();
    }
    auto id = db.query_int("SELECT id FROM subscriptions WHERE unsubscribe_token = '" + unsubscribe_token + "'");
    const auto name = one_line(r.neighbourhood_name.empty() ? r.neighbourhood : r.neighbourhood_name);
    const auto confirm_url = std::string(base_url) + "/subscriptions/confirm?token=" + confirm;
    outgoing_mail mail;
    mail.kind = "subscription-confirm";
    mail.to = r.email;
    mail.subject = "Confirm: email me new crime figures for " + name;
    const std::string asked = "Someone, we hope you, asked crimemap to email this address when new crime figures for " +
                              name + " are published.";
    const std::string nothing = "Nothing more is sent unless you confirm within 7 days. If it was not you, ignore this "
                                "email: the request is deleted by itself.";
    mail.text = "Hello,\n\n" + asked + "\n\nTo confirm, open this link and press the button on the page:\n" + confirm_url +
                "\n\n" + nothing + "\n";
    mail.html = html_mail(mail.subject, "<p>Hello,</p>\n<p>" + escape_markup(asked) + "</p>\n<p><a href=\"" +
                                            escape_markup(confirm_url) +
                                            "\">Confirm that you want these emails</a> (the page has a button to press).</p>\n<p>" +
                                            escape_markup(nothing) + "</p>");
    add_unsubscribe(mail, unsubscribe_url(base_url, unsubscribe_token));
    auto mail_id = queue_mail(db, mail);
    Statement tag(db, "UPDATE outbox SET digest = ? WHERE id = ?");
    tag.bind(1, subscription_digest(id)).bind(2, mail_id);
    tag.run();
    tx.commit();
    return true;
}

bool confirm_subscription(Database& db, std::string_view token) {
    if (token.empty()) return false;
    Statement update(db, "UPDATE subscriptions SET confirmed_at = ?, confirm_token_hash = NULL "
                         "WHERE confirm_token_hash = ? AND confirmed_at IS NULL AND created_at > ?");
    update.bind(1, now_seconds()).bind(2, token_hash(token));
    update.bind(3, now_seconds() - static_cast<std::int64_t>(subscription_confirm_lifetime.count()));
    update.run();
    return db.changes() == 1;
}

bool unsubscribe(Database& db, std::string_view token) {
    if (token.empty()) return false;
    Transaction tx(db);
    Statement find(db, "SELECT id FROM subscriptions WHERE unsubscribe_token = ?");
    find.bind(1, token);
    if (!find.step()) return false;
    auto id = find.column_int(0);
    find.reset();
    Statement drop_mail(db, "DELETE FROM outbox WHERE kind LIKE 'subscription-%' AND " +
                                    sql::json_integer(db, "digest", "subscription") + " = ?");
    drop_mail.bind(1, id);
    drop_mail.run();
    Statement drop(db, "DELETE FROM subscriptions WHERE id = ?");
    drop.bind(1, id);
    drop.run();
    tx.commit();
    return true;
}

std::int64_t purge_unconfirmed_subscriptions(Database& db, std::chrono::seconds age) {
    Statement remove(db, "DELETE FROM subscriptions WHERE confirmed_at IS NULL AND created_at < ?");
    remove.bind(1, now_seconds() - static_cast<std::int64_t>(age.count()));
    remove.run();
    return db.changes();
}

subscription_counts count_subscriptions(Database& db) {
    return {db.query_int("SELECT count(*) FROM subscriptions WHERE confirmed_at IS NOT NULL"),
            db.query_int("SELECT count(*) FROM subscriptions WHERE confirmed_at IS NULL")};
}

namespace {

int months_back(int yyyymm, int n) {
    int index = (yyyymm / 100) * 12 + (yyyymm % 100 - 1) - n;
    return (index / 12) * 100 + index % 12 + 1;
}

// "September 2024": how a person reads a month.
std::string month_name(int yyyymm) {
    static constexpr const char* names[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
    return std::string(names[(yyyymm % 100 + 11) % 12]) + " " + std::to_string(yyyymm / 100);
}

std::string figure(const area_summary& a, std::size_t category) {
    if (!a.month_has_data) return "no figures";
    return std::to_string(category < a.by_category.size() ? a.by_category[category] : 0);
}

struct alert_text {
    std::string subject, text, html;
};

alert_text compose_alert(Database& db, const map_snapshot& s, std::size_t n, int month, std::string_view base,
                         const std::string& unsubscribe) {
    const auto& hood = s.neighbourhoods[n];
    std::span<const std::uint32_t> locations(s.neighbourhood_locations.data() + s.neighbourhood_location_first[n],
                                             s.neighbourhood_location_first[n + 1] - s.neighbourhood_location_first[n]);
    auto now = summarise_area(s, locations, month);
    auto before = summarise_area(s, locations, months_back(month, 1));
    auto year_ago = summarise_area(s, locations, months_back(month, 12));
    const auto name = one_line(hood.name.empty() ? hood.id : hood.name);
    const auto when = month_name(month), when_before = month_name(months_back(month, 1)),
               when_year = month_name(months_back(month, 12));
    alert_text out;
    out.subject = "New crime figures for " + name + ": " + when;
    auto total = [](const area_summary& a) { return a.month_has_data ? std::to_string(a.total) : std::string("no figures"); };
    std::string intro = std::to_string(now.total) + " crimes were recorded in " + name + " in " + when + "; " +
                        total(before) + " in " + when_before + ", and " + total(year_ago) + " in " + when_year + ".";
    std::string rows_text, rows_html;
    for (std::size_t c = 0; c < s.categories.size(); ++c) {
        bool any = (c < now.by_category.size() && now.by_category[c]) ||
                   (c < before.by_category.size() && before.by_category[c]) ||
                   (c < year_ago.by_category.size() && year_ago.by_category[c]);
        if (!any) continue;
        const auto& label = s.categories[c].name;
        rows_text += "- " + label + ": " + figure(now, c) + " (" + when_before + ": " + figure(before, c) + "; " + when_year +
                     ": " + figure(year_ago, c) + ")\n";
        rows_html += "<tr><th scope=\"row\">" + escape_markup(label) + "</th><td>" + figure(now, c) + "</td><td>" +
                     figure(before, c) + "</td><td>" + figure(year_ago, c) + "</td></tr>\n";
    }
    std::string outcomes_text, outcomes_html;
    auto groups = outcome_groups();
    for (std::size_t g = 0; g < groups.size() && g < now.by_outcome_group.size(); ++g) {
        if (!now.by_outcome_group[g]) continue;
        outcomes_text += "- " + std::string(groups[g].name) + ": " + std::to_string(now.by_outcome_group[g]) + "\n";
        outcomes_html += "<li>" + escape_markup(groups[g].name) + ": " + std::to_string(now.by_outcome_group[g]) + "</li>";
    }
    // Upcoming events as the team publishes them now (the store, not the loaded snapshot).
    std::string events_text, events_html;
    {
        Statement details(db, "SELECT details FROM neighbourhoods WHERE force = ? AND id = ?");
        details.bind(1, hood.force).bind(2, hood.id);
        char today[16];
        std::time_t t = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&t, &utc);
        std::strftime(today, sizeof today, "%Y-%m-%d", &utc);
        if (details.step() && !details.is_null(0)) {
            auto json = nlohmann::json::parse(details.column_text(0), nullptr, false);
            if (json.is_object() && json.contains("events") && json["events"].is_array())
                for (const auto& e : json["events"]) {
                    if (!e.is_object()) continue;
                    auto text_of = [&](const char* key) {
                        return e.contains(key) && e[key].is_string() ? one_line(e[key].get<std::string>()) : std::string();
                    };
                    auto start = text_of("start_date"), end = text_of("end_date");
                    auto last = (end.empty() ? start : end).substr(0, 10);
                    if (!last.empty() && last < today) continue;
                    auto line = text_of("title") + (start.empty() ? "" : ", " + start.substr(0, 10)) +
                                (text_of("address").empty() ? "" : ", " + text_of("address"));
                    events_text += "- " + line + "\n";
                    events_html += "<li>" + escape_markup(line) + "</li>";
                }
        }
    }
    const auto page = page_url(base, hood.force, hood.id);
    const auto map = std::string(base) + "/";
    out.text = intro + "\n\nBy category (" + when + ", then " + when_before + " and " + when_year + "):\n" + rows_text +
               "\nWhat happened next, crimes of " + when + ":\n" + (outcomes_text.empty() ? "- none recorded\n" : outcomes_text) +
               "\nUpcoming events:\n" + (events_text.empty() ? "- none published\n" : events_text) +
               "\nThe neighbourhood's page: " + page + "\nThe crime map: " + map +
               "\n\nYou get this email because you asked for it. Stop these emails: " + unsubscribe + "\n";
    out.html = html_mail(
        out.subject,
        "<h1>" + escape_markup(out.subject) + "</h1>\n<p>" + escape_markup(intro) + "</p>\n<table>\n<caption>Crimes by "
        "category</caption>\n<thead><tr><th scope=\"col\">Category</th><th scope=\"col\">" + escape_markup(when) +
            "</th><th scope=\"col\">" + escape_markup(when_before) + "</th><th scope=\"col\">" + escape_markup(when_year) +
            "</th></tr></thead>\n<tbody>\n" + rows_html + "</tbody>\n</table>\n<h2>What happened next</h2>\n" +
            (outcomes_html.empty() ? "<p>None recorded.</p>" : "<ul>" + outcomes_html + "</ul>") +
            "\n<h2>Upcoming events</h2>\n" + (events_html.empty() ? "<p>None published.</p>" : "<ul>" + events_html + "</ul>") +
            "\n<p><a href=\"" + escape_markup(page) + "\">" + escape_markup(name) + ": the neighbourhood's page</a> · <a href=\"" +
            escape_markup(map) + "\">The crime map</a></p>\n<p>You get this email because you asked for it. <a href=\"" +
            escape_markup(unsubscribe) + "\">Stop these emails</a>.</p>");
    return out;
}

}  // namespace

int queue_monthly_alerts(Database& db, const map_snapshot& s, std::string_view base_url) {
    if (s.months.empty()) return 0;
    const int latest = s.months.back();
    Transaction tx(db);
    auto last = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'alert_month'", -1);
    if (last >= latest) return 0;
    Statement remember(db, "INSERT INTO meta(key, value) VALUES ('alert_month', ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    remember.bind(1, std::to_string(latest));
    remember.run();
    int queued = 0;
    if (last >= 0) {
        Statement select(db, "SELECT id, email, force, neighbourhood, unsubscribe_token FROM subscriptions "
                             "WHERE confirmed_at IS NOT NULL ORDER BY id");
        struct row {
            std::int64_t id;
            std::string email, force, neighbourhood, token;
        };
        std::vector<row> rows;
        while (select.step())
            rows.push_back({select.column_int(0), std::string(select.column_text(1)), std::string(select.column_text(2)),
                            std::string(select.column_text(3)), std::string(select.column_text(4))});
        Statement tag(db, "UPDATE outbox SET digest = ? WHERE id = ?");
        for (const auto& r : rows) {
            auto it = std::find_if(s.neighbourhoods.begin(), s.neighbourhoods.end(),
                                   [&](const neighbourhood_info& h) { return h.force == r.force && h.id == r.neighbourhood; });
            if (it == s.neighbourhoods.end()) continue;
            const auto unsubscribe = unsubscribe_url(base_url, r.token);
            auto text = compose_alert(db, s, static_cast<std::size_t>(it - s.neighbourhoods.begin()), latest, base_url, unsubscribe);
            outgoing_mail mail{"subscription-alert", r.email, text.subject, text.text, text.html, {}, 0};
            add_unsubscribe(mail, unsubscribe);
            auto id = queue_mail(db, mail);
            tag.bind(1, subscription_digest(r.id)).bind(2, id);
            tag.run();
            ++queued;
        }
    }
    tx.commit();
    return queued;
}

}  // namespace crimemap::data
