#include "server/mail/smtp_relay.hpp"

#include "data/accounts/accounts.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>

namespace crimemap::server {

namespace {

bool plain_ascii(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c > 0x7E) return false;
    return text.find("=?") == std::string_view::npos;
}

std::string base64(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

// libcurl's global state is made once, before the first handle (thread-safe since 7.84).
void initialise_curl() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct slist_deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using slist = std::unique_ptr<curl_slist, slist_deleter>;

void append(slist& list, const std::string& line) {
    auto* grown = curl_slist_append(list.get(), line.c_str());
    if (!grown) throw std::bad_alloc();
    (void)list.release();
    list.reset(grown);
}

}  // namespace

std::string header_text(std::string_view value, std::size_t name_length) {
    std::string flat(value);
    for (auto& c : flat)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    if (plain_ascii(flat)) return flat;
    // RFC 2047: "=?UTF-8?B?" and "?=" leave 63 characters of an encoded word's 75 for base64,
    // so at most 45 bytes a word (60 base64 characters), never cutting a UTF-8 sequence. The
    // first word is shorter by what the header's name takes of its line's 76 (RFC 2047 2).
    std::string out;
    std::size_t start = 0;
    std::size_t budget = std::max<std::size_t>(6, (76 - 12 - std::min<std::size_t>(name_length, 56)) / 4 * 3);
    while (start < flat.size()) {
        std::size_t end = std::min(flat.size(), start + std::min<std::size_t>(budget, 45));
        while (end < flat.size() && end > start + 1 && (static_cast<unsigned char>(flat[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(std::string_view(flat).substr(start, end - start)) + "?=";
        start = end;
        budget = 45;
    }
    return out;
}

std::string mail_date(std::time_t when) {
    std::tm utc{};
    gmtime_r(&when, &utc);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday], utc.tm_mday,
                  months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

std::string_view address_domain(std::string_view address) {
    auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

std::string smtp_settings_problem(const smtp_settings& s) {
    if (!s.url.starts_with("smtp://") && !s.url.starts_with("smtps://"))
        return "--smtp-url must start with smtp:// (STARTTLS when offered) or smtps:// (TLS), not '" + s.url + "'";
    for (unsigned char c : s.url)
        if (c <= 0x20 || c >= 0x7F) return "--smtp-url must not hold spaces or control characters";
    if (s.url.find('@') != std::string::npos)
        return "--smtp-url must not hold a user or password: give --smtp-user, and the password in CRIMEMAP_SMTP_PASSWORD "
               "or --smtp-password-file";
    if (s.from.empty()) return "--mail-from is needed with --smtp-url: the address mail is sent from";
    if (auto problem = data::email_problem(s.from); !problem.empty()) return "--mail-from " + problem;
    if (!s.password.empty() && s.user.empty()) return "a relay password was given without --smtp-user";
    for (unsigned char c : s.user)
        if (c < 0x20 || c == 0x7F) return "--smtp-user must not hold control characters";
    return "";
}

smtp_relay::smtp_relay(smtp_settings settings) : settings_(std::move(settings)) { initialise_curl(); }

delivery smtp_relay::send(const mail_message& mail) const {
    // The addresses reach the envelope and headers as they are: they must be bare addresses.
    if (auto problem = data::email_problem(mail.to); !problem.empty()) return {false, true, "the recipient " + problem};
    if (mail.message_id.empty() || !plain_ascii(mail.message_id) || mail.message_id.find_first_of("<> ") != std::string::npos)
        return {false, true, "the Message-ID is not one dot-atom@domain"};
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    std::unique_ptr<curl_mime, decltype(&curl_mime_free)> body(curl_mime_init(curl.get()), curl_mime_free);
    if (!curl || !body) return {false, false, "libcurl could not make a handle"};
    char error[CURL_ERROR_SIZE] = {};
    auto* h = curl.get();
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(h, CURLOPT_USE_SSL, settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, settings_.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(settings_.timeout_seconds, 20L));
    if (!settings_.user.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, settings_.user.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    const std::string from = "<" + settings_.from + ">";
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    slist recipients, headers;
    append(recipients, "<" + mail.to + ">");
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());

    append(headers, "Date: " + mail_date(mail.date));
    append(headers, "From: " + settings_.from);
    append(headers, "To: " + mail.to);
    append(headers, "Message-ID: <" + mail.message_id + ">");
    append(headers, "Subject: " + header_text(mail.subject, 9));
    for (const auto& [name, value] : mail.headers) {
        std::string safe_name;
        for (char c : name)
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') safe_name += c;
        if (safe_name.empty()) continue;
        append(headers, safe_name + ": " + header_text(value, safe_name.size() + 2));
    }
    // The body is multipart/alternative itself, the plainer part first (RFC 2046 5.1.4).
    append(headers, "Content-Type: multipart/alternative");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    for (const auto& [text, type] : {std::pair{&mail.text, "text/plain; charset=utf-8"},
                                     std::pair{&mail.html, "text/html; charset=utf-8"}}) {
        auto* part = curl_mime_addpart(body.get());
        curl_mime_data(part, text->data(), text->size());
        curl_mime_type(part, type);
        curl_mime_encoder(part, "quoted-printable");
    }
    curl_easy_setopt(h, CURLOPT_MIMEPOST, body.get());

    auto code = curl_easy_perform(h);
    if (code == CURLE_OK) return {true, false, ""};
    long answer = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer);
    delivery out;
    out.permanent = answer >= 500 && answer < 600;
    out.error = std::string(curl_easy_strerror(code)) + (error[0] ? std::string(": ") + error : std::string());
    if (answer) out.error += " (the relay answered " + std::to_string(answer) + ")";
    return out;
}

}  // namespace crimemap::server
