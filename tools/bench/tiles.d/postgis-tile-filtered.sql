-- One crimes tile for a filtered map, as postgis-tile.sql but with the filter
-- that tools/bench/tiles puts in the crimemap URL: months :from to :to (YYYYMM)
-- and the categories below (keep them the same as the script's filter_categories).
SELECT ST_AsMVT(q, 'crimes', 4096, 'geom') AS tile
FROM (
  SELECT ST_AsMVTGeom(geom, ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom, category, month
  FROM crimes
  WHERE geom && ST_TileEnvelope(:z, :x, :y, margin => (64.0 / 4096))
    AND month BETWEEN :from AND :to
    AND category IN ('burglary', 'violent-crime')
) q
