#include "server/api/calendar.hpp"

#include <sodium.h>

#include <cctype>

namespace crimemap::server {

namespace {

// RFC 5545 3.3.11: backslash, semicolon and comma escaped, line breaks as \n; other control
// characters go. Markup in a published description is left out (its tags, not its text).
std::string text_value(std::string_view text) {
    std::string out;
    bool in_tag = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '<') {
            in_tag = true;
            continue;
        }
        if (in_tag) {
            in_tag = c != '>';
            continue;
        }
        if (c == '\r') continue;
        if (c == '\n') out += "\\n";
        else if (c == '\\' || c == ';' || c == ',') (out += '\\') += c;
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += ' ';
        else out += c;
    }
    return out;
}

// "2024-09-17T10:00:00" → "20240917T100000"; "2024-09-17" → "20240917" (a whole day); "" when
// it is neither.
std::string date_value(std::string_view published, bool& whole_day) {
    std::string digits;
    for (char c : published.substr(0, 19))
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    whole_day = digits.size() == 8;
    if (digits.size() == 8) return digits;
    if (digits.size() == 14) return digits.substr(0, 8) + "T" + digits.substr(8);
    if (digits.size() == 12) return digits.substr(0, 8) + "T" + digits.substr(8) + "00";
    return "";
}

std::string string_member(const nlohmann::json& e, const char* key) {
    auto it = e.find(key);
    return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One content line, folded: at most 75 octets a line, a continuation starts with a space.
void line(std::string& out, std::string_view content) {
    std::size_t start = 0, limit = 75;
    while (content.size() - start > limit) {
        std::size_t end = start + limit;
        while (end > start && (static_cast<unsigned char>(content[end]) & 0xC0) == 0x80) --end;
        out.append(content.substr(start, end - start)).append("\r\n ");
        start = end;
        limit = 74;  // the leading space counts
    }
    out.append(content.substr(start)).append("\r\n");
}

std::string uid(std::string_view scope, std::string_view start, std::string_view title) {
    std::string key = std::string(scope) + '\n' + std::string(start) + '\n' + std::string(title);
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex) + "@crimemap";
}

}  // namespace

std::string events_calendar(const nlohmann::json& events, std::string_view calendar_name, std::string_view scope,
                            std::time_t stamp) {
    std::tm utc{};
    gmtime_r(&stamp, &utc);
    char dtstamp[20];
    std::strftime(dtstamp, sizeof dtstamp, "%Y%m%dT%H%M%SZ", &utc);
    std::string out;
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//crimemap//Neighbourhood events//EN");
    line(out, "CALSCALE:GREGORIAN");
    line(out, "METHOD:PUBLISH");
    line(out, "X-WR-CALNAME:" + text_value(calendar_name));
    if (events.is_array())
        for (const auto& e : events) {
            if (!e.is_object()) continue;
            bool start_day = false, end_day = false;
            auto start = date_value(string_member(e, "start_date"), start_day);
            if (start.empty()) continue;
            auto end = date_value(string_member(e, "end_date"), end_day);
            auto title = string_member(e, "title");
            line(out, "BEGIN:VEVENT");
            line(out, "UID:" + uid(scope, start, title));
            line(out, std::string("DTSTAMP:") + dtstamp);
            line(out, (start_day ? "DTSTART;VALUE=DATE:" : "DTSTART:") + start);
            if (!end.empty() && end_day == start_day && end > start) line(out, (end_day ? "DTEND;VALUE=DATE:" : "DTEND:") + end);
            line(out, "SUMMARY:" + text_value(title.empty() ? std::string("Event") : title));
            if (auto d = string_member(e, "description"); !d.empty()) line(out, "DESCRIPTION:" + text_value(d));
            if (auto a = string_member(e, "address"); !a.empty()) line(out, "LOCATION:" + text_value(a));
            if (auto t = string_member(e, "type"); !t.empty()) line(out, "CATEGORIES:" + text_value(t));
            line(out, "END:VEVENT");
        }
    line(out, "END:VCALENDAR");
    return out;
}

}  // namespace crimemap::server
