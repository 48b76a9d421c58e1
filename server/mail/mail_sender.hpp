#pragma once
// serve's background sender: takes due mail from the store's outbox (data/mail/outbox.hpp) and
// sends it through the relay, one at a time on a thread of its own. A failed try waits with
// exponential backoff; a mail the relay has not accepted within `give_up_after` is marked failed.

#include "data/store/store_writer.hpp"
#include "server/mail/smtp_relay.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace crimemap::server {

struct mail_timing {
    std::chrono::seconds first_retry{60};           ///< doubled after each failed try (at most 4 h)
    std::chrono::seconds give_up_after{48 * 3600};  ///< then the mail is marked failed
    std::chrono::milliseconds poll{1000};           ///< how often the outbox is looked at (mail queued by other processes)
};

class mail_sender {
public:
    /// Starts the sending thread.
    mail_sender(std::shared_ptr<data::store_writer> writer, smtp_relay relay, mail_timing timing);
    mail_sender(const mail_sender&) = delete;
    mail_sender& operator=(const mail_sender&) = delete;
    /// Stops after the mail being sent, if any.
    ~mail_sender();

    /// Looks at the outbox now (after a request queued a mail), not at the next poll.
    void wake();

    /// Since start, for /metrics: mail the relay accepted, tries that failed and will be
    /// retried, and mail marked failed.
    [[nodiscard]] std::uint64_t sent() const { return sent_.load(); }
    [[nodiscard]] std::uint64_t retried() const { return retried_.load(); }
    [[nodiscard]] std::uint64_t failed() const { return failed_.load(); }

private:
    void run();
    std::shared_ptr<data::store_writer> writer_;
    smtp_relay relay_;
    mail_timing timing_;
    std::atomic<std::uint64_t> sent_{0}, retried_{0}, failed_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false, stopping_ = false;
    std::thread thread_;
};

}  // namespace crimemap::server
