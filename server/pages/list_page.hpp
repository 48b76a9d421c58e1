#pragma once
// The list view: the map's crimes for an area and period as a plain HTML table, by street and
// category, that needs neither JavaScript nor WebGL (the accessible alternative to the map).

#include "server/app_state.hpp"
#include "server/http/query_string.hpp"

namespace crimemap::server {

/// GET /list?bbox=west,south,east,north&from=&to=&category=&outcome= (the map's filters);
/// without bbox, the whole map. 400 naming a malformed parameter, as an HTML page.
response handle_list_page(const request& req, const query_parameters& query, const app_state& state);

/// Text made safe to put between HTML tags or in a quoted attribute.
std::string html_escape(std::string_view text);

}  // namespace crimemap::server
