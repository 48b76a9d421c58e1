-- Loads a crimemap store's located crimes into PostGIS for tools/bench/api, kept as
-- a PostGIS back end for crimes-street would keep them: one row per crime holding
-- every field of the API's crime object, a geography point (WGS84), the table
-- partitioned by month (each query asks for one month) with a GiST index on every
-- partition, vacuumed and analysed.
--
-- psql's standard input holds two CSV streams, the first ended by a "\." line:
--   "persistent_id,month" for each outcomes row (month as YYYYMM), then
--   "id,category,month,persistent_id,context,outcome,location_id,street,latitude,longitude"
--   for each crime with a location (category as the API slug, outcome as the last
--   outcome's label, location_id as the stable map location id, WGS84 degrees).
-- A crime's outcome_month is the month of the latest outcomes row with its Crime ID,
-- as YYYY-MM (NULL when there is none), which is the date crimemap gives its outcome.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET statement_timeout = 0; -- the calling script bounds the whole load
SET maintenance_work_mem = '1GB';
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS crimes, crimes_import, outcomes_import;
CREATE UNLOGGED TABLE outcomes_import(persistent_id text, month integer);
\copy outcomes_import FROM pstdin WITH (FORMAT csv)
CREATE UNLOGGED TABLE crimes_import(
  id bigint, category text, month integer, persistent_id text, context text, outcome text,
  location_id bigint, street text, latitude float8, longitude float8);
\copy crimes_import FROM pstdin WITH (FORMAT csv)
CREATE TABLE crimes(
  id bigint NOT NULL,
  category text NOT NULL,
  month integer NOT NULL,
  persistent_id text,
  context text,
  outcome text,
  outcome_month text,
  location_id bigint NOT NULL,
  street text NOT NULL,
  latitude float8 NOT NULL,
  longitude float8 NOT NULL,
  geog geography(Point, 4326) NOT NULL
) PARTITION BY LIST (month);
SELECT format('CREATE TABLE crimes_%s PARTITION OF crimes FOR VALUES IN (%s)', month, month)
FROM (SELECT DISTINCT month FROM crimes_import) m ORDER BY month \gexec
INSERT INTO crimes
SELECT c.id, c.category, c.month, c.persistent_id, c.context, c.outcome,
       to_char(make_date(o.month / 100, o.month % 100, 1), 'YYYY-MM'),
       c.location_id, c.street, c.latitude, c.longitude,
       ST_SetSRID(ST_MakePoint(c.longitude, c.latitude), 4326)::geography
FROM crimes_import c
LEFT JOIN (SELECT persistent_id, max(month) AS month FROM outcomes_import GROUP BY persistent_id) o
  ON o.persistent_id = c.persistent_id;
DROP TABLE crimes_import, outcomes_import;
CREATE INDEX crimes_geog ON crimes USING gist (geog);
VACUUM ANALYZE crimes;
