#pragma once
// A neighbourhood's events as an iCalendar file (RFC 5545), so that a resident can subscribe
// to them in a calendar application.

#include <nlohmann/json.hpp>

#include <ctime>
#include <string>
#include <string_view>

namespace crimemap::server {

/// A VCALENDAR of one VEVENT per event of `events` (data.police.uk's event objects: title,
/// description, address, type, start_date, end_date; events without a start are left out).
/// Times are as published: local (floating) date-times, or whole days for a date alone. Each
/// event's UID is stable (a hash of `scope`, its start and title); DTSTAMP is `stamp`. Lines
/// end in CRLF and are folded at 75 octets, never inside a UTF-8 character.
std::string events_calendar(const nlohmann::json& events, std::string_view calendar_name, std::string_view scope,
                            std::time_t stamp);

}  // namespace crimemap::server
