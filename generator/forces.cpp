#include "generator/forces.hpp"

#include <algorithm>
#include <cmath>

namespace crimemap::generator {

const std::array<force_spec, 43> force_specs{{
    {"northshire", "Northshire Police", "NS", "northshire.police.example", -2.05, 53.90, -1.25, 54.30, 6, 5, 310000, 5,
     14, 260, 20, 70, "dales, moorland and stone-built market towns"},
    {"east-wessex", "East Wessex Constabulary", "EW", "eastwessex.police.example", -1.95, 51.02, -1.30, 51.40, 5, 4,
     180000, 4, 12, 220, 28, 55, "chalk downland, river valleys and a cathedral city"},
    {"mercia-vale", "Mercia Vale Police", "MV", "merciavale.police.example", -1.85, 52.15, -1.20, 52.50, 6, 4, 390000,
     5, 12, 200, 24, 90, "a busy manufacturing city, canal towns and farmland"},
    {"downland", "Downland Constabulary", "DW", "downland.police.example", -0.55, 50.90, 0.10, 51.20, 5, 4, 150000, 4,
     13, 240, 35, 60, "wooded weald, commuter towns and the chalk downs"},
    {"marches", "Marches Police", "MX", "marches.police.example", -2.90, 52.30, -2.35, 52.70, 4, 3, 90000, 3, 11, 280,
     16, 50, "border hills, river meadows and small market towns"},
    {"tamar-moor", "Tamar and Moor Police", "TY", "tamarmoor.police.example", -4.40, 50.40, -3.90, 50.70, 5, 4, 270000,
     3, 12, 200, 26, 45, "granite moorland, a naval port and deep wooded valleys"},
    {"kennet-vale", "Kennet Vale Police", "KV", "kennetvale.police.example", -1.10, 51.25, -0.60, 51.55, 5, 4, 190000,
     6, 11, 260, 22, 80, "a thriving commuter town, water meadows and chalk streams"},
    {"tyneside-north", "Tyne and Wansbeck Police", "TV", "tynesidenorth.police.example", -2.10, 54.70, -1.55, 55.00, 5,
     4, 120000, 5, 10, 240, 18, 70, "a river city, pit villages and coal-era terraces"},
    {"mersey-vale", "Mersey Vale Police", "MY", "merseyvale.police.example", -2.95, 53.25, -2.45, 53.55, 5, 4, 350000,
     4, 13, 220, 31, 60, "docklands, market towns and flat farmland"},
    {"irwell", "Irwell Police", "IW", "irwell.police.example", -2.40, 53.25, -1.90, 53.55, 5, 4, 280000, 3, 12, 200, 27,
     45, "a great industrial city, mill towns and the Pennine edge"},
    {"aire-calder", "Aire and Calder Police", "AC", "airecalder.police.example", -1.85, 53.66, -1.35, 53.88, 5, 3,
     210000, 6, 11, 260, 23, 85, "wool towns, canal valleys and moorland"},
    {"trentside", "Trentside Police", "TX", "trentside.police.example", -1.30, 52.90, -0.80, 53.20, 5, 4, 140000, 5, 10,
     240, 19, 70, "a lace-making city, mining villages and the Trent valley"},
    {"soar-vale", "Soar Vale Constabulary", "SV", "soarvale.police.example", -1.20, 52.55, -0.70, 52.85, 5, 4, 360000,
     4, 14, 220, 32, 60, "a hosiery city, red-brick villages and rolling pasture"},
    {"severn-mouth", "Severn Mouth Constabulary", "SX", "severnmouth.police.example", -2.75, 51.40, -2.25, 51.70, 5, 4,
     290000, 3, 12, 200, 28, 50, "a harbour city, limestone gorges and orchards"},
    {"don-valley", "Don Valley Police", "DX", "donvalley.police.example", -1.30, 53.35, -0.80, 53.65, 5, 4, 220000, 6,
     11, 260, 24, 85, "steel towns, coalfield villages and river levels"},
    {"exe-valley", "Exe Valley Constabulary", "XV", "exevalley.police.example", -3.75, 50.78, -3.25, 51.08, 5, 4,
     150000, 5, 10, 240, 20, 75, "red-soil farmland, a cathedral city and wooded hills"},
    {"cam-fen", "Cam and Fen Constabulary", "CX", "camfen.police.example", -0.05, 52.10, 0.45, 52.40, 5, 4, 380000, 4,
     14, 230, 33, 60, "a university city, fen droves and flint villages"},
    {"wear-tees", "Wear and Tees Police", "WT", "weartees.police.example", -1.40, 54.40, -0.90, 54.70, 5, 4, 310000, 3,
     13, 210, 28, 50, "a steel town on the estuary, villages and the moors' edge"},
    {"ribble", "Ribble Police", "RX", "ribble.police.example", -2.95, 53.60, -2.45, 53.90, 5, 4, 230000, 6, 12, 270, 24,
     90, "cotton towns, the river plain and the fells behind"},
    {"ouse-forest", "Ouse and Forest Police", "OF", "ouseforest.police.example", -1.20, 53.70, -0.70, 54.00, 5, 4,
     160000, 5, 10, 250, 20, 75, "a walled city, the vale's farms and river ings"},
    {"blackmore", "Blackmore Vale Police", "BV", "blackmore.police.example", -2.65, 50.65, -2.15, 50.95, 5, 4, 390000,
     4, 14, 230, 33, 65, "clay vales, chalk hills and stone market towns"},
    {"weald-east", "East Weald Police", "EQ", "wealdeast.police.example", 0.70, 51.00, 1.25, 51.30, 5, 4, 320000, 3, 13,
     210, 29, 50, "orchards, hop gardens and a cathedral city"},
    {"chiltern", "Chiltern Hundreds Police", "CQ", "chiltern.police.example", -1.05, 51.60, -0.55, 51.90, 5, 4, 250000,
     6, 12, 270, 25, 90, "beech woods, chalk escarpment and commuter towns"},
    {"lea-valley", "Lea Valley Constabulary", "LQ", "leavalley.police.example", -0.50, 51.70, 0.00, 52.00, 5, 4, 180000,
     5, 11, 250, 21, 80, "new towns, market towns and river meadows"},
    {"blackwater", "Blackwater Police", "BQ", "blackwater.police.example", 0.05, 51.60, 0.60, 51.90, 5, 4, 400000, 4,
     14, 230, 34, 65, "a county town, estuary villages and arable land"},
    {"broadland", "Broadland Constabulary", "BY", "broadland.police.example", 1.15, 52.45, 1.65, 52.80, 5, 5, 330000, 3,
     13, 210, 30, 55, "a fine old city, reed beds and waterways"},
    {"nene-vale", "Nene Vale Police", "NQ", "nenevale.police.example", -1.15, 52.15, -0.65, 52.45, 5, 4, 260000, 6, 12,
     270, 26, 90, "shoe towns, stone villages and the Nene valley"},
    {"cannock-chase", "Cannock and Chase Police", "CZ", "cannockchase.police.example", -2.30, 52.55, -1.80, 52.85, 5, 4,
     190000, 5, 11, 260, 22, 80, "heathland, coalfield towns and the canal network"},
    {"peak-fringe", "Peak Fringe Police", "PQ", "peakfringe.police.example", -1.85, 52.90, -1.35, 53.20, 5, 4, 120000,
     5, 10, 240, 18, 70, "a railway city, limestone dales and mill villages"},
    {"potteries", "Potteries Police", "PZ", "potteries.police.example", -2.40, 52.90, -1.90, 53.20, 5, 4, 350000, 4, 13,
     220, 31, 55, "six pottery towns, canal wharves and farmland"},
    {"dee-weaver", "Dee and Weaver Constabulary", "DQ", "deeweaver.police.example", -3.00, 52.85, -2.45, 53.15, 5, 4,
     270000, 3, 12, 200, 27, 45, "salt towns, dairy pasture and meres"},
    {"witham", "Witham Police", "WQ", "witham.police.example", -0.75, 52.90, -0.20, 53.20, 5, 4, 200000, 6, 11, 260, 23,
     85, "a hilltop cathedral city, heath and fenland"},
    {"ancholme", "Ancholme Police", "AQ", "ancholme.police.example", -0.75, 53.30, -0.25, 53.60, 5, 4, 130000, 5, 10,
     240, 19, 70, "steel works, wolds villages and drained carrs"},
    {"holderness", "Holderness Police", "HQ", "holderness.police.example", -0.65, 53.70, -0.15, 54.05, 5, 5, 360000, 4,
     14, 220, 31, 60, "the wolds, a minster town and the coast's low farmland"},
    {"calder-pennine", "Calder and Pennine Police", "KQ", "calderpennine.police.example", -1.85, 53.35, -1.35, 53.65, 5,
     4, 290000, 3, 12, 200, 27, 45, "a cutlers' city, reservoirs and moorland"},
    {"ryedale", "Ryedale Police", "RQ", "ryedale.police.example", -1.20, 54.05, -0.65, 54.35, 5, 4, 210000, 6, 11, 260,
     23, 85, "moorland, limestone hills and market towns"},
    {"kent-fells", "Kent and Fells Police", "KF", "kentfells.police.example", -3.20, 54.20, -2.65, 54.55, 5, 5, 140000,
     5, 10, 240, 19, 75, "lakes, fells and slate-built towns"},
    {"eden-border", "Eden Border Constabulary", "EZ", "edenborder.police.example", -3.20, 54.60, -2.65, 54.95, 5, 5,
     370000, 4, 14, 220, 32, 60, "a border city, the Eden valley and red sandstone villages"},
    {"tees-dale", "Teesdale Constabulary", "TU", "teesdale.police.example", -2.00, 54.35, -1.45, 54.65, 5, 4, 300000, 3,
     13, 210, 28, 50, "a market town, dales farms and the old coalfield"},
    {"tynedale", "Tynedale Police", "TZ", "tynedale.police.example", -2.60, 55.00, -2.05, 55.30, 5, 4, 230000, 6, 11,
     270, 24, 85, "the Roman wall, hill farms and a river valley"},
    {"wansbeck", "Wansbeck and Coquet Police", "WZ", "wansbeck.police.example", -2.00, 55.05, -1.55, 55.35, 4, 4,
     160000, 5, 10, 250, 20, 75, "pit towns, castles and farmland to the sea"},
    {"avon-levels", "Avon Levels Constabulary", "AZ", "avonlevels.police.example", -2.75, 51.05, -2.25, 51.35, 5, 4,
     380000, 4, 14, 230, 33, 65, "the levels, a small cathedral city and the Mendip hills"},
    {"solent-east", "East Solent Police", "SQ", "solenteast.police.example", -1.25, 50.80, -0.70, 51.15, 6, 5, 310000,
     3, 13, 210, 29, 50, "a harbour city, chalk downs and forest"},
}};

world_scale world_scale_of(std::uint64_t rows, int months) {
    world_scale scale;
    scale.points = std::clamp(points_per_crime_a_month * static_cast<double>(rows) / static_cast<double>(months),
                              smallest_world_points, largest_world_points);
    scale.forces = std::clamp(static_cast<std::size_t>(std::ceil(scale.points / points_per_added_force)), first_forces,
                              force_specs.size());
    scale.growth = std::max(1.0, scale.points / (static_cast<double>(scale.forces) * points_per_force_at_first));
    return scale;
}

double nominal_population(const force_spec& spec) {
    return spec.city_population + spec.towns * 37000.0 + spec.villages * 2400.0;
}

}  // namespace crimemap::generator
