#pragma once
// The territorial police forces of England, Wales and Northern Ireland, and British Transport
// Police: the forces data.police.uk publishes for. Their ids are the `<force>` part of the bulk
// files' names (YYYY-MM-<force>-street.csv) and the API's /forces/{id}; their names are what
// the files' `Falls within` column says. An imported forces.json adds the rest of each object.

#include <span>
#include <string_view>

namespace crimemap::data {

struct known_force {
    std::string_view id;    ///< e.g. "city-of-london"
    std::string_view name;  ///< e.g. "City of London Police"
};

/// Every force, sorted by id.
std::span<const known_force> known_forces();
/// The force with this id, or nullptr. Logarithmic in the number of forces.
const known_force* find_known_force(std::string_view id);
/// The force whose name is `falls_within` (a bulk file's column; letter case ignored), or nullptr.
const known_force* known_force_named(std::string_view falls_within);

}  // namespace crimemap::data
