#include "cli/options.hpp"
#include "data/import/import.hpp"
#include "data/vocabulary/months.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace crimemap::cli {

namespace {

using clock_type = std::chrono::steady_clock;

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string duration_text(double seconds) {
    auto s = static_cast<long long>(seconds + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    return text;
}

// A progress bar on a terminal; plain log lines otherwise (pipes, CI, log files).
class console_observer final : public data::import_observer {
public:
    explicit console_observer(bool terminal) : terminal_(terminal) {}

    void started(std::uint64_t files, std::uint64_t total_bytes) override {
        total_bytes_ = total_bytes;
        start_ = last_ = clock_type::now();
        log("importing " + std::to_string(files) + " files (" + with_commas(total_bytes) + " bytes)");
    }
    void file_started(const data::import_source& source) override { current_ = source.display_path; }
    void progress(std::uint64_t rows, std::uint64_t bytes) override {
        rows_ = rows;
        bytes_ = bytes;
        auto now = clock_type::now();
        auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(1000);
        if (now - last_ < interval) return;
        last_ = now;
        double elapsed = std::chrono::duration<double>(now - start_).count();
        double rate = elapsed > 0 ? static_cast<double>(rows) / elapsed : 0;
        double fraction = total_bytes_ ? std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes_)) : 0;
        double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
        if (terminal_) {
            constexpr int width = 24;
            int filled = static_cast<int>(fraction * width);
            std::fprintf(stderr, "\r[%s%s] %3d%% %s rows %s rows/s ETA %s \x1b[K", std::string(filled, '#').c_str(),
                         std::string(width - filled, '.').c_str(), static_cast<int>(fraction * 100),
                         with_commas(rows).c_str(), with_commas(static_cast<std::uint64_t>(rate)).c_str(),
                         duration_text(eta).c_str());
            bar_shown_ = true;
        } else {
            log("progress: " + current_ + ": " + with_commas(rows) + " rows, " +
                with_commas(static_cast<std::uint64_t>(rate)) + " rows/s, " + std::to_string(int(fraction * 100)) + "%");
        }
    }
    void file_finished(const data::import_source& source, const data::file_result& result) override {
        if (terminal_) return;  // the bar says it; the summary lists totals
        log("imported " + source.display_path + ": " + with_commas(result.rows) + " rows" +
            (result.skipped ? ", " + with_commas(result.skipped) + " skipped" : "") +
            (result.replaced ? " (replaced the earlier import)" : ""));
    }
    void problem(const std::string& message) override { log(message); }

    void finish() {
        if (bar_shown_) std::fputs("\r\x1b[K", stderr);
    }

private:
    void log(const std::string& line) {
        if (bar_shown_) {
            std::fputs("\r\x1b[K", stderr);
            bar_shown_ = false;
        }
        std::fprintf(stderr, "%s\n", line.c_str());
    }

    bool terminal_;
    bool bar_shown_ = false;
    std::uint64_t total_bytes_ = 0, rows_ = 0, bytes_ = 0;
    clock_type::time_point start_, last_;
    std::string current_;
};

}  // namespace

int import_command(const arguments& args) {
    po::options_description options("import options");
    data::import_options import;
    std::string kind, month;
    options.add_options()                                                                     //
        ("db", po::value(&import.db)->required(),
         "the store: a SQLite file, created when absent, or a PostgreSQL database's postgresql:// URI (the "
         "password from PGPASSWORD or ~/.pgpass), whose tables are created when absent")  //
        ("kind", po::value(&kind),
         "what the files named directly are: street, outcomes, stop-and-search, boundary, forces, neighbourhood, "
         "watch, postcodes")  //
        ("force", po::value(&import.force),
         "with --kind street, outcomes or stop-and-search: the force (e.g. essex) of files whose names do not say; "
         "else read from their rows")  //
        ("month", po::value(&month), "likewise: their month, YYYY-MM; else read from their rows")  //
        ("strict", po::bool_switch(&import.strict), "stop at the first malformed row; its file is not written")  //
        ("path", po::value(&import.paths)->multitoken(), "CSV files, folders or .zip archives");
    po::positional_options_description positional;
    positional.add("path", -1);
    po::variables_map values;
    if (!parse_options(args, "crimemap import --db FILE|URI [--strict] [--kind KIND [--force ID] [--month YYYY-MM]] PATH...", options, values,
                       &positional))
        return 0;
    if (import.paths.empty()) throw po::error("name at least one PATH to import");
    if (!kind.empty()) {
        import.kind = data::parse_source_kind(kind);
        if (!import.kind) throw po::error("--kind: unknown kind '" + kind + "'");
    }
    if (!month.empty()) {
        auto parsed = data::parse_month(month);
        if (!parsed) throw po::error("--month: '" + month + "' is not a month YYYY-MM");
        import.month = *parsed;
    }
    if (!import.force.empty() &&
        import.force.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
        throw po::error("--force: '" + import.force + "' is not a force id (lower-case letters, digits and -, e.g. essex)");
    if ((!import.force.empty() || import.month != 0) && !import.kind)
        throw po::error("--force and --month go with --kind street, outcomes or stop-and-search");

    console_observer observer(isatty(STDERR_FILENO) != 0);
    data::import_summary summary;
    try {
        summary = data::run_import(import, observer);
    } catch (...) {
        observer.finish();
        throw;
    }
    observer.finish();
    std::cerr << "files imported: " << summary.files << ", rows imported: " << with_commas(summary.rows)
              << ", rows skipped: " << with_commas(summary.skipped);
    for (const auto& [reason, count] : summary.skipped_by_reason) std::cerr << " (" << reason << ": " << count << ")";
    std::cerr << ", time: " << summary.seconds << " s ("
              << with_commas(static_cast<std::uint64_t>(summary.seconds > 0 ? summary.rows / summary.seconds : 0))
              << " rows/s)\n";
    if (summary.locations_assigned)
        std::cerr << "map locations in a neighbourhood after the boundary update: "
                  << with_commas(summary.locations_assigned) << "\n";
    if (summary.recoded_rows)
        std::cerr << "rows that were not UTF-8, read as Windows-1252: " << with_commas(summary.recoded_rows) << "\n";
    if (summary.kept_edits)
        std::cerr << "edited fields kept although their files changed them: " << with_commas(summary.kept_edits)
                  << " (listed under import_conflicts by crimemap stats)\n";
    if (!summary.unrecognised.empty()) {
        std::cerr << "files not recognised, not imported: " << summary.unrecognised.size() << "\n";
        for (const auto& path : summary.unrecognised) std::cerr << "  " << path << "\n";
    }
    if (!summary.rejected.empty()) {
        std::cerr << "files rejected: " << summary.rejected.size() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace crimemap::cli
