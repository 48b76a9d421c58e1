#include "data/store/local_edits.hpp"

#include "data/accounts/accounts.hpp"

namespace crimemap::data {

void mark_edited(Database& db, std::string_view entity, std::string_view key, std::string_view field,
                 std::string_view value_before) {
    Statement insert(db, "INSERT INTO local_edits(entity, key, field, upstream, edited_at) "
                         "VALUES (?, ?, ?, NULLIF(?, ''), " + sql::utc_now(db) + ") "
                         "ON CONFLICT(entity, key, field) DO UPDATE SET edited_at = excluded.edited_at");
    insert.bind(1, entity).bind(2, key).bind(3, field).bind(4, value_before).run();
}

local_edits::local_edits(Database& db, std::string_view entity) : db_(db), entity_(entity) {
    Statement select(db, "SELECT key, field FROM local_edits WHERE entity = ?");
    select.bind(1, entity);
    while (select.step()) edited_.emplace(std::string(select.column_text(0)), std::string(select.column_text(1)));
}

bool local_edits::edited(std::string_view key, std::string_view field) const {
    return edited_.find(std::pair{std::string(key), std::string(field)}) != edited_.end();
}

bool local_edits::keep_edited(std::string_view key, std::string_view field, std::string_view upstream,
                              std::string_view source) {
    Statement at_edit(db_, "SELECT coalesce(upstream, 'null') FROM local_edits WHERE entity = ? AND key = ? AND field = ?");
    at_edit.bind(1, entity_).bind(2, key).bind(3, field);
    std::string before = at_edit.step() ? std::string(at_edit.column_text(0)) : "null";
    if (before == upstream) {
        Statement clear(db_, "DELETE FROM import_conflicts WHERE entity = ? AND key = ? AND field = ?");
        clear.bind(1, entity_).bind(2, key).bind(3, field).run();
        return false;
    }
    Statement known(db_, "SELECT 1 FROM import_conflicts WHERE entity = ? AND key = ? AND field = ? AND upstream = ?");
    known.bind(1, entity_).bind(2, key).bind(3, field).bind(4, upstream);
    if (known.step()) return true;
    Statement record(db_, "INSERT INTO import_conflicts(entity, key, field, upstream, source, at) VALUES (?, ?, ?, ?, ?, " + sql::utc_now(db_) + ") "
                          "ON CONFLICT(entity, key, field) DO UPDATE SET upstream = excluded.upstream, "
                          "source = excluded.source, at = excluded.at");
    record.bind(1, entity_).bind(2, key).bind(3, field).bind(4, upstream).bind(5, source).run();
    audit(db_, {std::nullopt, "import", "import kept an edited " + std::string(field), std::string(entity_) + " " + std::string(key),
                before, std::string(upstream), "kept"});
    ++conflicts_;
    return true;
}

}  // namespace crimemap::data
