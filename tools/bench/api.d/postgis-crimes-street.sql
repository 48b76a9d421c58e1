-- crimes-street/all-crime?lat=:lat&lng=:lng&date=:month as PostGIS answers it: the
-- month's crimes within one mile of the point (ST_DWithin on the sphere, the GiST
-- index), at most 10,001 of them, then, unless more than 10,000 matched (crimemap's
-- 503; here NULL), a JSON array of the same objects crimemap writes, ordered by id
-- ('[]' when none matched). Variables :lat and :lng (degrees), :month (YYYYMM).
WITH hits AS MATERIALIZED (
  SELECT id, category, persistent_id, context, outcome, outcome_month, location_id, street, latitude, longitude
  FROM crimes
  WHERE month = :month
    AND ST_DWithin(geog, ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography, 1609.344, false)
  LIMIT 10001
), asked AS (
  SELECT to_char(make_date(:month / 100, :month % 100, 1), 'YYYY-MM') AS month_text
)
SELECT CASE WHEN (SELECT count(*) FROM hits) > 10000 THEN NULL ELSE (
  SELECT coalesce(json_agg(json_build_object(
      'category', h.category,
      'location_type', 'Force',
      'location', json_build_object(
        'latitude', round(h.latitude::numeric, 6)::text,
        'street', json_build_object('id', h.location_id, 'name', h.street),
        'longitude', round(h.longitude::numeric, 6)::text),
      'context', coalesce(h.context, ''),
      'outcome_status', CASE WHEN h.outcome IS NULL THEN NULL
                             ELSE json_build_object('category', h.outcome, 'date', coalesce(h.outcome_month, a.month_text)) END,
      'persistent_id', coalesce(h.persistent_id, ''),
      'id', h.id,
      'location_subtype', '',
      'month', a.month_text) ORDER BY h.id), '[]'::json)
  FROM hits h, asked a) END AS answer
