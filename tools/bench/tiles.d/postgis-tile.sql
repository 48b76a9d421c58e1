-- One crimes tile, the query a Martin or pg_tileserv table source runs: every
-- point of the tile and a 64-pixel buffer, clipped and quantised to 4096 units,
-- here kept to the latest month :to (YYYYMM), which is what crimemap's tile holds
-- when the URL has no filter. Variables :z :x :y :to (psql or pgbench).
SELECT ST_AsMVT(q, 'crimes', 4096, 'geom') AS tile
FROM (
  SELECT ST_AsMVTGeom(geom, ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom, category, month
  FROM crimes
  WHERE geom && ST_TileEnvelope(:z, :x, :y, margin => (64.0 / 4096))
    AND month = :to
) q
