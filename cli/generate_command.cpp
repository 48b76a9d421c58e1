#include "cli/options.hpp"
#include "generator/generate.hpp"

#include <chrono>

namespace crimemap::cli {

int generate_command(const arguments& args) {
    po::options_description options("generate options");
    generator::generate_options generate;
    std::string out, osm;
    options.add_options()                                             //
        ("out", po::value(&out)->required(), "folder to write into")  //
        ("rows", po::value(&generate.rows)->default_value(generate.rows),
         "street crimes in all; the world grows with the crimes a month")                                        //
        ("months", po::value(&generate.months)->default_value(generate.months), "months of data")                //
        ("seed", po::value(&generate.seed)->default_value(generate.seed), "random seed; same seed, same files")  //
        ("osm", po::value(&osm),
         "also write the invented streets and places to this OpenStreetMap XML file (for a demo basemap)");
    po::variables_map values;
    if (!parse_options(args, "crimemap generate --out DIR [--rows N] [--months M] [--seed S]", options, values))
        return 0;
    if (generate.months < 1 || generate.months > 600)
        throw po::error("--months must be between 1 and 600, not " + std::to_string(generate.months));
    generate.out = out;
    generate.osm = osm;
    auto start = std::chrono::steady_clock::now();
    auto summary = generator::generate(generate, std::cerr);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "generated " << summary.files << " files in " << out << ": " << summary.street_rows << " crimes, "
              << summary.outcome_rows << " outcomes, " << summary.stop_rows << " stops, " << summary.neighbourhoods
              << " neighbourhoods, " << summary.schemes << " Watch schemes, " << summary.postcodes << " postcodes in "
              << seconds << " s\n";
    return 0;
}

}  // namespace crimemap::cli
