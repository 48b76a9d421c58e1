#include "server/mail/mail_sender.hpp"

#include "data/mail/outbox.hpp"

#include <ctime>
#include <iostream>

namespace crimemap::server {

mail_sender::mail_sender(std::shared_ptr<data::store_writer> writer, smtp_relay relay, mail_timing timing)
    : writer_(std::move(writer)), relay_(std::move(relay)), timing_(timing), thread_([this] { run(); }) {}

mail_sender::~mail_sender() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void mail_sender::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void mail_sender::run() {
    const std::string domain(address_domain(relay_.settings().from));
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        std::optional<data::queued_mail> due;
        try {
            due = writer_->run([&](data::Database& db) {
                return data::claim_due_mail(db, static_cast<std::int64_t>(std::time(nullptr)), timing_.first_retry);
            });
        } catch (const std::exception& error) {
            std::cerr << "crimemap: reading the outbox failed: " << error.what() << '\n';
        }
        if (!due) {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, timing_.poll, [&] { return woken_ || stopping_; });
            woken_ = false;
            continue;
        }
        mail_message m{due->mail.to, due->mail.subject, due->mail.text, due->mail.html,
                       "crimemap." + std::to_string(due->id) + "." + due->message_token + "@" + domain,
                       static_cast<std::time_t>(due->created_at), due->mail.headers};
        auto result = relay_.send(m);
        try {
            if (result.sent) {
                writer_->run([&](data::Database& db) { data::mail_delivered(db, due->id); });
                ++sent_;
                continue;
            }
            bool gave_up = writer_->run([&](data::Database& db) {
                return data::mail_not_delivered(db, due->id, result.error, result.permanent,
                                                static_cast<std::int64_t>(std::time(nullptr)), timing_.give_up_after);
            });
            // The log names the mail by id and kind, never by its recipient.
            if (gave_up) {
                ++failed_;
                std::cerr << "crimemap: mail " << due->id << " (" << due->mail.kind << ") failed for good after "
                          << due->attempts << " tries: " << result.error << '\n';
            } else {
                ++retried_;
                std::cerr << "crimemap: mail " << due->id << " (" << due->mail.kind << ") not sent, try " << due->attempts
                          << ", to be retried: " << result.error << '\n';
            }
        } catch (const std::exception& error) {
            std::cerr << "crimemap: recording mail " << due->id << " in the outbox failed: " << error.what() << '\n';
        }
    }
}

}  // namespace crimemap::server
