#include "data/import/import_sources.hpp"
#include "data/import/csv_reader.hpp"
#include "data/vocabulary/forces.hpp"
#include "data/vocabulary/months.hpp"
#include "data/vocabulary/postcodes.hpp"
#include "data/vocabulary/text.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace crimemap::data {

namespace {

constexpr std::array<std::pair<source_kind, std::string_view>, 9> kind_names{{
    {source_kind::street, "street"},
    {source_kind::outcomes, "outcomes"},
    {source_kind::stop_and_search, "stop-and-search"},
    {source_kind::boundary, "boundary"},
    {source_kind::forces, "forces"},
    {source_kind::neighbourhood, "neighbourhood"},
    {source_kind::watch, "watch"},
    {source_kind::postcodes, "postcodes"},
    {source_kind::support, "support"},
}};

// Order in which kinds are imported: what later kinds refer to comes first.
int import_rank(source_kind kind) {
    switch (kind) {
    case source_kind::forces: return 0;
    case source_kind::boundary: return 1;
    case source_kind::neighbourhood: return 2;
    case source_kind::watch: return 3;
    case source_kind::postcodes: return 4;
    case source_kind::support: return 4;
    case source_kind::street: return 5;
    case source_kind::outcomes: return 6;
    case source_kind::stop_and_search: return 7;
    }
    return 8;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && lower(text.substr(text.size() - suffix.size())) == suffix;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > start) parts.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

std::string strip_extension(const std::string& name) {
    auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

std::uint64_t file_size(const std::string& vsi_path) {
    VSIStatBufL stat{};
    if (VSIStatL(vsi_path.c_str(), &stat) != 0) return 0;
    return static_cast<std::uint64_t>(stat.st_size);
}

bool looks_like_postcode(std::string_view text) {
    std::string unquoted;
    for (char c : text)
        if (c != '"') unquoted += c;
    return !normalise_postcode(unquoted).empty();
}

// A CSV that is not one of the monthly police files may be a postcode table.
bool sniff_postcodes(const std::string& vsi_path) {
    VSILFILE* file = VSIFOpenL(vsi_path.c_str(), "rb");
    if (!file) return false;
    std::string head(4096, '\0');
    head.resize(VSIFReadL(head.data(), 1, head.size(), file));
    VSIFCloseL(file);
    auto line_end = head.find_first_of("\r\n");
    std::string first = lower(head.substr(0, line_end));
    if (first.find("postcode") != std::string::npos && first.find("eastings") != std::string::npos &&
        first.find("northings") != std::string::npos)
        return true;
    auto comma = first.find(',');
    return comma != std::string::npos && looks_like_postcode(first.substr(0, comma));
}

struct monthly_name {
    source_kind kind;
    int month;
    std::string force;
};

// YYYY-MM-<force>-street.csv, -outcomes.csv or -stop-and-search.csv, any letter case.
std::optional<monthly_name> parse_monthly_name(const std::string& file_name) {
    std::string name = lower(file_name);
    if (name.size() < 9 || name[4] != '-' || name[7] != '-') return std::nullopt;
    for (int i : {0, 1, 2, 3, 5, 6})
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return std::nullopt;
    int month = std::stoi(name.substr(0, 4)) * 100 + std::stoi(name.substr(5, 2));
    if (month % 100 < 1 || month % 100 > 12) return std::nullopt;
    for (auto [kind, suffix] : {std::pair{source_kind::street, std::string_view("-street.csv")},
                                std::pair{source_kind::outcomes, std::string_view("-outcomes.csv")},
                                std::pair{source_kind::stop_and_search, std::string_view("-stop-and-search.csv")}}) {
        if (name.size() > 8 + suffix.size() && name.ends_with(suffix))
            return monthly_name{kind, month, name.substr(8, name.size() - 8 - suffix.size())};
    }
    return std::nullopt;
}

void expand(const std::string& vsi_path, const std::string& display_path, discovery& found, bool is_top,
            const named_files* named);

void expand_container(const std::string& vsi_root, const std::string& display_root, discovery& found) {
    std::unique_ptr<char*, void (*)(char**)> entries(VSIReadDirRecursive(vsi_root.c_str()), CSLDestroy);
    std::vector<std::string> names;
    for (char** entry = entries.get(); entry && *entry; ++entry) names.emplace_back(*entry);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (name.empty() || name.back() == '/') continue;
        std::string vsi = vsi_root + "/" + name;
        VSIStatBufL stat{};
        if (VSIStatL(vsi.c_str(), &stat) != 0 || VSI_ISDIR(stat.st_mode)) continue;
        expand(vsi, display_root + "/" + name, found, false, nullptr);
    }
}

// A monthly file named otherwise than data.police.uk names it: its force and month from the
// command line or, failing that, from its first row.
void tell_force_and_month(import_source& source, const named_files& named) {
    source.force = named.force;
    source.month = named.month;
    if (source.force.empty() || source.month == 0) {
        csv_reader reader(open_vsi(source.vsi_path, source.display_path), source.display_path);
        if (reader.next() && reader.next() && reader.fields().size() > 3) {
            const auto& row = reader.fields();
            if (source.month == 0) source.month = parse_month(row[1].substr(0, 7)).value_or(0);
            // Stop and search files have no force column; street and outcomes files say `Falls within`.
            if (source.force.empty() && source.kind != source_kind::stop_and_search)
                if (const auto* known = known_force_named(row[3])) source.force = std::string(known->id);
        }
    }
    const std::string kind(to_string(source.kind));
    if (source.force.empty())
        throw std::runtime_error(source.display_path + ": its name does not say its force (YYYY-MM-<force>-" + kind +
                                 ".csv) and its rows name no known force: give it with --force ID");
    if (source.month == 0)
        throw std::runtime_error(source.display_path + ": its name does not say its month (YYYY-MM-<force>-" + kind +
                                 ".csv) and its first row has no Month: give it with --month YYYY-MM");
}

void expand(const std::string& vsi_path, const std::string& display_path, discovery& found, bool is_top,
            const named_files* named) {
    if (ends_with(display_path, ".zip")) {
        expand_container("/vsizip/" + vsi_path, display_path, found);
        return;
    }
    if (named && named->kind) {
        const source_kind forced = *named->kind;
        std::string vsi = ends_with(display_path, ".gz") ? "/vsigzip/" + vsi_path : vsi_path;
        import_source source{forced, vsi, display_path, {}, {}, 0, file_size(vsi_path)};
        auto recognised = recognise(vsi_path, display_path);
        if (recognised && recognised->kind == forced) {
            source = *recognised;
        } else if (forced == source_kind::street || forced == source_kind::outcomes || forced == source_kind::stop_and_search) {
            // A re-import replaces what the same force, month and kind wrote before.
            tell_force_and_month(source, *named);
        } else if (forced == source_kind::neighbourhood) {
            throw std::runtime_error(display_path + ": a neighbourhood file must keep its data.police.uk place "
                                     "(neighbourhoods/<force>/<id>.json), which says what it replaces");
        }
        found.sources.push_back(source);
        return;
    }
    if (auto source = recognise(vsi_path, display_path)) {
        found.sources.push_back(*source);
    } else if (is_top) {
        throw std::runtime_error(display_path +
                                 ": not a file crimemap recognises (expected YYYY-MM-<force>-street.csv, "
                                 "-outcomes.csv, -stop-and-search.csv, a boundary .kml, forces.json, "
                                 "neighbourhoods/<force>/<id>.json, watch/*.geojson or a postcode CSV; "
                                 "use --kind to say what it is)");
    } else {
        found.unrecognised.push_back(display_path);
    }
}

}  // namespace

std::string_view to_string(source_kind kind) {
    for (const auto& [k, name] : kind_names)
        if (k == kind) return name;
    return "unknown";
}

std::optional<source_kind> parse_source_kind(std::string_view text) {
    for (const auto& [k, name] : kind_names)
        if (name == text) return k;
    return std::nullopt;
}

std::optional<import_source> recognise(const std::string& vsi_path, const std::string& display_path) {
    std::string logical = display_path;
    std::string vsi = vsi_path;
    if (ends_with(logical, ".gz")) {
        logical = logical.substr(0, logical.size() - 3);
        vsi = "/vsigzip/" + vsi_path;
    }
    auto parts = split_path(logical);
    if (parts.empty()) return std::nullopt;
    const std::string& name = parts.back();
    std::string parent = parts.size() >= 2 ? parts[parts.size() - 2] : std::string();
    import_source source{source_kind::street, vsi, display_path, {}, {}, 0, 0};

    if (auto monthly = parse_monthly_name(name)) {
        source.kind = monthly->kind;
        source.month = monthly->month;
        source.force = monthly->force;
    } else if (lower(name) == "forces.json") {
        source.kind = source_kind::forces;
    } else if (ends_with(name, ".json") && parent == "support") {
        source.kind = source_kind::support;
        source.force = strip_extension(name);
    } else if (ends_with(name, ".json") && parts.size() >= 3 && parts[parts.size() - 3] == "neighbourhoods") {
        source.kind = source_kind::neighbourhood;
        source.force = parent;
        source.neighbourhood = strip_extension(name);
    } else if (ends_with(name, ".kml")) {
        source.kind = source_kind::boundary;
        source.force = parent;
        source.neighbourhood = strip_extension(name);
    } else if (ends_with(name, ".geojson") &&
               std::find(parts.begin(), parts.end() - 1, std::string("watch")) != parts.end() - 1) {
        source.kind = source_kind::watch;
    } else if (ends_with(name, ".geojson") || ends_with(name, ".gpkg") || ends_with(name, ".shp")) {
        source.kind = source_kind::boundary;
        source.force = parent;
    } else if (ends_with(name, ".csv") && sniff_postcodes(vsi)) {
        source.kind = source_kind::postcodes;
    } else {
        return std::nullopt;
    }
    // The compressed size for a gzip file: asking /vsigzip/ would inflate it all.
    source.size = file_size(vsi_path);
    return source;
}

discovery discover_sources(const std::vector<std::string>& paths, const named_files& named) {
    configure_gdal();
    discovery found;
    for (const auto& path : paths) {
        VSIStatBufL stat{};
        if (VSIStatL(path.c_str(), &stat) != 0) throw std::runtime_error(path + ": no such file or folder");
        std::string trimmed = path;
        while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
        if (VSI_ISDIR(stat.st_mode)) {
            expand_container(trimmed, trimmed, found);
        } else {
            expand(trimmed, trimmed, found, true, &named);
        }
    }
    std::stable_sort(found.sources.begin(), found.sources.end(), [](const auto& a, const auto& b) {
        if (import_rank(a.kind) != import_rank(b.kind)) return import_rank(a.kind) < import_rank(b.kind);
        if (a.month != b.month) return a.month < b.month;
        return a.display_path < b.display_path;
    });
    return found;
}

}  // namespace crimemap::data
