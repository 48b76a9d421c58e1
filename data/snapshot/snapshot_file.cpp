#include "data/snapshot/snapshot_file.hpp"

#include "data/snapshot/file_descriptor.hpp"

#include <libdeflate.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace crimemap::data::detail {

namespace {

constexpr char magic[8] = {'C', 'R', 'M', 'A', 'P', 'I', 'D', 'X'};
// Bumped whenever what a section holds, or the layout of an element, changes.
constexpr std::uint32_t format_version = 1;
constexpr std::size_t alignment = 64;

struct file_header {
    char magic[8];
    std::uint32_t format;
    std::uint32_t sections;
    std::uint64_t file_size;
    std::uint32_t crc;
    std::uint32_t header_bytes;
    char reserved[32];
};
static_assert(sizeof(file_header) == 64);

struct section_entry {
    char name[40];
    std::uint64_t offset;
    std::uint64_t count;
    std::uint32_t element_size;
    std::uint32_t reserved;
};
static_assert(sizeof(section_entry) == 64);

// Every array of a snapshot, by name: the one list both the writer and the reader follow.
template <class Snapshot, class Pyramid, class F>
void visit_arrays(Snapshot& s, Pyramid& p, F&& f) {
    f("pyramid.location_codes", p.location_codes);
    f("pyramid.location_points", p.location_points);
    f("pyramid.location_ids", p.location_ids);
    f("pyramid.location_first", p.location_first);
    f("pyramid.location_tallies", p.location_tallies);
    for (std::size_t z = 0; z < p.levels.size(); ++z) {
        auto prefix = "pyramid.zoom" + std::to_string(z);
        f(prefix + ".codes", p.levels[z].codes);
        f(prefix + ".first", p.levels[z].first);
        f(prefix + ".centres", p.levels[z].centres);
        f(prefix + ".tallies", p.levels[z].tallies);
    }
    f("pyramid.nodes", p.nodes);
    f("texts.ends", s.texts.ends);
    f("texts.chars", s.texts.chars);
    f("unlocated", s.unlocated_rows);
    f("location_ids", s.location_ids);
    f("location_streets", s.location_streets);
    f("streets.ends", s.streets.ends);
    f("streets.chars", s.streets.chars);
    f("location_positions", s.location_positions);
    f("location_index_by_id", s.location_index_by_id);
    f("crimes_by_location", s.crimes_by_location);
    f("crime_first", s.crime_first);
    f("crime_pids", s.crime_pids);
    f("other_pids", s.other_pids);
    f("contexts", s.contexts);
    f("outcome_keys", s.outcome_keys);
    f("outcome_months", s.outcome_months);
    f("outcome_types", s.outcome_types);
    f("outcomes_by_place", s.outcomes_by_place);
    f("outcome_place_locations", s.outcome_place_locations);
    f("crimes_by_pid", s.crimes_by_pid);
    f("location_neighbourhood", s.location_neighbourhood);
    f("neighbourhood_location_first", s.neighbourhood_location_first);
    f("neighbourhood_locations", s.neighbourhood_locations);
    f("neighbourhood_month_crimes", s.neighbourhood_month_crimes);
    f("stops", s.stops);
    f("places", s.place_rows);
}

nlohmann::json fingerprint_json(const index_fingerprint& f) {
    return {{"map_version", f.map_version}, {"crimes", f.crimes},       {"outcomes", f.outcomes},
            {"stops", f.stops},             {"locations", f.locations}, {"files", f.files},
            {"neighbourhoods", f.neighbourhoods}};
}

nlohmann::json meta_json(const map_snapshot& s, const index_fingerprint& fingerprint) {
    nlohmann::json categories = nlohmann::json::array();
    for (const auto& c : s.categories) categories.push_back({c.slug, c.name});
    nlohmann::json forces = nlohmann::json::array();
    for (const auto& f : s.street_forces)
        forces.push_back({f.force, f.last_month, f.bounds.min_corner().x(), f.bounds.min_corner().y(),
                          f.bounds.max_corner().x(), f.bounds.max_corner().y()});
    return {{"fingerprint", fingerprint_json(fingerprint)},
            {"data_version", s.data_version},
            {"months", s.months},
            {"categories", categories},
            {"categories_by_month", s.categories_by_month},
            {"crimes", s.crimes},
            {"crimes_without_location", s.crimes_without_location},
            {"bounds",
             {s.bounds.min_corner().x(), s.bounds.min_corner().y(), s.bounds.max_corner().x(), s.bounds.max_corner().y()}},
            {"street_forces", forces},
            {"outcome_labels", s.outcome_labels},
            {"outcome_label_groups", s.outcome_label_groups},
            {"neighbourhoods", s.neighbourhoods.size()}};
}

void read_meta(const nlohmann::json& meta, map_snapshot& s) {
    s.months = meta.at("months").get<std::vector<int>>();
    for (const auto& c : meta.at("categories")) s.categories.push_back({c.at(0).get<std::string>(), c.at(1).get<std::string>()});
    s.categories_by_month = meta.at("categories_by_month").get<std::vector<std::uint64_t>>();
    s.crimes = meta.at("crimes").get<std::uint64_t>();
    s.crimes_without_location = meta.at("crimes_without_location").get<std::uint64_t>();
    const auto& b = meta.at("bounds");
    s.bounds = geo::box(geo::lonlat(b.at(0).get<double>(), b.at(1).get<double>()),
                        geo::lonlat(b.at(2).get<double>(), b.at(3).get<double>()));
    for (const auto& f : meta.at("street_forces"))
        s.street_forces.push_back({f.at(0).get<std::string>(), f.at(1).get<int>(),
                                   geo::box(geo::lonlat(f.at(2).get<double>(), f.at(3).get<double>()),
                                            geo::lonlat(f.at(4).get<double>(), f.at(5).get<double>()))});
    s.outcome_labels = meta.at("outcome_labels").get<std::vector<std::string>>();
    s.outcome_label_groups = meta.at("outcome_label_groups").get<std::vector<std::uint8_t>>();
}

// Writes through one buffer, keeping the CRC of everything written.
class crc_writer {
public:
    crc_writer(int fd, std::string path) : fd_(fd), path_(std::move(path)) { buffer_.reserve(capacity); }
    void write(const void* data, std::size_t bytes) {
        crc_ = libdeflate_crc32(crc_, data, bytes);
        const auto* p = static_cast<const char*>(data);
        written_ += bytes;
        if (buffer_.size() + bytes > capacity) flush();
        if (bytes >= capacity) {
            raw(p, bytes);
            return;
        }
        buffer_.insert(buffer_.end(), p, p + bytes);
    }
    void pad_to(std::uint64_t offset) {
        static const char zeros[alignment] = {};
        while (written_ < offset) write(zeros, std::min<std::uint64_t>(alignment, offset - written_));
    }
    void flush() {
        raw(buffer_.data(), buffer_.size());
        buffer_.clear();
    }
    [[nodiscard]] std::uint32_t crc() const { return crc_; }
    [[nodiscard]] std::uint64_t written() const { return written_; }

private:
    static constexpr std::size_t capacity = 8 << 20;
    void raw(const char* p, std::size_t bytes) {
        while (bytes > 0) {
            auto n = ::write(fd_, p, bytes);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw std::runtime_error(system_error(path_ + ": cannot write the index file"));
            }
            p += n;
            bytes -= static_cast<std::size_t>(n);
        }
    }
    int fd_;
    std::string path_;
    std::vector<char> buffer_;
    std::uint32_t crc_ = 0;
    std::uint64_t written_ = sizeof(file_header);
};

struct mapping {
    void* address = nullptr;
    std::size_t bytes = 0;
    int fd = -1;  // kept open for the sections read with pread()
    mapping(void* a, std::size_t b, int f) : address(a), bytes(b), fd(f) {}
    ~mapping() {
        if (address) ::munmap(address, bytes);
        if (fd >= 0) ::close(fd);
    }
    mapping(const mapping&) = delete;
    mapping& operator=(const mapping&) = delete;
};

bool read_at(int fd, void* out, std::size_t bytes, std::uint64_t offset) {
    auto* p = static_cast<char*>(out);
    while (bytes > 0) {
        auto n = ::pread(fd, p, bytes, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        bytes -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
    return true;
}

}  // namespace

index_fingerprint read_fingerprint(Database& db) {
    index_fingerprint f;
    f.map_version = db.query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'map_version'", 0);
    f.crimes = db.query_int("SELECT max(id) FROM crimes", 0);
    f.outcomes = db.query_int("SELECT max(id) FROM outcomes", 0);
    f.stops = db.query_int("SELECT max(id) FROM stops", 0);
    f.locations = db.query_int("SELECT max(id) FROM locations", 0);
    f.files = db.query_int("SELECT max(id) FROM import_files", 0);
    f.neighbourhoods = db.query_int("SELECT count(*) FROM neighbourhoods", 0);
    return f;
}

std::string index_file_key(const index_fingerprint& fingerprint) {
    return "format " + std::to_string(format_version) + " " + fingerprint_json(fingerprint).dump();
}

void write_index_file(const std::string& path, const map_snapshot& s, const index_fingerprint& fingerprint) {
    const std::string meta = meta_json(s, fingerprint).dump();
    struct pending {
        section_entry entry;
        const void* data;
    };
    std::vector<pending> sections;
    auto add = [&](const std::string& name, const void* data, std::uint64_t count, std::uint32_t size) {
        section_entry e{};
        if (name.size() >= sizeof e.name) throw std::logic_error("index section name too long: " + name);
        std::memcpy(e.name, name.data(), name.size());
        e.count = count;
        e.element_size = size;
        sections.push_back({e, data});
    };
    add("meta", meta.data(), meta.size(), 1);
    visit_arrays(s, s.crime_tiles.parts(), [&](const std::string& name, const auto& array) {
        add(name, array.data(), array.size(), sizeof(*array.data()));
    });
    std::uint64_t offset = sizeof(file_header) + sections.size() * sizeof(section_entry);
    for (auto& p : sections) {
        offset = (offset + alignment - 1) / alignment * alignment;
        p.entry.offset = offset;
        offset += p.entry.count * p.entry.element_size;
    }
    const std::uint64_t file_size = offset;

    auto temporary = path + ".tmp-" + std::to_string(::getpid());
    file_descriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw std::runtime_error(system_error(temporary + ": cannot create the index file"));
    try {
        if (::lseek(fd.get(), sizeof(file_header), SEEK_SET) < 0) throw std::runtime_error(system_error(temporary));
        crc_writer out(fd.get(), temporary);
        for (const auto& p : sections) out.write(&p.entry, sizeof p.entry);
        for (const auto& p : sections) {
            out.pad_to(p.entry.offset);
            if (p.entry.count > 0) out.write(p.data, p.entry.count * p.entry.element_size);
        }
        out.flush();
        if (out.written() != file_size) throw std::logic_error("index file size mismatch");
        file_header header{};
        std::memcpy(header.magic, magic, sizeof magic);
        header.format = format_version;
        header.sections = static_cast<std::uint32_t>(sections.size());
        header.file_size = file_size;
        header.crc = out.crc();
        header.header_bytes = sizeof(file_header);
        if (::pwrite(fd.get(), &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) || ::fsync(fd.get()) != 0)
            throw std::runtime_error(system_error(temporary + ": cannot write the index file"));
        if (::close(fd.release()) != 0) throw std::runtime_error(system_error(temporary + ": cannot write the index file"));
        if (::rename(temporary.c_str(), path.c_str()) != 0)
            throw std::runtime_error(system_error(path + ": cannot put the index file in place"));
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
    // The rename itself is durable once the folder is synced.
    auto folder = std::filesystem::path(path).parent_path();
    file_descriptor dir(::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());
}

std::shared_ptr<map_snapshot> map_index_file(const std::string& path, const index_fingerprint& fingerprint,
                                             std::string& why_not) {
    file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        why_not = errno == ENOENT ? path + " does not exist yet" : system_error(path + " cannot be opened");
        return nullptr;
    }
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) {
        why_not = system_error(path + " cannot be read");
        return nullptr;
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    file_header header{};
    if (size < sizeof header || !read_at(fd.get(), &header, sizeof header, 0) ||
        std::memcmp(header.magic, magic, sizeof magic) != 0) {
        why_not = path + " is not a crimemap index file (damaged?)";
        return nullptr;
    }
    if (header.format != format_version || header.header_bytes != sizeof header) {
        why_not = path + " is of index format " + std::to_string(header.format) + ", this build writes " +
                  std::to_string(format_version);
        return nullptr;
    }
    if (header.file_size != size) {
        why_not = path + " is damaged: " + std::to_string(size) + " bytes where its header says " +
                  std::to_string(header.file_size) + " (truncated?)";
        return nullptr;
    }
    std::vector<section_entry> table(header.sections);
    if (header.sections > 10000 || sizeof header + table.size() * sizeof(section_entry) > size ||
        !read_at(fd.get(), table.data(), table.size() * sizeof(section_entry), sizeof header)) {
        why_not = path + " is damaged: its section table does not fit";
        return nullptr;
    }
    auto damaged = [&](const std::string& why) {
        why_not = path + " is damaged: " + why;
        return nullptr;
    };
    for (const auto& e : table)
        if (e.offset % alignment != 0 || e.element_size == 0 || e.offset > size ||
            e.count > (size - e.offset) / e.element_size || e.name[sizeof e.name - 1] != 0)
            return damaged("a section lies outside the file");
    auto find = [&](std::string_view name) -> const section_entry* {
        for (const auto& e : table)
            if (name == e.name) return &e;
        return nullptr;
    };
    const auto* meta_entry = find("meta");
    if (!meta_entry) return damaged("no meta section");
    std::string meta_text(meta_entry->count, '\0');
    if (!read_at(fd.get(), meta_text.data(), meta_text.size(), meta_entry->offset)) return damaged("meta unreadable");
    auto meta = nlohmann::json::parse(meta_text, nullptr, false);
    if (meta.is_discarded() || !meta.is_object() || !meta.contains("fingerprint")) return damaged("meta is not JSON");
    if (meta["fingerprint"] != fingerprint_json(fingerprint)) {
        why_not = path + " was built from other data (" + meta["fingerprint"].dump() + ", the store is at " +
                  fingerprint_json(fingerprint).dump() + ")";
        return nullptr;
    }
    // The CRC through read(), not the mapping, so checking it leaves nothing resident.
    {
        std::vector<char> chunk(8 << 20);
        std::uint32_t crc = 0;
        for (std::uint64_t at = sizeof header; at < size;) {
            auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - at));
            if (!read_at(fd.get(), chunk.data(), n, at)) return damaged("unreadable at byte " + std::to_string(at));
            crc = libdeflate_crc32(crc, chunk.data(), n);
            at += n;
        }
        if (crc != header.crc) return damaged("its checksum does not match (altered or half-written)");
    }
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (address == MAP_FAILED) {
        why_not = system_error(path + " cannot be mapped");
        return nullptr;
    }
    auto keep = std::make_shared<mapping>(address, size, fd.release());
    auto snapshot = std::make_shared<map_snapshot>();
    try {
        read_meta(meta, *snapshot);
    } catch (const nlohmann::json::exception& error) {
        return damaged(std::string("meta: ") + error.what());
    }
    geo::crime_pyramid::arrays parts;
    std::string missing;
    std::uint64_t pid_count = 0;
    visit_arrays(*snapshot, parts, [&](const std::string& name, auto& array) {
        using element = std::remove_cvref_t<decltype(*array.data())>;
        const auto* e = find(name);
        if (!e || e->element_size != sizeof(element)) {
            if (missing.empty()) missing = name;
            return;
        }
        if (name == "crime_pids") {  // read with pread(): see map_snapshot::crime_pids
            snapshot->pid_fd = keep->fd;
            snapshot->pid_offset = e->offset;
            pid_count = e->count;
            return;
        }
        array = std::remove_cvref_t<decltype(array)>::view(
            reinterpret_cast<const element*>(static_cast<const char*>(address) + e->offset), e->count);
    });
    if (!missing.empty()) return damaged("section " + missing + " is missing or of another element size");
    try {
        snapshot->crime_tiles = geo::crime_pyramid(std::move(parts));
    } catch (const std::invalid_argument& error) {
        return damaged(error.what());
    }
    auto fits = [](const text_table& t) {
        return t.ends.empty() ? t.chars.empty() : std::is_sorted(t.ends.begin(), t.ends.end()) && t.ends.back() == t.chars.size();
    };
    if (!fits(snapshot->texts) || !fits(snapshot->streets)) return damaged("a text table does not fit together");
    const auto n = snapshot->location_ids.size();
    if (snapshot->location_streets.size() != n || snapshot->location_positions.size() != n ||
        snapshot->location_neighbourhood.size() != n || snapshot->crime_tiles.location_count() != n ||
        (n > 0 && snapshot->crime_first.size() != n + 1) ||
        pid_count != snapshot->crimes_by_location.size())
        return damaged("the location and crime arrays do not fit together");
    for (auto street : snapshot->location_streets)
        if (street >= snapshot->streets.size()) return damaged("a location's street is out of range");
    auto text_ok = [&](std::uint32_t i) { return i < snapshot->texts.size(); };
    for (const auto& u : snapshot->unlocated_rows)
        if (!text_ok(u.force) || !text_ok(u.persistent_id) || !text_ok(u.context)) return damaged("a text index is out of range");
    for (const auto& p : snapshot->place_rows)
        if (!text_ok(p.name) || !text_ok(p.label)) return damaged("a text index is out of range");
    for (const auto* list : {&snapshot->other_pids, &snapshot->contexts})
        for (const auto& t : *list)
            if (!text_ok(t.text) || t.crime >= snapshot->crimes_by_location.size()) return damaged("a text index is out of range");
    snapshot->mapping = std::move(keep);
    snapshot->mapped_bytes = size;
    snapshot->data_version = meta.value("data_version", std::int64_t{0});
    return snapshot;
}

}  // namespace crimemap::data::detail
