#pragma once
// The /api/ methods, one function each, grouped by file. handle_api routes to them.

#include "server/api/api_common.hpp"

namespace crimemap::server::api {

// api_crimes.cpp: street-level crimes and outcomes
response crimes_street(const call& c);       ///< crimes-street/{category}
response crimes_at_location(const call& c);  ///< crimes-at-location
response crimes_no_location(const call& c);  ///< crimes-no-location
response outcomes_at_location(const call& c);  ///< outcomes-at-location
response outcomes_for_crime(const call& c);    ///< outcomes-for-crime/{persistent_id}

// api_stops.cpp: stop and search, read from the store by the in-memory index
response stops_street(const call& c);       ///< stops-street
response stops_at_location(const call& c);  ///< stops-at-location
response stops_no_location(const call& c);  ///< stops-no-location
response stops_force(const call& c);        ///< stops-force

// our extensions
response location_crimes(const call& c);   ///< location-crimes?location_id&from&to (api_crimes.cpp)
response summary(const call& c);           ///< summary/{force}/{neighbourhood}, summary?lat&lng, summary?poly
response search(const call& c);            ///< search?q=
response neighbourhood_at(const call& c);  ///< neighbourhood-at?lat&lng

}  // namespace crimemap::server::api
