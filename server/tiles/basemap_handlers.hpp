#pragma once
// The operator's basemap (--basemap FILE.mbtiles): its TileJSON and its tiles as stored.

#include "data/store/mbtiles.hpp"
#include "server/tiles/basemap_style.hpp"
#include "server/tiles/glyphs.hpp"
#include "server/http/http.hpp"

#include <string>
#include <string_view>

namespace crimemap::server {

class tile_cache;

/// GET /tiles/basemap.json: TileJSON 3.0.0 from the archive's metadata, its tiles at
/// `base_url`/tiles/basemap/{z}/{x}/{y}.mvt (the metadata's own `tiles`, if any, are ignored).
response handle_basemap_tilejson(const request& req, const data::mbtiles& archive, const std::string& base_url);

/// GET /tiles/basemap/{z}/{x}/{y}.mvt: the stored bytes, gzip passed through (decoded for a
/// client that does not accept gzip), 204 for a tile the archive lacks, 404 for z outside the
/// archive's zooms or x, y outside the grid, 400 for a malformed path. The ETag names the
/// archive's version, the tile and the encoding, so a 304 is answered before any read.
/// With `cache` (may be null), tiles read from an archive on disk are kept in the tile cache, so a
/// busy basemap tile costs what a cached crime tile does.
response handle_basemap_tile(const request& req, std::string_view path, const data::mbtiles& archive,
                             tile_cache* cache = nullptr);

/// GET /fonts/{fontstack}/{start}-{end}.pbf: a MapLibre glyph range (256 code points, start a
/// multiple of 256) of the fonts the stack resolves to; an unknown stack gets the fallback fonts,
/// never a 404. 400 for a malformed path or range, or a stack longer than 400 bytes. A range the
/// --basemap-assets fonts hold for the stack (`assets`, may be null) is served as stored instead.
response handle_glyphs(const request& req, std::string_view path, const glyph_library& glyphs,
                       const local_style* assets = nullptr);

}  // namespace crimemap::server
