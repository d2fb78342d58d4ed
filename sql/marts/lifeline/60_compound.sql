-- Compound risk: a gas alarm episode touched by this segment is raised one grade when, within
-- $distance_m metres (EPSG:4551), there is a water main burst or a surcharged sewer episode
-- overlapping it in time (+- $window_min minutes), or a school or hospital. Only trigger
-- episodes confirmed before the segment end count, so the result does not depend on later data.
CREATE OR REPLACE TEMP TABLE ll_compound AS
WITH gas AS (
    SELECT a.episode_id, a.opened_at, coalesce(a.closed_at, $seg_end) AS until_at, s.geom_m
    FROM marts.lifeline_alarms AS a
    JOIN ll_sensor AS s ON s.sensor_id = a.sensor_id
    WHERE a.domain = 'gas'
        AND a.episode_id IN (SELECT episode_id FROM ll_out_ep)
        AND s.geom_m IS NOT NULL
),
trig AS (
    SELECT a.episode_id, a.sensor_id, a.detection_type, a.opened_at, a.closed_at, s.geom_m
    FROM marts.lifeline_alarms AS a
    JOIN ll_sensor AS s ON s.sensor_id = a.sensor_id
    WHERE list_contains($trigger_types, a.detection_type)
        AND a.confirmed_at < $seg_end
        AND s.geom_m IS NOT NULL
),
hits AS (
    SELECT
        g.episode_id,
        printf('%s alarm at %s %.0f m away (episode %s)',
            replace(t.detection_type, '_', ' '), t.sensor_id,
            ST_Distance(g.geom_m, t.geom_m), t.episode_id) AS why
    FROM gas AS g
    JOIN trig AS t
        ON ST_DWithin(g.geom_m, t.geom_m, $distance_m)
        AND t.opened_at <= g.until_at + to_minutes($window_min)
        AND (t.closed_at IS NULL OR t.closed_at >= g.opened_at - to_minutes($window_min))
    UNION ALL
    SELECT
        g.episode_id,
        printf('%s %s %s %.0f m away', b.use, b.building_id, coalesce(b.name, ''),
            ST_Distance(g.geom_m, b.geom_m)) AS why
    FROM gas AS g
    JOIN staging.buildings AS b
        ON list_contains($building_uses, b.use)
        AND b.geom_m IS NOT NULL
        AND ST_DWithin(g.geom_m, b.geom_m, $distance_m)
)
SELECT episode_id, string_agg(why, '; ' ORDER BY why) AS why
FROM hits
GROUP BY episode_id;

UPDATE marts.lifeline_alarms AS a
SET
    grade = CASE a.base_grade WHEN 'III' THEN 'II' ELSE 'I' END,
    compound_reason = 'raised one grade (compound risk within '
        || $distance_m::VARCHAR || ' m): ' || c.why
FROM ll_compound AS c
WHERE a.episode_id = c.episode_id;
