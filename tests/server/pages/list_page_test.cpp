// The list view: the map's crimes for a box and period as an HTML table, the same crimes the
// API counts.

#include "data/vocabulary/months.hpp"
#include "data/store/store.hpp"
#include "server/router.hpp"
#include "server/pages/list_page.hpp"
#include "server/server_fixtures.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;

namespace {

response get(const std::string& target) {
    request req{http::verb::get, target, 11};
    return handle_request(req, generated_app_state());
}

// The sum of the table's counts, and the total the page states.
std::pair<long, long> counts_of(const std::string& html) {
    long sum = 0;
    const std::string cell = "<td class=\"number\">";
    for (auto at = html.find(cell); at != std::string::npos; at = html.find(cell, at + 1))
        sum += std::stol(html.substr(at + cell.size()));
    // "<p>N crime(s) on ..."
    for (auto at = html.find("<p>"); at != std::string::npos; at = html.find("<p>", at + 1)) {
        auto digits = html.find_first_not_of("0123456789", at + 3);
        if (digits > at + 3 && html.compare(digits, 6, " crime") == 0) return {sum, std::stol(html.substr(at + 3))};
    }
    FAIL("the page states no total");
    return {sum, -1};
}

}  // namespace

TEST_CASE("the list view counts the crimes in a box by street and category, as the API does") {
    const auto& s = *shared_generated_data().snapshot;
    REQUIRE_FALSE(s.location_positions.empty());
    const auto& centre = s.location_positions[s.location_positions.size() / 2];
    const double w = centre.x() - 0.01, e = centre.x() + 0.01, so = centre.y() - 0.01, n = centre.y() + 0.01;
    char bbox[160], poly[200];
    std::snprintf(bbox, sizeof bbox, "bbox=%.6f,%.6f,%.6f,%.6f", w, so, e, n);
    std::snprintf(poly, sizeof poly, "poly=%.6f,%.6f:%.6f,%.6f:%.6f,%.6f:%.6f,%.6f", so, w, so, e, n, e, n, w);
    auto res = get(std::string("/list?") + bbox);
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "text/html; charset=utf-8");
    auto [sum, stated] = counts_of(res.body());
    CHECK(sum == stated);
    REQUIRE(stated > 0);
    // The latest month by default, as the map; the API's crimes-street in the same polygon.
    auto api = get(std::string("/api/crimes-street/all-crime?") + poly);
    REQUIRE(api.result() == http::status::ok);
    CHECK(static_cast<long>(nlohmann::json::parse(api.body()).size()) == stated);
    // One category, from the store.
    auto db = data::open_store_for_reading(shared_generated_data().db);
    char sql[400];
    std::snprintf(sql, sizeof sql,
                  "SELECT count(*) FROM crimes c JOIN locations l ON l.id = c.location JOIN crime_types t ON "
                  "t.id = c.crime_type WHERE t.slug = 'violent-crime' AND c.month = %d AND l.longitude BETWEEN %.6f "
                  "AND %.6f AND l.latitude BETWEEN %.6f AND %.6f",
                  s.months.back(), w, e, so, n);
    auto violent = db.query_int(sql);
    CHECK(counts_of(get(std::string("/list?category=violent-crime&") + bbox).body()).second == violent);
    // Every month.
    auto all_months = get(std::string("/list?from=") + data::month_text(s.months.front()) + "&" + bbox);
    CHECK(counts_of(all_months.body()).second > stated);
}

TEST_CASE("the list view works without a box, and says which parameter is wrong") {
    CHECK(get("/list").result() == http::status::ok);
    auto bad = get("/list?bbox=1,2,3");
    CHECK(bad.result() == http::status::bad_request);
    CHECK(bad.body().find("bbox:") != std::string::npos);
    auto month = get("/list?from=2024-13");
    CHECK(month.result() == http::status::bad_request);
    CHECK(month.body().find("from") != std::string::npos);
}

TEST_CASE("text is escaped before it goes into a page") {
    CHECK(html_escape("<script>\"a\" & 'b'</script>") == "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
}
