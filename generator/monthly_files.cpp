#include "generator/monthly_files.hpp"
#include "generator/text.hpp"

namespace crimemap::generator {

monthly_writer::monthly_writer(const generate_options& options, const std::vector<force_world>& worlds,
                               const std::vector<month_stamp>& months, output_folder& output, generate_summary& summary)
    : options_(options),
      worlds_(worlds),
      months_(months),
      output_(output),
      summary_(summary),
      id_key_(mix64(mix64(options.seed) ^ static_cast<std::uint64_t>(stream::crime_ids))),
      pending_(worlds.size() * months.size()) {}

void monthly_writer::write_month(std::size_t m, const std::vector<std::vector<std::uint64_t>>& counts) {
    const month_stamp& month = months_[m];
    const std::filesystem::path folder = month.text;
    for (std::size_t f = 0; f < worlds_.size(); ++f) {
        const std::string stem = join({month.text, "-", worlds_[f].spec->id, "-"});
        write_street(f, m, counts[f][m], folder / join({stem, "street.csv"}));
        write_outcomes(f, m, folder / join({stem, "outcomes.csv"}));
        write_stop_and_search(f, m, counts[f][m], folder / join({stem, "stop-and-search.csv"}));
    }
}

std::string monthly_writer::row_prefix(std::size_t f, const month_stamp& month) const {
    const std::string_view name = worlds_[f].spec->name;
    return join({",", month.text, ",", name, ",", name, ","});
}

void monthly_writer::schedule(std::size_t f, std::size_t month, std::uint64_t crime, std::uint32_t point,
                              outcome what) {
    if (month < months_.size()) {
        pending_[f * months_.size() + month].push_back({crime, point, static_cast<std::uint8_t>(what)});
    }
}

}  // namespace crimemap::generator
