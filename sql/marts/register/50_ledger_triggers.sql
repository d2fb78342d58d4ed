-- What registers or confirms a hidden hazard at the end of the as_of_date: red/orange risks in the
-- snapshot, open grade I/II alarm episodes (false alarms left out), C/D building grades, and
-- field reports. Automatic hazards are keyed by risk source (HZ-<risk_source_id>) so one problem
-- is one hazard whatever triggers it; field reports are HZ-<report_id>.
CREATE OR REPLACE TEMP TABLE led_triggers AS
WITH snap AS (
    SELECT * FROM marts.risk_snapshot WHERE as_of_date = $as_of_date
),
false_alarms AS (
    SELECT DISTINCT episode_id FROM reg_alarm_dec WHERE kind = 'false_alarm' AND episode_id IS NOT NULL
)
SELECT 'HZ-' || s.risk_source_id AS hazard_id, 'auto' AS origin, s.risk_source_id, s.domain,
       s.district_id, s.responsible_unit AS responsible_unit_id, m.severity,
       'risk_register' AS trigger_kind, s.risk_source_id || ':' || s.risk_level AS trigger_ref,
       CAST($interval_start AS TIMESTAMPTZ) AS trigger_at,
       format('{}风险 {} ({}): {}', s.risk_level, s.risk_source_id, coalesce(s.source_name, s.domain),
              left(s.drivers, 300)) AS description,
       'pipeline' AS actor
FROM snap AS s
JOIN led_level_sev AS m ON m.level = s.risk_level
UNION ALL
SELECT 'HZ-LL:' || coalesce(a.asset_id, a.sensor_id), 'auto', 'LL:' || coalesce(a.asset_id, a.sensor_id),
       a.domain, a.district_id, s.responsible_unit, m.severity,
       'alarm', a.episode_id, a.opened_at,
       format('{}级报警未解除 {} {}: {}', a.grade, a.sensor_id, a.measure, coalesce(a.reason, '')),
       'pipeline'
FROM reg_in_alarms AS a
JOIN led_grade_sev AS m ON m.grade = a.grade
LEFT JOIN snap AS s ON s.risk_source_id = 'LL:' || coalesce(a.asset_id, a.sensor_id)
WHERE a.opened_at < $interval_end
  AND (a.closed_at IS NULL OR a.closed_at >= $interval_end)
  AND a.episode_id NOT IN (SELECT episode_id FROM false_alarms)
UNION ALL
SELECT 'HZ-' || b.building_id, 'auto', b.building_id, 'building', b.district_id,
       b.responsible_unit_id, m.severity,
       'building_grade', b.building_id || '@' || b.latest_grade || '@' || coalesce(strftime(b.latest_inspected_at, '%Y-%m-%d'), '?'),
       coalesce(b.latest_inspected_at, CAST($interval_start AS TIMESTAMPTZ)),
       format('房屋鉴定 {} 级 {} ({})', b.latest_grade, b.building_id, coalesce(b.name, '')),
       'pipeline'
FROM reg_in_building_risk AS b
JOIN led_bgrade_sev AS m ON m.grade = b.latest_grade
WHERE b.as_of_date = $as_of_date
UNION ALL
SELECT 'HZ-' || r.report_id, 'field_report', r.source_id, r.domain, r.district_id, NULL,
       r.severity, 'field_report', r.report_id, r.reported_at,
       r.description, r.reporter
FROM led_in_reports AS r
WHERE CAST($field_reports AS BOOLEAN) AND r.reported_at < $interval_end;
