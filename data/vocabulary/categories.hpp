#pragma once
// Crime categories: the labels in data.police.uk CSV files and the API's slugs.

#include <string>
#include <string_view>

namespace crimemap::data {

/// The API slug for a CSV `Crime type` label, e.g. "Violence and sexual offences" →
/// "violent-crime", "Public disorder and weapons" → "public-disorder-weapons".
/// A label the API never used gets a slug made from its words ("Fraud and forgery" →
/// "fraud-and-forgery"), so no row is lost to a new label.
std::string category_slug(std::string_view label);

/// Lower-case words joined by single hyphens: "Fraud and Forgery" → "fraud-and-forgery".
/// Empty when the text has no letters or digits.
std::string slugify(std::string_view text);

}  // namespace crimemap::data
