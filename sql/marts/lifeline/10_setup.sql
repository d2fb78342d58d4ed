-- Sensors and their alarm channels for one lifeline run (temp tables, dropped with the
-- connection). Needs the temp tables ll_rule and ll_measure (pipelines/lifeline/rules.py).
-- sid: a compact integer key for the per-reading work; sensor_id is kept for every output.
CREATE OR REPLACE TEMP TABLE ll_sensor AS
SELECT
    (row_number() OVER (ORDER BY s.sensor_id))::INTEGER AS sid,
    s.sensor_id,
    s.domain,
    s.measure,
    s.unit,
    s.location_type,
    s.asset_id,
    s.dma_id,
    s.district_id,
    s.lon,
    s.lat,
    s.depth_m,
    s.nominal_value,
    greatest(coalesce(s.sampling_interval_s, $default_interval_s), 1)::INTEGER AS interval_s,
    s.installed_on,
    m.min_value,
    m.max_value,
    m.stuck_hours,
    coalesce(m.stuck_exempt, []) AS stuck_exempt,
    s.geom_m
FROM staging.sensors AS s
LEFT JOIN ll_measure AS m ON m.measure = s.measure
WHERE s.sensor_id IS NOT NULL;

CREATE OR REPLACE TEMP TABLE ll_chan AS
WITH matched AS (
    SELECT s.sid, s.sensor_id, s.interval_s, s.nominal_value, s.depth_m, r.*
    FROM ll_sensor AS s
    JOIN ll_rule AS r
        ON r.measure = s.measure
        AND (list_contains(r.location_types, '*')
            OR list_contains(r.location_types, coalesce(s.location_type, '')))
        AND NOT list_contains(r.exclude_location_types, coalesce(s.location_type, ''))
)
SELECT
    (dense_rank() OVER (ORDER BY channel))::UTINYINT AS cid,
    *
FROM matched;
