#include "generator/generate.hpp"
#include "generator/files.hpp"
#include "generator/force_builder.hpp"
#include "generator/monthly_files.hpp"
#include "generator/months.hpp"
#include "generator/output.hpp"
#include "generator/text.hpp"

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

// How the synthetic world is made, in brief:
//  * Invented police forces sit over real English countryside: five always, and more (up to the
//    43 data.police.uk publishes for) as the run's crimes a month grow, since the world holds
//    about two map points per crime a month, as data.police.uk does (world_scale_of). Each force
//    has a city, towns and villages, whose people grow with the world too.
//  * Each place has a street network: main roads radiating from its centre, a High Street, ring
//    roads round cities and larger towns, and side streets branching off those and off each
//    other, bending a little and ending at junctions (the shortest are closes). Lanes wander
//    through the countryside between. Map points lie on the streets' lines, every few tens of
//    metres, named after their street ("On or near <street>"), as data.police.uk's anonymised
//    points are; the --osm file draws each street as a way through its points. Town centres also
//    carry the named hot spots the real data is full of ("On or near Supermarket"), on their
//    main roads.
//  * Every map point gets a weight (long-tailed, falling away from its place's centre; the hot
//    spots share an eighth of a town's crime) and crimes are drawn from those weights, so the
//    same points repeat month after month: most see a few crimes, the busiest thousands.
//  * Neighbourhoods are the cells of a jittered grid over the force; cells share their vertices
//    and edges exactly, so they tile the force without gaps. Map points closer than a few
//    micro-degrees to any boundary are moved along their street, so each lies in exactly one
//    neighbourhood.
//  * Crimes stream out month by month; only outcomes still to come are held in memory.
//
//
// Each part has its file: forces.cpp (the forces and the world's size), places.cpp, streets.cpp,
// map_points.cpp, boundaries.cpp and neighbourhoods.cpp, postcodes.cpp (force_builder's steps,
// in force_builder.cpp's order), then what is written: details.cpp, watch_schemes.cpp, osm.cpp,
// and the monthly files (monthly_files.cpp: crimes.cpp, outcomes.cpp, stops.cpp). random.hpp
// says how every draw stays the same from one machine to the next.

namespace crimemap::generator {

namespace {

void check_options(const generate_options& options) {
    const int month = options.last_month % 100;
    const int year = options.last_month / 100;
    if (month < 1 || month > 12 || year < 1000 || year > 9999) {
        throw std::invalid_argument("generate: last_month must be YYYYMM, got " + std::to_string(options.last_month));
    }
    if (options.months < 1 || options.months > 1200 || year * 12 + month - options.months < 1000 * 12) {
        throw std::invalid_argument("generate: months must be between 1 and 1200, got " +
                                    std::to_string(options.months));
    }
    if (options.rows > (std::uint64_t{1} << 36)) {
        throw std::invalid_argument("generate: rows must be at most 2^36");
    }
    if (options.out.empty()) {
        throw std::invalid_argument("generate: no output folder");
    }
}

}  // namespace

generate_summary generate(const generate_options& options, std::ostream& log) {
    check_options(options);
    generate_summary summary;

    const std::vector<force_world> worlds = build_worlds(options.seed, world_scale_of(options.rows, options.months));
    const std::vector<month_stamp> months = months_ending(options.last_month, options.months);
    std::uint64_t map_points = 0;
    for (const force_world& world : worlds) {
        map_points += world.points.size();
    }
    log << "generate: " << worlds.size() << " forces, " << with_commas(map_points) << " map points, "
        << with_commas(options.rows) << " street crimes over " << options.months << " months (" << months.front().text
        << " to " << months.back().text << ") into " << options.out.string() << '\n';

    output_folder out(options.out);
    if (!options.osm.empty()) {
        write_osm(worlds, options.seed, options.osm);
        log << "generate: wrote the streets and places as OpenStreetMap XML to " << options.osm.string() << '\n';
    }
    summary.neighbourhoods = write_boundaries(worlds, out);
    write_details(worlds, options.seed, months.back(), out);
    write_support_services(worlds, out);
    summary.schemes = write_watch_schemes(worlds, options.seed, out);
    summary.postcodes = write_postcodes(worlds, out);
    log << "generate: wrote " << summary.neighbourhoods << " neighbourhoods, " << summary.schemes
        << " watch schemes and " << summary.postcodes << " postcodes\n";

    // The monthly files, oldest first, so that outcomes can follow their crimes.
    const std::vector<std::vector<std::uint64_t>> counts = share_out_rows(worlds, options.rows, months);
    monthly_writer writer(options, worlds, months, out, summary);
    const std::size_t month_count = months.size();
    for (std::size_t m = 0; m < month_count; ++m) {
        writer.write_month(m, counts);
        if ((m + 1) * 10 / month_count != m * 10 / month_count || m + 1 == month_count) {
            log << "generate: " << months[m].text << " done, " << with_commas(summary.street_rows)
                << " street rows so far (" << (m + 1) * 100 / month_count << "%)\n";
        }
    }
    summary.files = out.files();
    log << "generate: " << with_commas(summary.street_rows) << " street, " << with_commas(summary.outcome_rows)
        << " outcome and " << with_commas(summary.stop_rows) << " stop and search rows in " << summary.files
        << " files\n";
    return summary;
}

}  // namespace crimemap::generator
