// Over 600 lines on purpose: the parsing thread (csv_parser), the hand-over (batch_queue) and
// the writing thread (batch_writer) share one private layout of a batch's rows, which nothing
// outside the import may see; one file keeps it in an anonymous namespace. Read it in that
// order: the batch types, the queue, the dictionaries, the parser, the writer and its checkpoints,
// then import_police_csv.
#include "data/import/police_csv_import.hpp"

#include "data/vocabulary/categories.hpp"
#include "data/vocabulary/crime_id.hpp"
#include "data/import/import_dictionaries.hpp"
#include "data/import/csv_reader.hpp"
#include "data/vocabulary/months.hpp"
#include "data/store/binary_copy.hpp"
#include "data/store/postgres.hpp"
#include "data/store/store.hpp"
#include "data/vocabulary/text.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cassert>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

namespace crimemap::data::detail {

namespace {

constexpr std::size_t batch_rows = 16384;
constexpr std::size_t queue_capacity = 4;
constexpr std::size_t problems_shown_per_file = 20;
constexpr std::uint32_t null_text = 0xffffffffu;

const std::vector<std::string_view> street_header{
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
    "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"};
const std::vector<std::string_view> outcomes_header{
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
    "LSOA name", "Outcome type"};
const std::vector<std::string_view> stops_header{"Type",
                                                 "Date",
                                                 "Part of a policing operation",
                                                 "Policing operation",
                                                 "Latitude",
                                                 "Longitude",
                                                 "Gender",
                                                 "Age range",
                                                 "Self-defined ethnicity",
                                                 "Officer-defined ethnicity",
                                                 "Legislation",
                                                 "Object of search",
                                                 "Outcome",
                                                 "Outcome linked to object of search",
                                                 "Removal of more than just outer clothing"};

// A reference into a batch's text arena; offset null_text stands for SQL NULL. `bytes`: not
// text but a Crime ID's 32 bytes (a BLOB; see crime_id.hpp).
struct text_ref {
    std::uint32_t offset = null_text;
    std::uint32_t size = 0;
    bool bytes = false;
};

struct crime_record {
    std::int64_t location;  // 0: none
    std::int32_t month, reported_by, falls_within, lsoa, crime_type, last_outcome;  // ids; 0: NULL
    text_ref persistent_id, context;
};

struct outcome_record {
    std::int64_t location;
    std::int32_t month, reported_by, falls_within, lsoa, outcome_type;
    text_ref persistent_id;
};

struct stop_record {
    std::int64_t location;
    text_ref type, datetime, operation, gender, age_range, self_defined, officer_defined, legislation, object,
        outcome;
    std::int8_t part_of_operation, outcome_linked, removal;  // 1, 0, or -1 for NULL
};

enum class dictionary { agencies, lsoas, crime_types, outcome_types };

struct dictionary_entry {
    dictionary table;
    std::int64_t id;
    text_ref first, second;
};

struct location_entry {
    std::int64_t id;
    double longitude, latitude;
    text_ref street;
    std::int64_t neighbourhood;  // 0: none
};

// A row's map location, parsed but not yet looked up (see csv_parser::resolve_locations).
struct pending_location {
    bool present = false;  // false for a row without coordinates
    location_ids::key key{};
};

struct batch {
    const import_source* file = nullptr;
    bool begins_file = false;
    bool ends_file = false;
    std::uint64_t skipped_in_file = 0;  // with ends_file
    std::uint64_t recoded = 0;          // rows read as Windows-1252
    std::uint64_t bytes = 0;            // input bytes this batch covers
    std::string text;
    std::vector<dictionary_entry> dictionary_entries;
    std::vector<location_entry> locations;
    std::vector<crime_record> crimes;
    std::vector<outcome_record> outcomes;
    std::vector<stop_record> stops;
    std::vector<pending_location> pending;       // one per row of crimes, outcomes or stops
    std::vector<std::string> problems;           // malformed rows, as shown to the user
    std::vector<std::string> skip_reasons;       // one per skipped row
    std::string rejected;                        // the whole file was rejected: why
    std::string fatal;                           // --strict stop: why

    text_ref keep(std::string_view value) {
        text_ref ref{static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(value.size())};
        text.append(value);
        return ref;
    }
    text_ref keep_or_null(std::string_view value) { return value.empty() ? text_ref{} : keep(value); }
    // A Crime ID as the store keeps it: 32 bytes for data.police.uk's 64 lower-case hex digits
    // (half the size to write), the text for any other.
    text_ref keep_crime_id(std::string_view value) {
        if (value.size() != 64) return keep_or_null(value);
        const auto at = text.size();
        text.resize(at + 32);
        if (pack_crime_id(value, reinterpret_cast<std::uint8_t*>(text.data() + at)))
            return {static_cast<std::uint32_t>(at), 32, true};
        text.resize(at);
        return keep_or_null(value);
    }
    [[nodiscard]] std::string_view view(text_ref ref) const { return {text.data() + ref.offset, ref.size}; }
    [[nodiscard]] std::size_t row_count() const { return crimes.size() + outcomes.size() + stops.size(); }

    // Empty again, its memory kept for the next batch (see batch_queue::recycle).
    void clear() {
        file = nullptr;
        begins_file = ends_file = false;
        skipped_in_file = recoded = bytes = 0;
        text.clear();
        dictionary_entries.clear();
        locations.clear();
        crimes.clear();
        outcomes.clear();
        stops.clear();
        pending.clear();
        problems.clear();
        skip_reasons.clear();
        rejected.clear();
        fatal.clear();
    }
};

// Bounded hand-over from the parsing thread to the writing thread.
class batch_queue {
public:
    void push(std::unique_ptr<batch> item) {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return items_.size() < queue_capacity || cancelled_; });
        if (cancelled_) return;
        items_.push_back(std::move(item));
        ready_.notify_one();
    }
    // A written batch back to the parser: its vectors keep their capacity, so the next batch
    // faults in no new memory (fresh pages were a few percent of the parsing thread).
    void recycle(std::unique_ptr<batch> item) {
        item->clear();
        std::lock_guard lock(mutex_);
        if (spares_.size() < queue_capacity + 2) spares_.push_back(std::move(item));
    }
    std::unique_ptr<batch> fresh() {
        std::lock_guard lock(mutex_);
        if (spares_.empty()) return std::make_unique<batch>();
        auto item = std::move(spares_.back());
        spares_.pop_back();
        return item;
    }
    // nullptr once the producer has finished and everything was taken.
    std::unique_ptr<batch> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !items_.empty() || finished_; });
        if (items_.empty()) return nullptr;
        auto item = std::move(items_.front());
        items_.pop_front();
        space_.notify_one();
        return item;
    }
    void finish(std::exception_ptr error) {
        std::lock_guard lock(mutex_);
        finished_ = true;
        error_ = std::move(error);
        ready_.notify_all();
    }
    void cancel() {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
        space_.notify_all();
    }
    [[nodiscard]] bool cancelled() {
        std::lock_guard lock(mutex_);
        return cancelled_;
    }
    std::exception_ptr error() {
        std::lock_guard lock(mutex_);
        return error_;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<std::unique_ptr<batch>> items_;
    std::vector<std::unique_ptr<batch>> spares_;
    bool finished_ = false;
    bool cancelled_ = false;
    std::exception_ptr error_;
};

// Ids already in the store, and the next free one, per dictionary table.
struct id_table {
    text_ids ids;
    std::int64_t next = 1;

    // The key's id; a new one (told by `added`) when it is not there yet.
    std::int64_t resolve(std::string_view key, bool& added) {
        auto key_hash = text_ids::hash(key);
        added = false;
        if (auto id = ids.find(key, key_hash)) return id;
        added = true;
        ids.insert(key, key_hash, next);
        return next++;
    }
};

struct dictionaries {
    id_table agencies, lsoas, crime_types, outcome_types;
    // Map locations by exact coordinates and street name, the street named by its id in `streets`.
    location_ids locations;
    std::int64_t next_location = 1;
    text_ids streets;

    void load(Database& db) {
        auto load_table = [&](id_table& table, const char* sql, auto&& make_key) {
            Statement select(db, sql);
            while (select.step()) {
                std::int64_t id = select.column_int(0);
                table.ids.insert(make_key(select), id);
                table.next = std::max(table.next, id + 1);
            }
        };
        load_table(agencies, "SELECT id, name FROM agencies", [](Statement& s) { return std::string(s.column_text(1)); });
        load_table(lsoas, "SELECT id, code, name FROM lsoas", [](Statement& s) {
            return std::string(s.column_text(1)) + '\x1f' + std::string(s.column_text(2));
        });
        load_table(crime_types, "SELECT id, label FROM crime_types",
                   [](Statement& s) { return std::string(s.column_text(1)); });
        load_table(outcome_types, "SELECT id, label FROM outcome_types",
                   [](Statement& s) { return std::string(s.column_text(1)); });
        Statement select(db, "SELECT id, longitude, latitude, street FROM locations");
        while (select.step()) {
            std::int64_t id = select.column_int(0);
            locations.insert({select.column_double(1), select.column_double(2), street_id(select.column_text(3))}, id);
            next_location = std::max(next_location, id + 1);
        }
    }

    // The next ids of every table, to forget what was added after them.
    struct marks {
        std::int64_t agencies, lsoas, crime_types, outcome_types, locations;
    };
    [[nodiscard]] marks mark() const {
        return {agencies.next, lsoas.next, crime_types.next, outcome_types.next, next_location};
    }
    void forget_since(const marks& m) {
        auto forget = [](id_table& table, std::int64_t next) {
            if (table.next == next) return;
            table.ids.keep_below(next);
            table.next = next;
        };
        forget(agencies, m.agencies);
        forget(lsoas, m.lsoas);
        forget(crime_types, m.crime_types);
        forget(outcome_types, m.outcome_types);
        if (next_location != m.locations) {
            locations.keep_below(m.locations);
            next_location = m.locations;
        }
    }

    std::uint32_t street_id(std::string_view street) {
        auto key_hash = text_ids::hash(street);
        if (auto id = streets.find(street, key_hash)) return static_cast<std::uint32_t>(id);
        auto id = static_cast<std::uint32_t>(streets.size() + 1);
        streets.insert(street, key_hash, id);
        return id;
    }
};

bool parse_number(std::string_view text, double& value) {
    if (text.empty()) return false;
    const char* first = text.data();
    if (*first == '+') ++first;
    auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

// Date in stop-and-search files: YYYY-MM-DDTHH:MM:SS with an optional zone or fraction.
bool plausible_datetime(std::string_view text) {
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
        text[13] != ':' || text[16] != ':')
        return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
        if (text[i] < '0' || text[i] > '9') return false;
    int month = (text[5] - '0') * 10 + (text[6] - '0');
    int day = (text[8] - '0') * 10 + (text[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// "True", "False" or empty (NULL); anything else is malformed.
bool parse_flag(std::string_view text, std::int8_t& flag) {
    if (text.empty()) {
        flag = -1;
    } else if (text == "True" || text == "true" || text == "TRUE") {
        flag = 1;
    } else if (text == "False" || text == "false" || text == "FALSE") {
        flag = 0;
    } else {
        return false;
    }
    return true;
}

class malformed_row {
public:
    malformed_row(std::string reason, std::string detail) : reason_(std::move(reason)), detail_(std::move(detail)) {}
    const std::string& reason() const { return reason_; }
    const std::string& detail() const { return detail_; }

private:
    std::string reason_;  // the counted category, e.g. "bad month"
    std::string detail_;  // with the value, e.g. "bad month '2014-13'"
};

std::string quoted(std::string_view value) {
    constexpr std::size_t shown = 40;
    std::string out = "'" + std::string(value.substr(0, shown));
    if (value.size() > shown) out += "...";
    return out + "'";
}

// Parses one file's rows into batches; runs on the parsing thread.
class csv_parser {
public:
    csv_parser(dictionaries& dict, const neighbourhood_lookup& lookup, bool strict, batch_queue& queue)
        : dict_(dict), lookup_(lookup), strict_(strict), queue_(queue) {}

    void parse(const import_source& file) {
        const auto before = dict_.mark();
        try {
            parse_rows(file);
        } catch (const input_error& error) {
            // An unreadable file or an unclosed quote: whatever it queued is rolled back, and so
            // the ids it gave new dictionary entries and locations are free again (later files
            // would otherwise point at rows that were never written).
            dict_.forget_since(before);
            last_agency_name_.clear();
            last_agency_id_ = 0;
            auto rejected = std::make_unique<batch>();
            rejected->file = &file;
            rejected->rejected = std::string(error.what()) + " (nothing of this file was written)";
            if (strict_) rejected->fatal = rejected->rejected;
            queue_.push(std::move(rejected));
            if (strict_) throw import_error(error.what());
        }
    }

private:
    void parse_rows(const import_source& file) {
        csv_reader reader(open_vsi(file.vsi_path, file.display_path), file.display_path);
        const auto& header = expected_header(file.kind);
        auto current = queue_.fresh();
        current->file = &file;
        if (!reader.next() || !header_matches(reader.fields(), header)) {
            std::string expected;
            for (auto name : header) expected += (expected.empty() ? "" : ",") + std::string(name);
            std::string found;
            if (!reader.fields().empty())
                for (auto name : reader.fields()) found += (found.empty() ? "" : ",") + std::string(name);
            current->rejected = file.display_path + ":1: unknown header for a " + std::string(to_string(file.kind)) +
                                " file; expected '" + expected + "', found '" + found.substr(0, 300) + "'";
            current->ends_file = true;
            std::string message = current->rejected;
            if (strict_) current->fatal = message;
            queue_.push(std::move(current));
            if (strict_) throw import_error(message);
            return;
        }
        current->begins_file = true;
        std::uint64_t skipped = 0, shown = 0, last_bytes = reader.bytes_consumed();
        while (reader.next()) {
            const std::vector<std::string_view>* row = &reader.fields();
            if (row->size() == 1 && (*row)[0].empty()) continue;  // a blank line
            try {
                const auto text = scan_text(*row);
                // No text of any encoding holds a NUL byte, and PostgreSQL refuses one in text.
                if (text.nul_field)
                    throw malformed_row("NUL byte", "a NUL byte in " + column_name(header, *text.nul_field));
                if (!text.utf8) {
                    // Older data.police.uk files were written in Windows-1252 (a street `Caf\xe9`).
                    row = &recoded(*row);
                    ++current->recoded;
                    if (shown++ < problems_shown_per_file)
                        current->problems.push_back(file.display_path + ":" + std::to_string(reader.line()) +
                                                    ": not UTF-8; read as Windows-1252");
                }
                const auto& fields = *row;
                if (fields.size() != header.size())
                    throw malformed_row("wrong column count", "expected " + std::to_string(header.size()) +
                                                                  " columns, found " + std::to_string(fields.size()));
                switch (file.kind) {
                case source_kind::street: add_crime(*current, fields); break;
                case source_kind::outcomes: add_outcome(*current, fields); break;
                default: add_stop(*current, fields); break;
                }
            } catch (const malformed_row& bad) {
                std::string message = file.display_path + ":" + std::to_string(reader.line()) + ": " + bad.detail();
                if (strict_) {
                    current->fatal = message + " (--strict: nothing of this file was written)";
                    queue_.push(std::move(current));
                    throw import_error(message);
                }
                ++skipped;
                current->skip_reasons.push_back(bad.reason());
                if (shown++ < problems_shown_per_file) current->problems.push_back(message);
            }
            if (current->row_count() >= batch_rows) {
                current->bytes = reader.bytes_consumed() - last_bytes;
                last_bytes = reader.bytes_consumed();
                resolve_locations(*current);
                queue_.push(std::move(current));
                if (queue_.cancelled()) return;
                current = queue_.fresh();
                current->file = &file;
            }
        }
        if (shown > problems_shown_per_file)
            current->problems.push_back(file.display_path + ": ... and " +
                                        std::to_string(shown - problems_shown_per_file) + " more rows like these");
        current->bytes = reader.bytes_consumed() - last_bytes;
        current->ends_file = true;
        current->skipped_in_file = skipped;
        resolve_locations(*current);
        queue_.push(std::move(current));
    }

    struct text_scan {
        bool utf8 = true;
        std::optional<std::size_t> nul_field;  // the first field with a NUL byte
    };
    static text_scan scan_text(const std::vector<std::string_view>& fields) {
        text_scan out;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const auto [ascii, nul] = ascii_and_nul(fields[i]);
            if (nul) {
                out.nul_field = i;
                return out;
            }
            if (!ascii && invalid_utf8_at(fields[i])) out.utf8 = false;
        }
        return out;
    }

    // Whether the text is all ASCII, and whether it holds a NUL byte. Nearly every field is
    // ASCII without one: eight bytes at a time, a word with a zero byte found by the borrow
    // its subtraction leaves in that byte's top bit.
    static std::pair<bool, bool> ascii_and_nul(std::string_view text) {
        constexpr std::uint64_t ones = 0x0101010101010101ULL, tops = 0x8080808080808080ULL;
        std::uint64_t high = 0, zero = 0;
        std::size_t i = 0;
        for (; i + 8 <= text.size(); i += 8) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + i, 8);
            high |= word;
            zero |= (word - ones) & ~word;
        }
        for (; i < text.size(); ++i) {
            const auto byte = static_cast<unsigned char>(text[i]);
            high |= byte;
            zero |= byte == 0 ? tops : 0;
        }
        return {(high & tops) == 0, (zero & tops) != 0};
    }

    static std::string column_name(const std::vector<std::string_view>& header, std::size_t field) {
        if (field < header.size()) return "column '" + std::string(header[field]) + "'";
        return "column " + std::to_string(field + 1);
    }

    // The row's fields converted from Windows-1252 to UTF-8 (GDAL's iconv-backed CPLRecode);
    // valid until the next call.
    const std::vector<std::string_view>& recoded(const std::vector<std::string_view>& fields) {
        recoded_text_.clear();
        recoded_fields_.clear();
        for (auto field : fields) {
            const std::string bytes(field);  // no NUL in it (see parse_rows), so a whole C string
            std::unique_ptr<char, decltype(&CPLFree)> utf8(CPLRecode(bytes.c_str(), "CP1252", CPL_ENC_UTF8), &CPLFree);
            recoded_text_.emplace_back(utf8 ? utf8.get() : "");
        }
        for (const auto& text : recoded_text_) recoded_fields_.emplace_back(text);
        return recoded_fields_;
    }

    static bool header_matches(const std::vector<std::string_view>& found, const std::vector<std::string_view>& want) {
        if (found.size() != want.size()) return false;
        for (std::size_t i = 0; i < want.size(); ++i) {
            auto name = found[i];
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            if (name != want[i]) return false;
        }
        return true;
    }

    std::int32_t lookup_id(batch& out, id_table& table, dictionary which, std::string_view key,
                           std::string_view first, std::string_view second = {}) {
        bool added = false;
        std::int64_t id = table.resolve(key, added);
        if (added) out.dictionary_entries.push_back({which, id, out.keep(first), out.keep(second)});
        return static_cast<std::int32_t>(id);
    }

    std::int32_t agency(batch& out, std::string_view name) {
        if (name.empty()) return 0;
        // Rows of a file nearly always name the same force: skip the hash.
        if (name == last_agency_name_) return last_agency_id_;
        last_agency_id_ = lookup_id(out, dict_.agencies, dictionary::agencies, name, name);
        last_agency_name_.assign(name);
        return last_agency_id_;
    }

    std::int32_t lsoa(batch& out, std::string_view code, std::string_view name) {
        if (code.empty() && name.empty()) return 0;
        key_.assign(code);
        key_ += '\x1f';
        key_.append(name);
        return lookup_id(out, dict_.lsoas, dictionary::lsoas, key_, code, name);
    }

    std::int32_t crime_type(batch& out, std::string_view label) {
        bool added = false;
        std::int64_t id = dict_.crime_types.resolve(label, added);
        if (added)
            out.dictionary_entries.push_back({dictionary::crime_types, id, out.keep(label), out.keep(category_slug(label))});
        return static_cast<std::int32_t>(id);
    }

    std::int32_t outcome_type(batch& out, std::string_view label) {
        if (label.empty()) return 0;
        return lookup_id(out, dict_.outcome_types, dictionary::outcome_types, label, label);
    }

    // Coordinates and street of a row; not present for a row without coordinates.
    pending_location location_key(std::string_view longitude_text, std::string_view latitude_text,
                                  std::string_view street) {
        if (longitude_text.empty() && latitude_text.empty()) return {};
        double longitude = 0, latitude = 0;
        if (longitude_text.empty() || latitude_text.empty())
            throw malformed_row("bad coordinates", "only one of longitude and latitude is given");
        if (!parse_number(longitude_text, longitude) || longitude < -180 || longitude > 180)
            throw malformed_row("bad coordinates", "bad Longitude " + quoted(longitude_text));
        if (!parse_number(latitude_text, latitude) || latitude < -90 || latitude > 90)
            throw malformed_row("bad coordinates", "bad Latitude " + quoted(latitude_text));
        return {true, {longitude, latitude, dict_.street_id(street)}};
    }

    // Gives each row of a full batch its map location id, in row order, so that new locations
    // get the ids and neighbourhoods they would one row at a time. At data.police.uk's density
    // nearly every lookup misses the cache: the slots of the rows a little ahead are asked for
    // first, so that their fetches overlap.
    void resolve_locations(batch& out) {
        resolve_locations(out, out.crimes);
        resolve_locations(out, out.outcomes);
        resolve_locations(out, out.stops);
        out.pending.clear();
    }
    template <typename Record>
    void resolve_locations(batch& out, std::vector<Record>& rows) {
        constexpr std::size_t ahead = 16;
        const auto& pending = out.pending;
        if (rows.empty()) return;
        assert(rows.size() == pending.size());
        for (std::size_t i = 0; i < std::min(ahead, rows.size()); ++i)
            if (pending[i].present) dict_.locations.prefetch(pending[i].key);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i + ahead < rows.size() && pending[i + ahead].present) dict_.locations.prefetch(pending[i + ahead].key);
            rows[i].location = location(out, pending[i]);
        }
    }

    // The map location id; 0 for a row without coordinates. A new location gets its
    // neighbourhood now.
    std::int64_t location(batch& out, const pending_location& pending) {
        if (!pending.present) return 0;
        if (auto id = dict_.locations.find(pending.key)) return id;
        std::int64_t id = dict_.next_location++;
        dict_.locations.insert(pending.key, id);
        const auto [longitude, latitude, street_id] = pending.key;
        out.locations.push_back({id, longitude, latitude, out.keep(dict_.streets.key(street_id - 1)),
                                 lookup_.find(longitude, latitude).value_or(0)});
        return id;
    }

    static std::int32_t month(std::string_view text) {
        auto value = parse_month(text);
        if (!value) throw malformed_row("bad month", "bad Month " + quoted(text) + " (want YYYY-MM)");
        return *value;
    }

    void add_crime(batch& out, const std::vector<std::string_view>& f) {
        if (f[9].empty()) throw malformed_row("empty crime type", "empty Crime type");
        crime_record row{};
        row.month = month(f[1]);
        const auto place = location_key(f[4], f[5], f[6]);
        row.reported_by = agency(out, f[2]);
        row.falls_within = agency(out, f[3]);
        row.lsoa = lsoa(out, f[7], f[8]);
        row.crime_type = crime_type(out, f[9]);
        row.last_outcome = outcome_type(out, f[10]);
        row.persistent_id = out.keep_crime_id(f[0]);
        row.context = out.keep_or_null(f[11]);
        out.crimes.push_back(row);
        out.pending.push_back(place);
    }

    void add_outcome(batch& out, const std::vector<std::string_view>& f) {
        outcome_record row{};
        row.month = month(f[1]);
        const auto place = location_key(f[4], f[5], f[6]);
        row.reported_by = agency(out, f[2]);
        row.falls_within = agency(out, f[3]);
        row.lsoa = lsoa(out, f[7], f[8]);
        row.outcome_type = outcome_type(out, f[9]);
        row.persistent_id = out.keep_crime_id(f[0]);
        out.outcomes.push_back(row);
        out.pending.push_back(place);
    }

    void add_stop(batch& out, const std::vector<std::string_view>& f) {
        if (f[0].empty()) throw malformed_row("empty type", "empty Type");
        if (!plausible_datetime(f[1]))
            throw malformed_row("bad date", "bad Date " + quoted(f[1]) + " (want YYYY-MM-DDTHH:MM:SS)");
        stop_record row{};
        if (!parse_flag(f[2], row.part_of_operation))
            throw malformed_row("bad value", "bad 'Part of a policing operation' " + quoted(f[2]) + " (want True, False or empty)");
        if (!parse_flag(f[13], row.outcome_linked))
            throw malformed_row("bad value", "bad 'Outcome linked to object of search' " + quoted(f[13]) +
                                                 " (want True, False or empty)");
        if (!parse_flag(f[14], row.removal))
            throw malformed_row("bad value", "bad 'Removal of more than just outer clothing' " + quoted(f[14]) +
                                                 " (want True, False or empty)");
        const auto place = location_key(f[5], f[4], {});  // latitude comes first in these files
        row.type = out.keep(f[0]);
        row.datetime = out.keep(f[1]);
        row.operation = out.keep_or_null(f[3]);
        row.gender = out.keep_or_null(f[6]);
        row.age_range = out.keep_or_null(f[7]);
        row.self_defined = out.keep_or_null(f[8]);
        row.officer_defined = out.keep_or_null(f[9]);
        row.legislation = out.keep_or_null(f[10]);
        row.object = out.keep_or_null(f[11]);
        row.outcome = out.keep_or_null(f[12]);
        out.stops.push_back(row);
        out.pending.push_back(place);
    }

    dictionaries& dict_;
    const neighbourhood_lookup& lookup_;
    bool strict_;
    batch_queue& queue_;
    std::string key_;
    std::vector<std::string> recoded_text_;
    std::vector<std::string_view> recoded_fields_;
    std::string last_agency_name_;
    std::int32_t last_agency_id_ = 0;
};

// One row's values, in its table's column order, as a statement's parameters (SQLite)...
class statement_row {
public:
    statement_row(Statement& statement, int base) : statement_(statement), index_(base) {}
    void integer(std::int64_t value) { statement_.bind(++index_, value); }
    void real(double value) { statement_.bind(++index_, value); }
    void text(std::string_view value) { statement_.bind_static(++index_, value); }
    // A Crime ID's 32 bytes, kept as a BLOB (crime_id.hpp).
    void crime_id(const char* bytes) { statement_.bind_blob_static(++index_, bytes, 32); }
    void null() { statement_.bind_null(++index_); }
    void end() {}

private:
    Statement& statement_;
    int index_;
};

// ... or as a row of COPY's binary format (PostgreSQL; data/store/binary_copy.hpp).
class copy_row {
public:
    explicit copy_row(pg::binary_copy_writer& out) : out_(out) { out_.begin_row(); }
    void integer(std::int64_t value) { out_.integer(value); }
    void real(double value) { out_.real(value); }
    void text(std::string_view value) { out_.text(value); }
    // PostgreSQL keeps Crime IDs as the text they came as: its 64 lower-case hex digits.
    void crime_id(const char* bytes) { write_crime_id_hex(reinterpret_cast<const std::uint8_t*>(bytes), out_.field(64)); }
    void null() { out_.null(); }
    void end() { out_.end_row(); }

private:
    pg::binary_copy_writer& out_;
};

// Writes batches; runs on the calling thread. Into SQLite with prepared INSERTs of many rows
// each; into PostgreSQL with COPY in its binary format: one COPY of the file's rows from its
// first batch to its last, then one of each table its new dictionary entries and locations
// went to (gathered meanwhile; no table refers to another by a foreign key, so the order
// within the transaction is free). Both write each file in one transaction that first deletes
// what the file's earlier import wrote, and both give a file's rows consecutive ids, whose
// range import_files keeps.
class batch_writer {
public:
    explicit batch_writer(Database& db)
        : db_(db),
          find_previous_(db, "SELECT id, first_row, last_row FROM import_files WHERE force = ? AND month = ? AND kind = ?"),
          delete_file_(db, "DELETE FROM import_files WHERE id = ?"),
          insert_file_(db, "INSERT INTO import_files(force, month, kind, source, rows, skipped, imported_at) "
                           "VALUES (?, ?, ?, ?, 0, 0, " + sql::utc_now(db) + ") RETURNING id"),
          finish_file_(db, "UPDATE import_files SET rows = ?, skipped = ?, first_row = ?, last_row = ? WHERE id = ?") {
        if (!db.is_postgresql()) inserts_.emplace(db);
    }

    /// Starts the file's transaction. PostgreSQL: its rows take ids from `first_row` on
    /// (row_id_ranges gives them); SQLite gives its own.
    void begin(const import_source& file, std::int64_t first_row = 0) {
        transaction_.emplace(db_);
        rows_ = 0;
        first_row_ = last_row_ = 0;
        replaced_ = false;
        table_ = table_for(file.kind);
        const std::string& table = table_;
        rows_columns_ = file.kind == source_kind::street     ? &crime_columns
                        : file.kind == source_kind::outcomes ? &outcome_columns
                                                             : &stop_columns;
        close_copies();
        find_previous_.bind(1, file.force).bind(2, static_cast<std::int64_t>(file.month)).bind(3, to_string(file.kind));
        if (find_previous_.step()) {
            std::int64_t previous = find_previous_.column_int(0);
            bool has_rows = !find_previous_.is_null(1);
            std::int64_t first = find_previous_.column_int(1), last = find_previous_.column_int(2);
            find_previous_.reset();
            if (has_rows) {
                Statement remove(db_, "DELETE FROM " + table + " WHERE id BETWEEN ? AND ?");
                remove.bind(1, first).bind(2, last).run();
            }
            delete_file_.bind(1, previous).run();
            replaced_ = true;
        } else {
            find_previous_.reset();
        }
        insert_file_.bind(1, file.force)
            .bind(2, static_cast<std::int64_t>(file.month))
            .bind(3, to_string(file.kind))
            .bind(4, file.display_path);
        insert_file_.step();
        file_id_ = insert_file_.column_int(0);
        insert_file_.reset();
        next_row_ = first_row;
    }

    void write(const batch& in) {
        if (!inserts_) return copy(in);
        auto& s = *inserts_;
        for (const auto& entry : in.dictionary_entries) {
            Statement& insert = entry.table == dictionary::agencies  ? s.agency
                                : entry.table == dictionary::lsoas   ? s.lsoa
                                : entry.table == dictionary::crime_types ? s.crime_type
                                                                     : s.outcome_type;
            statement_row row(insert, 0);
            put_dictionary(row, in, entry);
            insert.run();
        }
        write_rows(in, in.locations, location_columns, s.locations, s.location, put_location<statement_row>, false);
        write_rows(in, in.crimes, crime_columns, s.crimes, s.crime, put_crime<statement_row>, true);
        write_rows(in, in.outcomes, outcome_columns, s.outcomes, s.outcome, put_outcome<statement_row>, true);
        write_rows(in, in.stops, stop_columns, s.stops, s.stop, put_stop<statement_row>, true);
    }

    /// Ends the file: commits it, with `skipped` rows left out.
    file_result finish(std::uint64_t skipped) {
        end_rows(skipped);
        return commit();
    }

    /// Ends the file's rows and records them in import_files; the transaction stays open.
    void end_rows(std::uint64_t skipped) {
        skipped_ = skipped;
        if (!inserts_) {
            end_copy(rows_copy_, *rows_columns_, true);
            for (std::size_t t = 0; t < dictionary_columns.size(); ++t)
                end_copy(dictionary_copies_[t], dictionary_columns[t], false);
            end_copy(locations_copy_, location_columns, false);
        }
        finish_file_.bind(1, static_cast<std::int64_t>(rows_)).bind(2, static_cast<std::int64_t>(skipped));
        if (rows_ > 0) {
            finish_file_.bind(3, first_row_).bind(4, last_row_);
        } else {
            finish_file_.bind_null(3).bind_null(4);
        }
        finish_file_.bind(5, file_id_).run();
    }

    /// Commits what end_rows left open. PostgreSQL: `largest_id` is the largest id of the
    /// file's table with this file, where the table's identity goes on from (ids COPY gave
    /// leave it behind).
    file_result commit(std::int64_t largest_id = 0) {
        if (!inserts_ && rows_ > 0 && largest_id > 0) {
            Statement identity(db_, "SELECT setval(pg_get_serial_sequence('" + table_ + "', 'id'), ?)");
            identity.bind(1, largest_id).step();
        }
        bump_map_version(db_);
        transaction_->commit();
        transaction_.reset();
        return {rows_, skipped_, replaced_};
    }

    void abandon() {
        close_copies();  // ended with an error, before the rollback
        transaction_.reset();
    }

private:
    // Rows go rows_per_insert to a statement (INSERT ... VALUES (...), (...), ...): SQLite's
    // cost per statement (step, halt, reset) is then paid once for many rows.
    static constexpr int rows_per_insert = 128;
    // COPY's data is sent in pieces of about this size, so that the server works on one
    // while the next is made.
    static constexpr std::size_t copy_piece_bytes = 1 << 18;
    struct columns {
        const char* table;
        const char* names;
        int count;
    };
    static constexpr columns location_columns{"locations", "id, longitude, latitude, street, neighbourhood", 5};
    static constexpr columns crime_columns{
        "crimes", "file, persistent_id, month, reported_by, falls_within, location, lsoa, crime_type, last_outcome, context",
        10};
    static constexpr columns outcome_columns{
        "outcomes", "file, persistent_id, month, reported_by, falls_within, location, lsoa, outcome_type", 8};
    static constexpr columns stop_columns{
        "stops",
        "file, type, datetime, part_of_operation, operation, location, gender, age_range, self_defined_ethnicity, "
        "officer_defined_ethnicity, legislation, object_of_search, outcome, outcome_linked_to_object, "
        "removal_of_outer_clothing",
        15};
    static constexpr std::array<columns, 4> dictionary_columns{{{"agencies", "id, name", 2},
                                                                {"lsoas", "id, code, name", 3},
                                                                {"crime_types", "id, label, slug", 3},
                                                                {"outcome_types", "id, label", 2}}};

    static std::string insert_sql(const columns& c, int rows) {
        std::string row = "(";
        for (int i = 0; i < c.count; ++i) row += i == 0 ? "?" : ", ?";
        row += ")";
        std::string sql = std::string("INSERT INTO ") + c.table + "(" + c.names + ") VALUES ";
        for (int r = 0; r < rows; ++r) sql += (r == 0 ? "" : ", ") + row;
        return sql;
    }

    // SQLite's statements: one row and rows_per_insert rows of each table.
    struct sqlite_inserts {
        explicit sqlite_inserts(Database& db)
            : agency(db, insert_sql(dictionary_columns[0], 1)),
              lsoa(db, insert_sql(dictionary_columns[1], 1)),
              crime_type(db, insert_sql(dictionary_columns[2], 1)),
              outcome_type(db, insert_sql(dictionary_columns[3], 1)),
              location(db, insert_sql(location_columns, 1)),
              locations(db, insert_sql(location_columns, rows_per_insert)),
              crime(db, insert_sql(crime_columns, 1)),
              crimes(db, insert_sql(crime_columns, rows_per_insert)),
              outcome(db, insert_sql(outcome_columns, 1)),
              outcomes(db, insert_sql(outcome_columns, rows_per_insert)),
              stop(db, insert_sql(stop_columns, 1)),
              stops(db, insert_sql(stop_columns, rows_per_insert)) {}
        Statement agency, lsoa, crime_type, outcome_type;
        Statement location, locations, crime, crimes, outcome, outcomes, stop, stops;
    };

    // Each table's columns, in the order of its `columns` names.
    template <typename Row>
    static void put_dictionary(Row& row, const batch& in, const dictionary_entry& e) {
        row.integer(e.id);
        row.text(in.view(e.first));
        if (e.table == dictionary::lsoas || e.table == dictionary::crime_types) row.text(in.view(e.second));
        row.end();
    }
    template <typename Row>
    static void put_location(Row& row, const batch& in, std::int64_t, const location_entry& l) {
        row.integer(l.id);
        row.real(l.longitude);
        row.real(l.latitude);
        row.text(in.view(l.street));
        put_id(row, l.neighbourhood);
        row.end();
    }
    template <typename Row>
    static void put_crime(Row& row, const batch& in, std::int64_t file, const crime_record& c) {
        row.integer(file);
        put_text(row, in, c.persistent_id);
        row.integer(c.month);
        put_id(row, c.reported_by);
        put_id(row, c.falls_within);
        put_id(row, c.location);
        put_id(row, c.lsoa);
        put_id(row, c.crime_type);
        put_id(row, c.last_outcome);
        put_text(row, in, c.context);
        row.end();
    }
    template <typename Row>
    static void put_outcome(Row& row, const batch& in, std::int64_t file, const outcome_record& o) {
        row.integer(file);
        put_text(row, in, o.persistent_id);
        row.integer(o.month);
        put_id(row, o.reported_by);
        put_id(row, o.falls_within);
        put_id(row, o.location);
        put_id(row, o.lsoa);
        put_id(row, o.outcome_type);
        row.end();
    }
    template <typename Row>
    static void put_stop(Row& row, const batch& in, std::int64_t file, const stop_record& s) {
        row.integer(file);
        put_text(row, in, s.type);
        put_text(row, in, s.datetime);
        put_flag(row, s.part_of_operation);
        put_text(row, in, s.operation);
        put_id(row, s.location);
        put_text(row, in, s.gender);
        put_text(row, in, s.age_range);
        put_text(row, in, s.self_defined);
        put_text(row, in, s.officer_defined);
        put_text(row, in, s.legislation);
        put_text(row, in, s.object);
        put_text(row, in, s.outcome);
        put_flag(row, s.outcome_linked);
        put_flag(row, s.removal);
        row.end();
    }
    template <typename Row>
    static void put_id(Row& row, std::int64_t id) {
        if (id == 0) {
            row.null();
        } else {
            row.integer(id);
        }
    }
    template <typename Row>
    static void put_text(Row& row, const batch& in, text_ref ref) {
        if (ref.offset == null_text) {
            row.null();
        } else if (ref.bytes) {
            row.crime_id(in.text.data() + ref.offset);
        } else {
            row.text(in.view(ref));
        }
    }
    template <typename Row>
    static void put_flag(Row& row, std::int8_t flag) {
        if (flag < 0) {
            row.null();
        } else {
            row.integer(flag);
        }
    }

    // SQLite. `counted`: rows of the file's kind, whose rowid range the file records.
    template <typename Record, typename Put>
    void write_rows(const batch& in, const std::vector<Record>& rows, const columns& c, Statement& many, Statement& one,
                    Put put, bool counted) {
        std::size_t i = 0;
        for (; i + rows_per_insert <= rows.size(); i += rows_per_insert) {
            for (int k = 0; k < rows_per_insert; ++k) {
                statement_row row(many, k * c.count);
                put(row, in, file_id_, rows[i + k]);
            }
            many.run();
            if (counted) note_rows(rows_per_insert);
        }
        for (; i < rows.size(); ++i) {
            statement_row row(one, 0);
            put(row, in, file_id_, rows[i]);
            one.run();
            if (counted) note_rows(1);
        }
    }
    // The rows a statement inserted have consecutive rowids (one more than the largest each),
    // ending at the last inserted.
    void note_rows(std::uint64_t count) {
        last_row_ = db_.last_insert_rowid();
        if (rows_ == 0) first_row_ = last_row_ - static_cast<std::int64_t>(count) + 1;
        rows_ += count;
    }

    // PostgreSQL: a COPY's rows in the binary format, gathered to be sent; the COPY itself
    // once the first piece was sent.
    struct copy_stream {
        copy_stream() = default;
        copy_stream(const copy_stream&) = delete;
        copy_stream& operator=(const copy_stream&) = delete;
        std::string data;
        pg::binary_copy_writer writer{data};
        std::optional<pg::Connection::copy_in> copy;
        bool begun = false;  // the header is written

        // The writer, for one more row.
        pg::binary_copy_writer& row() {
            if (!begun) writer.copy_header();
            begun = true;
            return writer;
        }
    };

    // The batch's rows go to the file's COPY; its new dictionary entries and locations are
    // kept for the end of the file (see finish). A file's rows are given their ids here, from
    // next_row_ on.
    void copy(const batch& in) {
        for (const auto& e : in.dictionary_entries) {
            copy_row row(dictionary_copies_[static_cast<std::size_t>(e.table)].row());
            put_dictionary(row, in, e);
        }
        for (const auto& l : in.locations) {
            copy_row row(locations_copy_.row());
            put_location(row, in, file_id_, l);
        }
        copy_rows(in, in.crimes, put_crime<copy_row>);
        copy_rows(in, in.outcomes, put_outcome<copy_row>);
        copy_rows(in, in.stops, put_stop<copy_row>);
    }
    template <typename Record, typename Put>
    void copy_rows(const batch& in, const std::vector<Record>& records, Put put) {
        if (records.empty()) return;
        if (rows_ == 0) first_row_ = next_row_;
        for (const auto& record : records) {
            copy_row row(rows_copy_.row());
            row.integer(next_row_++);
            put(row, in, file_id_, record);
            if (rows_copy_.data.size() >= copy_piece_bytes) send(rows_copy_, *rows_columns_, true);
        }
        last_row_ = next_row_ - 1;
        rows_ += records.size();
    }
    // What the stream gathered, to its COPY, which starts now if it has not yet.
    void send(copy_stream& stream, const columns& c, bool with_id) {
        if (!stream.copy) stream.copy.emplace(db_.postgresql_connection(), copy_sql(c, with_id));
        stream.copy->write(stream.data);
        stream.data.clear();
    }
    // Ends the stream's COPY, if it has rows.
    void end_copy(copy_stream& stream, const columns& c, bool with_id) {
        if (!stream.begun) return;
        stream.writer.copy_trailer();
        send(stream, c, with_id);
        stream.copy->finish();
        stream.copy.reset();
        stream.begun = false;
    }
    // Every COPY still open ended with an error, so that none of its rows is kept; nothing
    // gathered is kept either.
    void close_copies() {
        auto close = [](copy_stream& stream) {
            stream.copy.reset();
            stream.data.clear();
            stream.begun = false;
        };
        close(rows_copy_);
        for (auto& stream : dictionary_copies_) close(stream);
        close(locations_copy_);
    }
    static std::string copy_sql(const columns& c, bool with_id) {
        return std::string("COPY ") + c.table + "(" + (with_id ? "id, " : "") + c.names + ") FROM STDIN (FORMAT binary)";
    }

    static std::string_view table_for(source_kind kind) {
        return kind == source_kind::street ? "crimes" : kind == source_kind::outcomes ? "outcomes" : "stops";
    }

    Database& db_;
    Statement find_previous_, delete_file_, insert_file_, finish_file_;
    std::optional<sqlite_inserts> inserts_;  // none for PostgreSQL, which COPYs
    std::string table_;                      // the table of the file's kind
    const columns* rows_columns_ = nullptr;  // its columns
    std::optional<Transaction> transaction_;
    std::int64_t file_id_ = 0;
    std::uint64_t rows_ = 0, skipped_ = 0;
    std::int64_t first_row_ = 0, last_row_ = 0;
    std::int64_t next_row_ = 1;  // PostgreSQL: the id of the file's next row
    bool replaced_ = false;
    // PostgreSQL: the file's rows, and its new dictionary entries (in the order of
    // dictionary_columns) and locations. After transaction_, so that an open COPY ends
    // before the transaction rolls back.
    copy_stream rows_copy_;
    std::array<copy_stream, 4> dictionary_copies_;
    copy_stream locations_copy_;
};

// Copies committed WAL frames into the database file on a thread and connection of its own
// after each commit: that copying (a read and a write of every page) would otherwise be the
// writing thread's, which sets the pace of an import. The WAL restarts from its beginning at the
// first commit after a checkpoint that caught up; when this thread falls behind, the writing
// connection's own automatic checkpoint, raised to `wal_pages_behind`, bounds the WAL's size.
// Whatever is left, the import's final checkpoint copies.
class background_checkpoints {
public:
    static constexpr int wal_pages_behind = 16384;  // 64 MiB of 4 KiB pages

    explicit background_checkpoints(Database& writer)
        : writer_(writer), autocheckpoint_(writer.query_int("PRAGMA wal_autocheckpoint", 1000)) {
        writer_.exec("PRAGMA wal_autocheckpoint=" + std::to_string(wal_pages_behind));
        thread_ = std::thread([this, path = writer.path()] { run(path); });
    }
    background_checkpoints(const background_checkpoints&) = delete;
    background_checkpoints& operator=(const background_checkpoints&) = delete;
    ~background_checkpoints() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
        try {
            writer_.exec("PRAGMA wal_autocheckpoint=" + std::to_string(autocheckpoint_));
        } catch (const sqlite_error&) {
            // The connection keeps the larger automatic checkpoint; the import's final one runs.
        }
    }

    /// A transaction was committed on the writing connection.
    void committed() {
        {
            std::lock_guard lock(mutex_);
            ++commits_;
        }
        wake_.notify_one();
    }

private:
    void run(const std::string& path) {
        try {
            Database db(path, Database::mode::read_write);
            db.exec("PRAGMA synchronous=NORMAL");
            std::uint64_t done = 0;
            for (;;) {
                {
                    std::unique_lock lock(mutex_);
                    wake_.wait(lock, [&] { return stopping_ || commits_ > done; });
                    if (stopping_) return;
                    done = commits_;
                }
                // PASSIVE: copies what it can without waiting for the writer or any reader.
                db.exec("PRAGMA wal_checkpoint(PASSIVE)");
            }
        } catch (const std::exception&) {
            // Nothing lost: the frames stay in the WAL for the final checkpoint.
        }
    }

    Database& writer_;
    const std::int64_t autocheckpoint_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::uint64_t commits_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

// PostgreSQL: the ids of a file's rows, as SQLite gives them (one more than the largest id
// left in the table once the file's earlier rows are deleted), known before the file is
// written and while other files are still being written on other connections. Every row of
// crimes, outcomes and stops lies in the range import_files records for its file, so those
// ranges tell the largest id; only the import writes these tables, under its lock (import.cpp).
// Used by the thread that hands files out, in file order.
class row_id_ranges {
public:
    explicit row_id_ranges(Database& db) {
        Statement select(db, "SELECT force, month, kind, first_row, last_row FROM import_files WHERE first_row IS NOT NULL");
        while (select.step()) {
            const auto kind = kind_index(select.column_text(2));
            if (!kind) continue;
            key k{std::string(select.column_text(0)), select.column_int(1), *kind};
            ranges_[k] = {select.column_int(3), select.column_int(4)};
            lasts_[*kind].insert(select.column_int(4));
        }
        // Rows outside every recorded range (none, as the import writes them) are never overwritten.
        for (std::size_t kind = 0; kind < tables.size(); ++kind) {
            const auto largest = db.query_int(std::string("SELECT coalesce(max(id), 0) FROM ") + tables[kind]);
            if (largest > largest_in(kind)) floor_[kind] = largest;
        }
    }

    /// A file starts: its earlier range leaves the table. Returns its rows' first id.
    std::int64_t begin(const import_source& file) {
        current_ = key{file.force, file.month, *kind_index(to_string(file.kind))};
        previous_.reset();
        if (auto found = ranges_.find(current_); found != ranges_.end()) {
            previous_ = found->second;
            lasts_[current_.kind].erase(lasts_[current_.kind].find(found->second.last));
            ranges_.erase(found);
        }
        first_ = largest_in(current_.kind) + 1;
        return first_;
    }
    /// The file took `rows` ids from its first. Returns the largest id in its table now.
    std::int64_t end(std::uint64_t rows) {
        if (rows > 0) {
            const range taken{first_, first_ + static_cast<std::int64_t>(rows) - 1};
            ranges_[current_] = taken;
            lasts_[current_.kind].insert(taken.last);
        }
        return largest_in(current_.kind);
    }
    /// The file was not written: its earlier rows stay.
    void abandon() {
        if (!previous_) return;
        ranges_[current_] = *previous_;
        lasts_[current_.kind].insert(previous_->last);
    }

private:
    static constexpr std::array<const char*, 3> tables{"crimes", "outcomes", "stops"};
    struct key {
        std::string force;
        std::int64_t month;
        std::size_t kind;
        auto operator<=>(const key&) const = default;
    };
    struct range {
        std::int64_t first, last;
    };
    static std::optional<std::size_t> kind_index(std::string_view kind) {
        if (kind == to_string(source_kind::street)) return 0;
        if (kind == to_string(source_kind::outcomes)) return 1;
        if (kind == to_string(source_kind::stop_and_search)) return 2;
        return std::nullopt;
    }
    std::int64_t largest_in(std::size_t kind) const {
        const auto& lasts = lasts_[kind];
        return std::max(floor_[kind], lasts.empty() ? std::int64_t{0} : *lasts.rbegin());
    }

    std::map<key, range> ranges_;
    std::array<std::multiset<std::int64_t>, 3> lasts_;
    std::array<std::int64_t, 3> floor_{};
    key current_;
    std::optional<range> previous_;
    std::int64_t first_ = 1;
};

// Files commit in the order they were handed out, whichever connection wrote them, so that a
// file never commits before one whose dictionary entries or map locations it uses.
class commit_order {
public:
    class cancelled : public std::exception {};

    /// Waits for the files before `turn` to be done; throws cancelled once cancel() was called.
    void wait_for(std::uint64_t turn) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return next_ == turn || cancelled_; });
        if (cancelled_) throw cancelled();
    }
    void done(std::uint64_t turn) {
        std::lock_guard lock(mutex_);
        next_ = turn + 1;
        changed_.notify_all();
    }
    void cancel() {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t next_ = 0;
    bool cancelled_ = false;
};

// What the thread that hands files out shares with the writing lanes: the parser's queue
// (written batches go back to it), the order of commits, the observer and summary (one
// mutex for both), and the first error.
struct lane_shared {
    lane_shared(batch_queue& queue, import_observer& told, import_summary& counts)
        : parsed(queue), observer(told), summary(counts) {}
    batch_queue& parsed;
    import_observer& observer;
    import_summary& summary;
    commit_order order;
    std::mutex report;
    std::mutex failure_mutex;
    std::exception_ptr failure;
    std::atomic<bool> failed{false};

    void fail(std::exception_ptr error) {
        {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::move(error);
        }
        failed = true;
        order.cancel();
    }
};

// One item of a lane's work: a batch of a file it writes, or the end of a file not to be kept.
struct lane_job {
    std::unique_ptr<batch> item;  // null to abandon the lane's file
    std::uint64_t turn = 0;       // the file's place in commit_order
    std::int64_t first_row = 0;   // with item->begins_file
    std::int64_t largest_id = 0;  // with item->ends_file: the largest id of the table with the file
};

// A connection of its own that writes whole files handed to it, on a thread of its own, each
// file in its own transaction; the server works on each lane's COPY in a process of its own.
class writer_lane {
public:
    writer_lane(const std::string& uri, lane_shared& shared)
        : db_(Database::postgresql(uri)), writer_(db_), shared_(shared), thread_([this] { run(); }) {}
    writer_lane(const writer_lane&) = delete;
    writer_lane& operator=(const writer_lane&) = delete;
    ~writer_lane() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }

    /// Queues a job; waits while the lane has enough. False once some lane failed.
    bool push(lane_job job) {
        std::unique_lock lock(mutex_);
        // A failure elsewhere tells no lane: look again now and then.
        while (!changed_.wait_for(lock, failure_check, [&] { return jobs_.size() < lane_capacity || shared_.failed; })) {
        }
        if (shared_.failed) return false;
        jobs_.push_back(std::move(job));
        changed_.notify_all();
        return true;
    }
    /// Wakes a lane waiting for room or work after a failure elsewhere.
    void wake() {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
    }

private:
    static constexpr std::size_t lane_capacity = 2;
    static constexpr std::chrono::milliseconds failure_check{50};

    void run() {
        std::optional<std::uint64_t> open_turn;  // of the file begun and not yet ended
        try {
            for (;;) {
                lane_job job;
                {
                    std::unique_lock lock(mutex_);
                    while (!changed_.wait_for(lock, failure_check,
                                              [&] { return !jobs_.empty() || stopping_ || shared_.failed; })) {
                    }
                    if (shared_.failed) break;
                    if (jobs_.empty()) break;  // stopping, with every job done
                    job = std::move(jobs_.front());
                    jobs_.pop_front();
                    changed_.notify_all();
                }
                if (!job.item) {
                    writer_.abandon();
                    open_turn.reset();
                    shared_.order.wait_for(job.turn);
                    shared_.order.done(job.turn);
                    continue;
                }
                const batch& in = *job.item;
                if (in.begins_file) {
                    writer_.begin(*in.file, job.first_row);
                    open_turn = job.turn;
                }
                writer_.write(in);
                if (in.ends_file) {
                    writer_.end_rows(in.skipped_in_file);
                    shared_.order.wait_for(job.turn);
                    const auto result = writer_.commit(job.largest_id);
                    open_turn.reset();
                    {
                        std::lock_guard lock(shared_.report);
                        ++shared_.summary.files;
                        shared_.summary.rows += result.rows;
                        shared_.summary.skipped += result.skipped;
                        shared_.observer.file_finished(*in.file, result);
                    }
                    shared_.order.done(job.turn);
                }
                shared_.parsed.recycle(std::move(job.item));
            }
        } catch (const commit_order::cancelled&) {
            // another lane failed: this one's file is rolled back below
        } catch (...) {
            shared_.fail(std::current_exception());
        }
        writer_.abandon();
    }

    Database db_;
    batch_writer writer_;
    lane_shared& shared_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<lane_job> jobs_;
    bool stopping_ = false;
    std::thread thread_;  // last: it starts once everything above is made
};

// The number of files written into PostgreSQL at once. Two keep both cores of a small
// machine busy (the import's parsing thread, two server processes); the server's work per
// row (heap, the primary key's B-tree, WAL) is most of an import's, and one process does a
// COPY's.
constexpr std::size_t postgresql_lanes = 2;

// Hands each file's batches to a lane (the files in turn, a file of the same force, month and
// kind as one still being written to the lane writing it), in the parser's order, and reports
// what the parser found. Returns when every file is committed or the first error is thrown.
void write_into_postgresql(Database& db, const std::string& uri, batch_queue& queue, import_observer& observer,
                           import_summary& summary, progress_totals& totals) {
    row_id_ranges ids(db);
    lane_shared shared(queue, observer, summary);
    std::vector<std::unique_ptr<writer_lane>> lanes;
    for (std::size_t i = 0; i < postgresql_lanes; ++i) lanes.push_back(std::make_unique<writer_lane>(uri, shared));
    std::map<std::tuple<std::string, std::int32_t, source_kind>, std::size_t> lane_of_key;
    std::uint64_t next_turn = 0;
    std::size_t next_lane = 0;
    struct open_file {
        std::size_t lane;
        std::uint64_t turn;
        std::uint64_t rows = 0;
    };
    std::optional<open_file> current;
    bool stopped_early = false;  // a lane failed
    auto give = [&](std::size_t lane, lane_job job) {
        if (!lanes[lane]->push(std::move(job))) stopped_early = true;
        return !stopped_early;
    };
    auto abandon_current = [&] {
        if (!current) return true;
        ids.abandon();
        const auto file = *current;
        current.reset();
        lane_job abandon;
        abandon.turn = file.turn;
        return give(file.lane, std::move(abandon));
    };
    try {
        while (auto item = queue.pop()) {
            if (!item->rejected.empty()) {
                const bool fatal = !item->fatal.empty();
                {
                    std::lock_guard lock(shared.report);
                    observer.problem(item->rejected);
                    summary.rejected.push_back(item->rejected);
                }
                if (!abandon_current() || fatal) break;
                continue;
            }
            {
                std::lock_guard lock(shared.report);
                if (item->begins_file) observer.file_started(*item->file);
                for (const auto& message : item->problems) observer.problem(message);
                if (!item->fatal.empty()) observer.problem(item->fatal);
            }
            if (!item->fatal.empty()) {
                if (!item->begins_file) abandon_current();
                break;
            }
            lane_job job;
            if (item->begins_file) {
                const auto& file = *item->file;
                const auto key = std::tuple{file.force, file.month, file.kind};
                auto [found, added] = lane_of_key.try_emplace(key, next_lane);
                if (added) next_lane = (next_lane + 1) % lanes.size();
                current = open_file{found->second, next_turn++};
                job.first_row = ids.begin(file);
            }
            assert(current);
            job.turn = current->turn;
            current->rows += item->row_count();
            {
                std::lock_guard lock(shared.report);
                for (const auto& reason : item->skip_reasons) ++summary.skipped_by_reason[reason];
                summary.recoded_rows += item->recoded;
                totals.rows += item->row_count();
                totals.bytes += item->bytes;
                observer.progress(totals.rows, totals.bytes);
            }
            const auto lane = current->lane;
            if (item->ends_file) {
                job.largest_id = ids.end(current->rows);
                current.reset();
            }
            job.item = std::move(item);
            if (!give(lane, std::move(job))) break;
        }
    } catch (...) {
        shared.fail(std::current_exception());
        lanes.clear();
        throw;
    }
    lanes.clear();  // each finishes its jobs, then stops
    if (shared.failure) std::rethrow_exception(shared.failure);
}

// Writes every batch on this thread and connection (SQLite's one writer), checkpointing the
// WAL on another after each commit. Returns when every file is committed or the first error
// is thrown.
void write_into_sqlite(Database& db, batch_queue& queue, import_observer& observer, import_summary& summary,
                       progress_totals& totals) {
    batch_writer writer(db);
    background_checkpoints checkpoints(db);
    try {
        const import_source* current = nullptr;
        while (auto item = queue.pop()) {
            if (!item->rejected.empty()) {
                writer.abandon();
                observer.problem(item->rejected);
                summary.rejected.push_back(item->rejected);
                if (!item->fatal.empty()) break;
                continue;
            }
            if (item->begins_file) {
                current = item->file;
                observer.file_started(*current);
                writer.begin(*current);
            }
            for (const auto& message : item->problems) observer.problem(message);
            if (!item->fatal.empty()) {
                observer.problem(item->fatal);
                writer.abandon();
                break;
            }
            writer.write(*item);
            for (const auto& reason : item->skip_reasons) ++summary.skipped_by_reason[reason];
            summary.recoded_rows += item->recoded;
            totals.rows += item->row_count();
            totals.bytes += item->bytes;
            observer.progress(totals.rows, totals.bytes);
            if (item->ends_file) {
                auto result = writer.finish(item->skipped_in_file);
                checkpoints.committed();
                ++summary.files;
                summary.rows += result.rows;
                summary.skipped += result.skipped;
                observer.file_finished(*current, result);
            }
            queue.recycle(std::move(item));
        }
    } catch (...) {
        writer.abandon();
        throw;
    }
}

}  // namespace

const std::vector<std::string_view>& expected_header(source_kind kind) {
    switch (kind) {
    case source_kind::street: return street_header;
    case source_kind::outcomes: return outcomes_header;
    default: return stops_header;
    }
}

void import_police_csv(Database& db, const std::string& store, const std::vector<import_source>& files,
                       const neighbourhood_lookup& lookup, bool strict, import_observer& observer,
                       import_summary& summary, progress_totals& totals) {
    if (files.empty()) return;
    dictionaries dict;
    dict.load(db);
    // SQLite: rows only append to the tables' rowid B-trees, whose pages a file's transaction
    // touches once: a small page cache does, and recycling its pages spares faulting in new memory.
    const bool sqlite = !db.is_postgresql();
    const std::int64_t cache_size = sqlite ? db.query_int("PRAGMA cache_size", -2000) : 0;
    if (sqlite) db.exec("PRAGMA cache_size=-32768");
    batch_queue queue;

    std::thread parser_thread([&] {
        std::exception_ptr error;
        try {
            csv_parser parser(dict, lookup, strict, queue);
            for (const auto& file : files) {
                if (queue.cancelled()) break;
                parser.parse(file);
            }
        } catch (...) {
            error = std::current_exception();
        }
        queue.finish(error);
    });

    try {
        if (sqlite) {
            write_into_sqlite(db, queue, observer, summary, totals);
        } else {
            write_into_postgresql(db, store, queue, observer, summary, totals);
        }
    } catch (...) {
        queue.cancel();
        while (queue.pop()) {
        }
        parser_thread.join();
        throw;
    }
    parser_thread.join();
    if (sqlite) db.exec("PRAGMA cache_size=" + std::to_string(cache_size));
    if (auto error = queue.error()) std::rethrow_exception(error);
}

}  // namespace crimemap::data::detail
