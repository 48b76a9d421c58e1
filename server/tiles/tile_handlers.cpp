#include "server/tiles/tile_handlers.hpp"

#include "data/vocabulary/months.hpp"
#include "data/vocabulary/outcome_groups.hpp"
#include "geo/mvt_writer.hpp"
#include "server/http/errors.hpp"
#include "server/http/http_caching.hpp"
#include "server/http/request_parsers.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <cstdio>

namespace crimemap::server {

namespace http = boost::beast::http;

namespace {

// Five minutes, as docs/operations.md says: after a reload a cache (nginx, a browser) may serve a
// tile of the earlier data for at most this long, then revalidates and gets the new one (the
// ETag names the data version).
constexpr int tile_max_age = 300;
constexpr std::size_t gzip_min_bytes = 1400;

constexpr const char* attribution =
    "Contains data from <a href=\"https://data.police.uk/\">data.police.uk</a>, Open Government Licence v3.0";

// Tile coordinate of a world coordinate, also outside the tile (buffer).
std::int32_t to_tile_units(std::uint32_t world, std::uint32_t origin, std::uint32_t z) {
    std::int64_t delta = static_cast<std::int64_t>(world) - static_cast<std::int64_t>(origin);
    int shift = 32 - static_cast<int>(z) - 12;  // 4096 = 2^12 units a tile
    return static_cast<std::int32_t>(delta >> shift);
}

// The identity of a tile request for its ETag.
std::string tile_identity(std::string_view layer, const geo::tile_id& tile, const geo::crime_filter* filter) {
    std::string id = std::string(layer) + "/" + std::to_string(tile.z) + "/" + std::to_string(tile.x) + "/" +
                     std::to_string(tile.y);
    if (filter)
        id += "?" + std::to_string(filter->from) + "-" + std::to_string(filter->to) + "-" +
              std::to_string(filter->categories) + "-" + std::to_string(filter->groups);
    return id;
}


}  // namespace

geo::crime_filter parse_crime_filter(const query_parameters& query, const data::map_snapshot& snapshot) {
    geo::crime_filter filter;
    const auto& months = snapshot.months;
    int latest = months.empty() ? 0 : months.back();
    int from = latest, to = latest;
    if (auto value = query.get("from")) from = parse_month_parameter(*value, "from");
    if (auto value = query.get("to")) to = parse_month_parameter(*value, "to");
    if (from > to)
        throw http_error(error_kind::bad_request,
                         "from: " + data::month_text(from) + " is after to: " + data::month_text(to));
    auto first = std::lower_bound(months.begin(), months.end(), from);
    auto last = std::upper_bound(months.begin(), months.end(), to);
    if (first == last) {
        filter.from = 1;  // a range without data: nothing matches
        filter.to = 0;
    } else {
        filter.from = static_cast<std::uint16_t>(first - months.begin());
        filter.to = static_cast<std::uint16_t>(last - months.begin() - 1);
    }
    if (auto value = query.get("category"); value && !value->empty() && *value != "all-crime") {
        filter.categories = 0;
        for (auto slug : split_nonempty(*value, ',')) {
            auto it = std::find_if(snapshot.categories.begin(), snapshot.categories.end(),
                                   [&](const auto& c) { return c.slug == slug; });
            if (slug == "all-crime") {
                filter.categories = ~std::uint64_t{0};
            } else if (it == snapshot.categories.end()) {
                std::string known;
                for (const auto& c : snapshot.categories) known += (known.empty() ? "" : ", ") + c.slug;
                throw http_error(error_kind::bad_request, "category: unknown category '" + std::string(slug.substr(0, 60)) +
                                                              "'; known: all-crime, " + known);
            } else {
                filter.categories |= std::uint64_t{1} << (it - snapshot.categories.begin());
            }
        }
    }
    if (auto value = query.get("outcome"); value && !value->empty()) {
        filter.groups = 0;
        auto groups = data::outcome_groups();
        for (auto slug : split_nonempty(*value, ',')) {
            auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.slug == slug; });
            if (it == groups.end()) {
                std::string known;
                for (const auto& g : groups) known += (known.empty() ? "" : ", ") + std::string(g.slug);
                throw http_error(error_kind::bad_request,
                                 "outcome: unknown outcome group '" + std::string(slug.substr(0, 60)) + "'; known: " + known);
            }
            filter.groups |= std::uint32_t{1} << (it - groups.begin());
        }
    }
    return filter;
}

std::string crimes_tile(const data::map_snapshot& snapshot, const geo::tile_id& tile, const geo::crime_filter& filter) {
    geo::mvt_layer layer(tile_layers::crimes, tile_extent);
    const std::uint32_t k_count = layer.key("count"), k_kind = layer.key("kind");
    const bool detail = tile.z >= geo::crime_pyramid::detail_zoom;
    const std::uint32_t k_location = detail ? layer.key("location_id") : 0;
    const std::uint32_t k_street = detail ? layer.key("street") : 0;
    const std::uint32_t v_kind = layer.value(detail ? std::string_view("location") : std::string_view("cluster"));
    std::vector<std::uint32_t> category_keys;  // resolved on first use, so only used slugs enter the key table
    category_keys.assign(snapshot.categories.size(), ~0u);
    std::vector<std::uint32_t> tags;
    const auto origin = geo::tile_origin(tile);

    auto add = [&](const geo::crime_feature& f) {
        tags.clear();
        tags.insert(tags.end(), {k_count, layer.value(std::uint64_t{f.total}), k_kind, v_kind});
        std::uint64_t id = 0;
        if (detail) {
            auto location_id = static_cast<std::uint64_t>(snapshot.location_ids[f.location]);
            id = location_id;
            tags.insert(tags.end(), {k_location, layer.value(location_id), k_street,
                                     layer.value(std::string_view(snapshot.streets[snapshot.location_streets[f.location]]))});
        }
        for (std::uint64_t bits = f.categories; bits; bits &= bits - 1) {
            auto c = static_cast<std::size_t>(std::countr_zero(bits));
            if (category_keys[c] == ~0u) category_keys[c] = layer.key(snapshot.categories[c].slug);
            tags.push_back(category_keys[c]);
            tags.push_back(layer.value(std::uint64_t{(*f.per_category)[c]}));
        }
        layer.add_point(tags,
                        {to_tile_units(f.where.x, origin.x, tile.z), to_tile_units(f.where.y, origin.y, tile.z)}, id);
    };
    snapshot.crime_tiles.query(tile, filter, add);
    if (detail) snapshot.crime_tiles.query_margin(tile, geo::tile_size(tile) * tile_buffer / tile_extent, filter, add);
    std::string out;
    if (!layer.empty()) layer.finish_into(out);
    return out;
}

std::string neighbourhoods_tile(const data::map_snapshot& snapshot, const geo::tile_id& tile) {
    geo::mvt_layer layer(tile_layers::neighbourhoods, tile_extent);
    const std::uint32_t k_force = layer.key("force"), k_id = layer.key("id"), k_name = layer.key("name");
    std::vector<std::uint32_t> tags;
    snapshot.neighbourhood_tiles.query(tile, tile_extent, tile_buffer, [&](std::uint32_t id, auto rings) {
        const auto& n = snapshot.neighbourhoods[id];
        tags = {k_force, layer.value(std::string_view(n.force)), k_id, layer.value(std::string_view(n.id)), k_name,
                layer.value(std::string_view(n.name))};
        layer.add_polygon(tags, rings, id + 1);
    });
    std::string out;
    if (!layer.empty()) layer.finish_into(out);
    return out;
}

std::string watch_tile(const data::map_snapshot& snapshot, const geo::tile_id& tile,
                       const data::watch_visibility* visibility) {
    geo::mvt_layer layer(tile_layers::watch, tile_extent);
    // Hidden means hidden from the public: not in a tile, by name, status or place.
    auto hidden = [&](std::uint32_t scheme) {
        const auto& s = snapshot.schemes[scheme];
        return visibility ? visibility->hidden.contains(s.id) : s.visibility == "hidden";
    };
    const std::uint32_t k_id = layer.key("id"), k_name = layer.key("name"), k_status = layer.key("status");
    std::vector<std::uint32_t> tags;
    auto tags_for = [&](std::uint32_t scheme) {
        const auto& s = snapshot.schemes[scheme];
        tags = {k_id, layer.value(std::string_view(s.id)), k_name, layer.value(std::string_view(s.name)), k_status,
                layer.value(std::string_view(s.status))};
    };
    snapshot.scheme_areas.query(tile, tile_extent, tile_buffer, [&](std::uint32_t area, auto rings) {
        if (hidden(snapshot.scheme_area_owner[area])) return;
        tags_for(snapshot.scheme_area_owner[area]);
        layer.add_polygon(tags, rings, snapshot.scheme_area_owner[area] + 1);
    });
    const auto origin = geo::tile_origin(tile);
    const auto size = static_cast<std::int64_t>(geo::tile_size(tile));
    const std::int64_t margin = size * tile_buffer / tile_extent;
    for (const auto& [where, scheme] : snapshot.scheme_points) {
        std::int64_t dx = static_cast<std::int64_t>(where.x) - origin.x;
        std::int64_t dy = static_cast<std::int64_t>(where.y) - origin.y;
        if (dx < -margin || dy < -margin || dx >= size + margin || dy >= size + margin || hidden(scheme)) continue;
        tags_for(scheme);
        layer.add_point(tags, {to_tile_units(where.x, origin.x, tile.z), to_tile_units(where.y, origin.y, tile.z)},
                        scheme + 1);
    }
    std::string out;
    if (!layer.empty()) layer.finish_into(out);
    return out;
}

namespace {

// What names one tile request's answer: its ETag and its key in the tile cache.
struct tile_request {
    std::string_view layer;
    geo::tile_id tile;
    std::optional<geo::crime_filter> filter;
    bool gzipped = false;
    std::string etag;
    std::string cache_key;
};

tile_request describe_tile_request(const request& req, std::string_view path, const query_parameters& query,
                                   const data::map_snapshot& snapshot, const data::watch_visibility* visibility) {
    tile_request t;
    auto parsed = parse_tile_path(path);
    t.layer = parsed.layer;
    t.tile = parsed.tile;
    // A watch tile changes when a scheme is hidden or shown, before any reload.
    const std::int64_t version =
        visibility ? std::max(visibility->data_version, snapshot.data_version) : snapshot.data_version;
    if (t.layer == tile_layers::crimes) t.filter = parse_crime_filter(query, snapshot);
    const std::string identity = tile_identity(t.layer, t.tile, t.filter ? &*t.filter : nullptr);
    t.gzipped = accepts_gzip(req);
    t.etag = representation_etag(version, identity, t.gzipped);
    t.cache_key = std::to_string(version) + "|" + t.etag;
    return t;
}

}  // namespace

response handle_tile(const request& req, std::string_view path, const query_parameters& query,
                     const data::map_snapshot& snapshot, tile_cache* cache, const data::watch_visibility* visibility) {
    if (parse_tile_path(path).layer != tile_layers::watch) visibility = nullptr;
    const auto t = describe_tile_request(req, path, query, snapshot, visibility);
    if (etag_matches(req, t.etag)) return not_modified_response(req, t.etag, tile_max_age);

    if (cache)
        if (auto cached = cache->find(t.cache_key)) {
            auto body = cached->body();  // gzip or a bare tile (0x1a, Tile.layers), never gzip's 0x1f 0x8b
            return encoded_response(req, std::string(body), t.gzipped && is_gzip(body),
                                    "application/vnd.mapbox-vector-tile", t.etag, tile_max_age);
        }
    std::string body = t.layer == tile_layers::crimes           ? crimes_tile(snapshot, t.tile, *t.filter)
                       : t.layer == tile_layers::neighbourhoods ? neighbourhoods_tile(snapshot, t.tile)
                                                     : watch_tile(snapshot, t.tile, visibility);
    // A body that fits in one packet gains nothing from gzip but its cost (about a third of
    // an uncached detail tile's time). The ETag still names one byte sequence per request kind.
    const bool compress = t.gzipped && body.size() >= gzip_min_bytes;
    if (compress) body = gzip(body);
    if (!cache || !cache->enabled())
        return encoded_response(req, std::move(body), compress, "application/vnd.mapbox-vector-tile", t.etag,
                                tile_max_age);
    auto res = encoded_response(req, body, compress, "application/vnd.mapbox-vector-tile", t.etag, tile_max_age);
    if (cache->prepares() && t.layer != tile_layers::watch) {
        // Kept as written to an HTTP/1.1 request that keeps its connection, so that a later one
        // is answered without building anything (cached_tile_answer).
        const request keeps_open{http::verb::get, "", 11};
        auto ok = encoded_response(keeps_open, body, compress, "application/vnd.mapbox-vector-tile", t.etag, tile_max_age);
        auto unchanged = not_modified_response(keeps_open, t.etag, tile_max_age);
        cache->insert(t.cache_key, std::move(body), &ok, &unchanged, t.etag);
    } else {
        cache->insert(t.cache_key, std::move(body));
    }
    return res;
}

std::shared_ptr<const prepared_response> cached_tile_answer(const request& req, std::string_view path,
                                                            std::string_view raw_query,
                                                            const data::map_snapshot& snapshot, tile_cache& cache) {
    if (!cache.enabled() || !cache.prepares() || !req.body().empty() ||
        !(path.starts_with("/tiles/crimes/") || path.starts_with("/tiles/neighbourhoods/")))
        return nullptr;
    require_utf8_request(req);
    const auto t = describe_tile_request(req, path, query_parameters(raw_query), snapshot, nullptr);
    auto found = cache.find(t.cache_key, false);
    if (!found || !found->prepared) return nullptr;
    if (etag_matches(req, found->etag)) return {found, &found->not_modified};
    return {found, &found->ok};
}

response handle_tilejson(const request& req, std::string_view layer, std::string_view raw_query,
                         const query_parameters& query, const data::map_snapshot& snapshot,
                         const std::string& base_url) {
    require_tile_layer(layer);
    std::string suffix = raw_query.empty() ? std::string() : "?" + std::string(raw_query);
    nlohmann::ordered_json fields;
    if (layer == tile_layers::crimes) {
        parse_crime_filter(query, snapshot);  // refuse a bad filter here rather than in every tile
        fields = {{"count", "Number"}, {"kind", "String"}, {"location_id", "Number"}, {"street", "String"}};
        for (const auto& c : snapshot.categories) fields[c.slug] = "Number";
    } else if (layer == tile_layers::neighbourhoods) {
        fields = {{"force", "String"}, {"id", "String"}, {"name", "String"}};
    } else {
        fields = {{"id", "String"}, {"name", "String"}, {"status", "String"}};
    }
    const auto& b = snapshot.bounds;
    nlohmann::ordered_json doc = {
        {"tilejson", "3.0.0"},
        {"name", "crimemap " + std::string(layer)},
        {"tiles", {base_url + "/tiles/" + std::string(layer) + "/{z}/{x}/{y}.mvt" + suffix}},
        {"vector_layers", {{{"id", layer}, {"fields", fields}, {"minzoom", 0}, {"maxzoom", tilejson_max_zoom}}}},
        {"minzoom", 0},
        {"maxzoom", tilejson_max_zoom},
        {"bounds", {b.min_corner().x(), b.min_corner().y(), b.max_corner().x(), b.max_corner().y()}},
        {"center", {(b.min_corner().x() + b.max_corner().x()) / 2, (b.min_corner().y() + b.max_corner().y()) / 2, 8}},
        {"attribution", attribution},
    };
    if (layer == tile_layers::crimes) {
        doc["detail_zoom"] = geo::crime_pyramid::detail_zoom;
        nlohmann::ordered_json months = nlohmann::ordered_json::array(), categories = nlohmann::ordered_json::array(),
                               outcomes = nlohmann::ordered_json::array();
        for (int m : snapshot.months) months.push_back(data::month_text(m));
        for (const auto& c : snapshot.categories) categories.push_back({{"slug", c.slug}, {"name", c.name}});
        std::uint8_t index = 0;
        for (const auto& g : data::outcome_groups())
            outcomes.push_back({{"slug", g.slug}, {"name", g.name}, {"labels", data::outcome_labels_of(index++)}});
        doc["months"] = months;
        doc["categories"] = categories;
        doc["outcomes"] = outcomes;
        // Forces publish at different times: each force's newest month, so that the map can
        // say why a lagging force's area is empty in the default (newest) month.
        nlohmann::ordered_json forces = nlohmann::ordered_json::array();
        for (const auto& f : snapshot.street_forces) {
            auto known = std::lower_bound(snapshot.forces.begin(), snapshot.forces.end(), f.force,
                                          [](const data::force_info& info, const std::string& id) { return info.id < id; });
            const auto& fb = f.bounds;
            forces.push_back({{"id", f.force},
                              {"name", known != snapshot.forces.end() && known->id == f.force ? known->name : f.force},
                              {"last_month", data::month_text(f.last_month)},
                              {"bounds", {fb.min_corner().x(), fb.min_corner().y(), fb.max_corner().x(), fb.max_corner().y()}}});
        }
        doc["forces"] = forces;
    }
    return cacheable_response(req, doc.dump(), "application/json", snapshot.data_version,
                              std::string(layer) + ".json|" + base_url + suffix, 60);
}

}  // namespace crimemap::server
