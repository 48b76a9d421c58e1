#include "data/vocabulary/categories.hpp"

#include <catch2/catch.hpp>

using crimemap::data::category_slug;

TEST_CASE("CSV crime type labels map to the API's category slugs") {
    CHECK(category_slug("Anti-social behaviour") == "anti-social-behaviour");
    CHECK(category_slug("Violence and sexual offences") == "violent-crime");
    CHECK(category_slug("Criminal damage and arson") == "criminal-damage-arson");
    CHECK(category_slug("Theft from the person") == "theft-from-the-person");
}

TEST_CASE("older labels map to the slugs the API used for them") {
    CHECK(category_slug("Violent crime") == "violent-crime");
    CHECK(category_slug("Public disorder and weapons") == "public-disorder-weapons");
}

TEST_CASE("a label the API never used still gets a readable slug") {
    CHECK(category_slug("Fraud and Forgery") == "fraud-and-forgery");
    CHECK(category_slug("  ") == "other-crime");
}
