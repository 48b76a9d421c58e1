#include "data/accounts/account_mail.hpp"

#include "data/mail/outbox.hpp"
#include "data/vocabulary/text.hpp"

#include <string>

namespace crimemap::data {

std::int64_t queue_password_link(Database& db, std::string_view email, std::string_view link, link_reason reason,
                                 std::chrono::seconds lifetime) {
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(lifetime).count();
    const std::string within = hours >= 2 ? std::to_string(hours) + " hours" : hours == 1 ? "1 hour" : "a few minutes";
    std::string subject, opening, closing;
    switch (reason) {
        case link_reason::new_account:
            subject = "Set your crimemap password";
            opening = "An account on crimemap has been made for this email address.";
            closing = "If you did not expect it, you can ignore this email: the link ends by itself.";
            break;
        case link_reason::reset:
            subject = "Set a new crimemap password";
            opening = "An administrator has reset your crimemap account: your old password no longer works and you "
                      "have been signed out everywhere.";
            closing = "If you did not expect this, tell your administrator.";
            break;
        case link_reason::forgotten:
            subject = "Reset your crimemap password";
            opening = "Someone asked to reset the password of the crimemap account of this email address.";
            closing = "If it was not you, you can ignore this email: your password stays as it is.";
            break;
    }
    const std::string action = "Set your password within " + within + " with this one-time link:";
    outgoing_mail mail;
    mail.kind = reason == link_reason::forgotten ? "forgotten-password" : "set-password";
    mail.to = email;
    mail.subject = subject;
    mail.text = "Hello,\n\n" + opening + "\n\n" + action + "\n" + std::string(link) + "\n\n" + closing + "\n";
    mail.html = html_mail(subject, "<p>Hello,</p>\n<p>" + escape_markup(opening) + "</p>\n<p>Set your password within " +
                                       within + " with this one-time link:<br>\n<a href=\"" + escape_markup(link) + "\">" +
                                       escape_markup(link) + "</a></p>\n<p>" + escape_markup(closing) + "</p>");
    return queue_mail(db, mail);
}

}  // namespace crimemap::data
