#pragma once
// The published details of forces and neighbourhoods, read from the store when asked, so an
// edit shows at once (the snapshot holds them only for summaries and search).

#include "data/store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace crimemap::data {

struct published_details {
    nlohmann::json details;        ///< the /forces/{id} or /{force}/{id} object, with people, priorities, events
    std::string name;              ///< as stored, for details without a name
    std::int64_t data_version = 0;  ///< meta's data_version read before the details: an ETag made from it never outlives them
};

/// A force's details; nullopt when the store has no such force.
std::optional<published_details> read_force_details(Database& db, std::string_view force);
/// A neighbourhood's details (an empty object when none were imported); nullopt when the store
/// has no such neighbourhood.
std::optional<published_details> read_neighbourhood_details(Database& db, std::string_view force, std::string_view id);

/// The victim support services imported for a force's area (support/<force>.json), as a JSON
/// array; an empty array when none were imported.
nlohmann::json read_support_services(Database& db, std::string_view force);

}  // namespace crimemap::data
