#include "data/vocabulary/forces.hpp"

#include "data/vocabulary/text.hpp"

#include <algorithm>
#include <array>

namespace crimemap::data {

namespace {

// Sorted by id, as /api/forces lists them.
constexpr std::array forces{
    known_force{"avon-and-somerset", "Avon and Somerset Constabulary"},
    known_force{"bedfordshire", "Bedfordshire Police"},
    known_force{"btp", "British Transport Police"},
    known_force{"cambridgeshire", "Cambridgeshire Constabulary"},
    known_force{"cheshire", "Cheshire Constabulary"},
    known_force{"city-of-london", "City of London Police"},
    known_force{"cleveland", "Cleveland Police"},
    known_force{"cumbria", "Cumbria Constabulary"},
    known_force{"derbyshire", "Derbyshire Constabulary"},
    known_force{"devon-and-cornwall", "Devon & Cornwall Police"},
    known_force{"dorset", "Dorset Police"},
    known_force{"durham", "Durham Constabulary"},
    known_force{"dyfed-powys", "Dyfed-Powys Police"},
    known_force{"essex", "Essex Police"},
    known_force{"gloucestershire", "Gloucestershire Constabulary"},
    known_force{"greater-manchester", "Greater Manchester Police"},
    known_force{"gwent", "Gwent Police"},
    known_force{"hampshire", "Hampshire Constabulary"},
    known_force{"hertfordshire", "Hertfordshire Constabulary"},
    known_force{"humberside", "Humberside Police"},
    known_force{"kent", "Kent Police"},
    known_force{"lancashire", "Lancashire Constabulary"},
    known_force{"leicestershire", "Leicestershire Police"},
    known_force{"lincolnshire", "Lincolnshire Police"},
    known_force{"merseyside", "Merseyside Police"},
    known_force{"metropolitan", "Metropolitan Police Service"},
    known_force{"norfolk", "Norfolk Constabulary"},
    known_force{"north-wales", "North Wales Police"},
    known_force{"north-yorkshire", "North Yorkshire Police"},
    known_force{"northamptonshire", "Northamptonshire Police"},
    known_force{"northern-ireland", "Police Service of Northern Ireland"},
    known_force{"northumbria", "Northumbria Police"},
    known_force{"nottinghamshire", "Nottinghamshire Police"},
    known_force{"south-wales", "South Wales Police"},
    known_force{"south-yorkshire", "South Yorkshire Police"},
    known_force{"staffordshire", "Staffordshire Police"},
    known_force{"suffolk", "Suffolk Constabulary"},
    known_force{"surrey", "Surrey Police"},
    known_force{"sussex", "Sussex Police"},
    known_force{"thames-valley", "Thames Valley Police"},
    known_force{"warwickshire", "Warwickshire Police"},
    known_force{"west-mercia", "West Mercia Police"},
    known_force{"west-midlands", "West Midlands Police"},
    known_force{"west-yorkshire", "West Yorkshire Police"},
    known_force{"wiltshire", "Wiltshire Police"},
};

static_assert(std::is_sorted(forces.begin(), forces.end(), [](const auto& a, const auto& b) { return a.id < b.id; }));

}  // namespace

std::span<const known_force> known_forces() { return forces; }

const known_force* find_known_force(std::string_view id) {
    auto it = std::lower_bound(forces.begin(), forces.end(), id, [](const auto& f, std::string_view v) { return f.id < v; });
    return it != forces.end() && it->id == id ? &*it : nullptr;
}

const known_force* known_force_named(std::string_view falls_within) {
    auto wanted = lower(falls_within);
    for (const auto& f : forces)
        if (lower(f.name) == wanted) return &f;
    return nullptr;
}

}  // namespace crimemap::data
