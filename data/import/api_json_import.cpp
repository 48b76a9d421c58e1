#include "data/import/csv_reader.hpp"
#include "data/import/source_imports.hpp"
#include "data/store/local_edits.hpp"
#include "data/store/store.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace crimemap::data::detail {

namespace {

nlohmann::json parse_json(const import_source& source) {
    try {
        return nlohmann::json::parse(read_whole_file(source));
    } catch (const nlohmann::json::parse_error& error) {
        throw input_error(source.display_path + ": not valid JSON: " + error.what());
    }
}

std::string text_member(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string read_whole_file(const import_source& source) {
    auto bytes = open_vsi(source.vsi_path, source.display_path);
    std::string text;
    std::string chunk(1 << 16, '\0');
    while (std::size_t got = bytes->read(chunk.data(), chunk.size())) text.append(chunk, 0, got);
    return text;
}

file_result import_forces(Database& db, const import_source& source) {
    auto forces = parse_json(source);
    if (!forces.is_array()) throw input_error(source.display_path + ": expected an array of /forces/{id} objects");
    for (std::size_t i = 0; i < forces.size(); ++i) {
        if (!forces[i].is_object() || text_member(forces[i], "id").empty() || text_member(forces[i], "name").empty())
            throw input_error(source.display_path + ": element " + std::to_string(i + 1) +
                              " is not a force object with string 'id' and 'name'");
    }
    Transaction tx(db);
    Statement upsert(db, "INSERT INTO forces(id, name, details) VALUES (?, ?, ?) "
                         "ON CONFLICT(id) DO UPDATE SET name = excluded.name, details = excluded.details");
    file_result result;
    for (const auto& force : forces) {
        upsert.bind(1, text_member(force, "id")).bind(2, text_member(force, "name")).bind(3, force.dump()).run();
        ++result.rows;
    }
    bump_map_version(db);
    tx.commit();
    return result;
}

file_result import_support_services(Database& db, const import_source& source) {
    auto services = parse_json(source);
    if (!services.is_array())
        throw input_error(source.display_path + ": expected an array of services, each {\"name\", \"helps\", \"telephone\", \"web\"}");
    for (std::size_t i = 0; i < services.size(); ++i) {
        const auto& s = services[i];
        if (!s.is_object() || text_member(s, "name").empty())
            throw input_error(source.display_path + ": element " + std::to_string(i + 1) + " has no string 'name'");
        for (const char* key : {"helps", "telephone", "web"})
            if (s.contains(key) && !s[key].is_string() && !s[key].is_null())
                throw input_error(source.display_path + ": element " + std::to_string(i + 1) + ": '" + key + "' must be text");
    }
    Transaction tx(db);
    Statement upsert(db, "INSERT INTO force_support(force, services) VALUES (?, ?) "
                         "ON CONFLICT(force) DO UPDATE SET services = excluded.services");
    upsert.bind(1, source.force).bind(2, services.dump()).run();
    bump_map_version(db);
    tx.commit();
    file_result result;
    result.rows = services.size();
    return result;
}

file_result import_neighbourhood_details(Database& db, const import_source& source) {
    auto details = parse_json(source);
    if (!details.is_object()) throw input_error(source.display_path + ": expected a /{force}/{id} object");
    std::string id = text_member(details, "id");
    if (id.empty()) id = source.neighbourhood;
    if (id != source.neighbourhood)
        throw input_error(source.display_path + ": its 'id' is '" + id + "' but the file is named '" +
                          source.neighbourhood + ".json'");
    for (const char* list : {"people", "priorities", "events", "locations", "links"}) {
        auto found = details.find(list);
        if (found != details.end() && !found->is_array() && !found->is_null())
            throw input_error(source.display_path + ": '" + list + "' must be an array");
    }
    details["id"] = id;
    Transaction tx(db);
    file_result result{1, 0, false, 0};
    // Members a team edited through the app stay as edited (data/store/local_edits.hpp).
    local_edits edits(db, neighbourhood_entity);
    const std::string key = source.force + "/" + id;
    Statement stored_select(db, "SELECT details FROM neighbourhoods WHERE force = ? AND id = ?");
    stored_select.bind(1, source.force).bind(2, id);
    nlohmann::json stored = nlohmann::json::object();
    if (stored_select.step() && !stored_select.is_null(0)) {
        stored = nlohmann::json::parse(stored_select.column_text(0), nullptr, false);
        if (!stored.is_object()) stored = nlohmann::json::object();
    }
    std::set<std::string> members;
    for (const auto& [member, value] : details.items()) members.insert(member);
    for (const auto& [member, value] : stored.items()) members.insert(member);
    for (const auto& member : members) {
        if (!edits.edited(key, member)) continue;
        auto upstream = details.contains(member) ? details[member].dump() : std::string("null");
        if (edits.keep_edited(key, member, upstream, source.display_path)) ++result.kept_edits;
        if (stored.contains(member)) {
            details[member] = stored[member];
        } else {
            details.erase(member);
        }
    }
    Statement upsert(db, "INSERT INTO neighbourhoods(force, id, name, details) VALUES (?1, ?2, NULLIF(?3, ''), ?4) "
                         "ON CONFLICT(force, id) DO UPDATE SET name = coalesce(excluded.name, neighbourhoods.name), "
                         "details = excluded.details");
    upsert.bind(1, source.force).bind(2, id).bind(3, text_member(details, "name")).bind(4, details.dump()).run();
    bump_map_version(db);
    tx.commit();
    return result;
}

}  // namespace crimemap::data::detail
