#include "data/snapshot/search.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace crimemap::data {

std::optional<postcode_hit> find_postcode(Database& db, std::string_view normalised) {
    Statement select(db, "SELECT label, longitude, latitude FROM postcodes WHERE postcode = ?");
    select.bind(1, normalised);
    if (!select.step()) return std::nullopt;
    return postcode_hit{std::string(select.column_text(0)), geo::lonlat(select.column_double(1), select.column_double(2))};
}

namespace {

// 0: the whole name, 1: its start, 2: a word's start, 3: anywhere, 4: no match.
int match_quality(std::string_view name, std::string_view query) {
    if (name == query) return 0;
    auto at = name.find(query);
    if (at == std::string_view::npos) return 4;
    if (at == 0) return 1;
    for (; at != std::string_view::npos; at = name.find(query, at + 1))
        if (!std::isalnum(static_cast<unsigned char>(name[at - 1]))) return 2;
    return 3;
}

}  // namespace

std::vector<const place*> search_places(const map_snapshot& snapshot, std::string_view query, std::size_t limit) {
    std::string wanted;
    for (char c : query) {  // lower case, single spaces, no "On or near"
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!wanted.empty() && wanted.back() != ' ') wanted += ' ';
        } else {
            wanted += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    while (!wanted.empty() && wanted.back() == ' ') wanted.pop_back();
    if (wanted.starts_with("on or near ")) wanted.erase(0, 11);
    std::vector<std::pair<int, const place*>> found;
    if (wanted.empty()) return {};
    for (const auto& p : snapshot.places)
        if (int quality = match_quality(p.name, wanted); quality < 4) found.emplace_back(quality, &p);
    auto rank = [](const std::pair<int, const place*>& m) {
        return std::make_tuple(m.first, static_cast<int>(m.second->type), -static_cast<std::int64_t>(m.second->crimes),
                               std::string_view(m.second->label));
    };
    auto keep = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(),
                      [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    std::vector<const place*> out;
    for (std::size_t i = 0; i < keep; ++i) out.push_back(found[i].second);
    return out;
}

}  // namespace crimemap::data
