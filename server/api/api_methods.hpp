#pragma once
// The /api/ methods, one function each, grouped by file. The route table (server/routes.cpp)
// routes to them; `c.parts` are the path's segments after "/api/", matched by the table.

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

// api_reference.cpp: forces, neighbourhoods and the lists, from the snapshot or (published
// details, which teams edit) from the store
response forces(const call& c);               ///< forces
response force(const call& c);                ///< forces/{force}
response force_people(const call& c);         ///< forces/{force}/people
response force_support(const call& c);        ///< forces/{force}/support (our extension: victim support services)
response crime_categories(const call& c);     ///< crime-categories?date
response crime_last_updated(const call& c);   ///< crime-last-updated
response crimes_street_dates(const call& c);  ///< crimes-street-dates
response locate_neighbourhood(const call& c);  ///< locate-neighbourhood?q=lat,lng
response neighbourhoods(const call& c);        ///< {force}/neighbourhoods
response neighbourhood(const call& c);         ///< {force}/{neighbourhood}
response neighbourhood_part(const call& c);    ///< {force}/{neighbourhood}/{people|priorities|events|contact_details}
response neighbourhood_calendar(const call& c);  ///< {force}/{neighbourhood}/events.ics (RFC 5545)
response boundary(const call& c);              ///< {force}/{neighbourhood}/boundary
response team_fields(const call& c);           ///< team-fields: what the team editor edits

// our extensions
response location_crimes(const call& c);   ///< location-crimes?location_id&from&to (api_crimes.cpp)
response summary(const call& c);           ///< summary/{force}/{neighbourhood}, summary?lat&lng, summary?poly
response search(const call& c);            ///< search?q=
response neighbourhood_at(const call& c);  ///< neighbourhood-at?lat&lng

}  // namespace crimemap::server::api
