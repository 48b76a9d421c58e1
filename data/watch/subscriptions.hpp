#pragma once
// Residents follow their neighbourhood: a subscription is confirmed through a one-time link
// before anything else is sent (double opt-in), and every mail of it can end it with one
// POST (RFC 8058). When a new month of crime data is loaded, each confirmed subscriber gets
// one mail with their neighbourhood's figures. Addresses are never shown to anyone: they are
// counted, and deleted on unsubscribe.

#include "data/snapshot/map_snapshot.hpp"
#include "data/store/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace crimemap::data {

inline constexpr auto subscription_confirm_lifetime = std::chrono::hours(24 * 7);

struct subscription_request {
    std::string email, force, neighbourhood;
    std::string neighbourhood_name;  ///< for the mail
};

/// Records an unconfirmed subscription, or gives an unconfirmed one a new link, and queues the
/// confirmation mail, in one transaction. An address already confirmed for the neighbourhood
/// gets nothing (the caller answers the same either way). `base_url` for the links. Returns
/// whether a mail was queued. Throws account_error for an address that cannot be used.
bool request_subscription(Database& db, const subscription_request& request, std::string_view base_url);
/// Confirms the subscription of a confirmation token; false for an unknown, used or expired one.
bool confirm_subscription(Database& db, std::string_view token);
/// Deletes the subscription (and so its address) of an unsubscribe token, and any mail of it
/// still waiting; false when there is none.
bool unsubscribe(Database& db, std::string_view token);
/// Deletes unconfirmed subscriptions older than `age`; how many went.
std::int64_t purge_unconfirmed_subscriptions(Database& db, std::chrono::seconds age);

struct subscription_counts {
    std::int64_t confirmed = 0, unconfirmed = 0;
};
subscription_counts count_subscriptions(Database& db);

/// After a load of `snapshot`: when its newest month is newer than the month last alerted
/// (meta 'alert_month'), queues one mail per confirmed subscription with its neighbourhood's
/// figures, and records the month, in one transaction. The first call on a store records the
/// month only (no mail for data that was there before). Returns the mails queued.
int queue_monthly_alerts(Database& db, const map_snapshot& snapshot, std::string_view base_url);

}  // namespace crimemap::data
