-- Loads a crimemap store's crimes into PostGIS for tools/bench/tiles, the way a
-- Martin or pg_tileserv user would keep them: one point table in Web Mercator
-- (EPSG:3857) with a GiST index, analysed. Reads CSV rows
-- "id,category,month,longitude,latitude" (category as the API slug, month as
-- YYYYMM, WGS84 degrees) from psql's standard input.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS crimes, crimes_import;
CREATE UNLOGGED TABLE crimes_import(
  id bigint, category text, month integer, longitude float8, latitude float8);
\copy crimes_import FROM pstdin WITH (FORMAT csv)
CREATE TABLE crimes AS
  SELECT id, category, month,
         ST_Transform(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326), 3857)::geometry(Point, 3857) AS geom
  FROM crimes_import;
DROP TABLE crimes_import;
ALTER TABLE crimes ADD PRIMARY KEY (id);
CREATE INDEX crimes_geom ON crimes USING gist (geom);
VACUUM ANALYZE crimes;
