#pragma once
// The fields of a request body: a JSON object or an HTML form (urlencoded), the same way.

#include "server/http/http.hpp"

#include <map>
#include <string>

namespace crimemap::server {

using body_fields = std::map<std::string, std::string>;

/// A JSON object's members (strings as they are, numbers and booleans as their JSON text) or a
/// form's fields. 400 for a body that is neither, or a JSON value that is not an object.
body_fields read_body_fields(const request& req);

}  // namespace crimemap::server
