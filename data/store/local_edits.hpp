#pragma once
// What teams, coordinators and admins edit through the app is kept across imports, field by
// field (docs/data-formats.md, "Edits and imports"). An edit marks its field; an import leaves
// a marked field as it is and, when the file's value for it has changed since the edit,
// records that change as a conflict (in `import_conflicts` and the audit log) instead of
// applying it, so an operator can see it in `crimemap stats` and resolve it.

#include "data/store/sqlite.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace crimemap::data {

/// The kinds of record an edit and an import both write; the `entity` column's values.
inline constexpr std::string_view neighbourhood_entity = "neighbourhood";  ///< key "force/id", fields: details' members
inline constexpr std::string_view watch_scheme_entity = "watch-scheme";    ///< key the scheme id, fields: its columns

/// Marks `field` of the record `key` as edited through the app. `value_before` (JSON text, ""
/// for none) is the field's value before this edit; the first edit keeps it as the value the
/// last import wrote, later edits keep the first. Call inside the edit's transaction.
void mark_edited(Database& db, std::string_view entity, std::string_view key, std::string_view field,
                 std::string_view value_before);

/// The edited fields of one kind of record, read once by an import.
class local_edits {
public:
    /// Reads every edited field of `entity`. Linear in the number of edits.
    local_edits(Database& db, std::string_view entity);

    [[nodiscard]] bool edited(std::string_view key, std::string_view field) const;

    /// For an edited field: the import's value `upstream` (JSON text) is not applied. When it
    /// differs from the value at the edit, a conflict naming `source` is recorded (once per
    /// new upstream value: the same file again records nothing new). When it is the value
    /// at the edit again, an earlier conflict is cleared. Returns true for a conflict.
    bool keep_edited(std::string_view key, std::string_view field, std::string_view upstream, std::string_view source);

    /// Conflicts recorded by this import so far.
    [[nodiscard]] std::uint64_t conflicts() const { return conflicts_; }

private:
    Database& db_;
    std::string entity_;
    std::set<std::pair<std::string, std::string>, std::less<>> edited_;
    std::uint64_t conflicts_ = 0;
};

}  // namespace crimemap::data
