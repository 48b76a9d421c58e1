#pragma once
// Mail through an SMTP relay, with libcurl for the protocol, TLS and the MIME body (a
// multipart/alternative of a text and an HTML part, each quoted-printable). What reaches a
// header is made safe here: CR and LF never pass (no header injection), and text that is not
// plain ASCII goes as RFC 2047 encoded words.

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crimemap::server {

/// One mail as it goes to the relay.
struct mail_message {
    std::string to;            ///< one address, checked by data::email_problem
    std::string subject;       ///< UTF-8, one line (line breaks become spaces)
    std::string text, html;    ///< the two bodies, UTF-8; the HTML part a whole document
    std::string message_id;    ///< without the angle brackets: local@domain
    std::time_t date = 0;      ///< the Date header, Unix seconds
    /// Further headers (List-Unsubscribe): name, value; values pass header_text.
    std::vector<std::pair<std::string, std::string>> headers;
};

/// A header's value made safe: every control character (CR, LF, tab, NUL...) becomes a space,
/// and text that is not printable ASCII (or looks like an encoded word) becomes RFC 2047
/// encoded words (UTF-8, base64), each at most 75 characters, folded onto lines of their own.
/// `name_length` is the header name's length with ": ", so the first line stays short.
std::string header_text(std::string_view value, std::size_t name_length);

/// An RFC 5322 date in UTC: "Tue, 01 Dec 2026 22:30:00 +0000".
std::string mail_date(std::time_t when);

/// The domain of an address ("example.org" of "crimemap@example.org").
std::string_view address_domain(std::string_view address);

struct smtp_settings {
    std::string url;            ///< smtp://host:port (STARTTLS when offered) or smtps://host:port
    bool require_tls = false;   ///< refuse to send over a connection without TLS
    std::string user, password; ///< empty user: no authentication
    std::string from;           ///< the envelope and From address
    long timeout_seconds = 60;  ///< for one whole delivery
};

/// Why the settings cannot be used ("" when they can), naming the option.
std::string smtp_settings_problem(const smtp_settings& settings);

struct delivery {
    bool sent = false;
    bool permanent = false;  ///< the relay refused for good (a 5xx answer): retrying will not help
    std::string error;       ///< what went wrong, for the log; never holds the password
};

/// Sends one mail and waits for the relay's answer. Each call is its own connection; it may be
/// called from any thread, one call at a time per object.
class smtp_relay {
public:
    explicit smtp_relay(smtp_settings settings);
    [[nodiscard]] delivery send(const mail_message& mail) const;
    [[nodiscard]] const smtp_settings& settings() const { return settings_; }

private:
    smtp_settings settings_;
};

}  // namespace crimemap::server
