-- Officers' alarm acknowledgements and false-alarm dispositions decided on or before the end of
-- the as_of_date, resolved to alarm episodes. A reference is an episode_id or
-- ALM-<sensor_id>-<YYYYmmddHHMM> (local time): the sensor's episode whose span, opened_at minus the
-- tolerance .. closed_at, holds that time, the nearest opening first.
CREATE OR REPLACE TEMP TABLE reg_alarm_dec AS
WITH dec AS (
    SELECT decision_id, kind, target_id, officer, decided_at, reason,
           nullif(regexp_extract(target_id, '^ALM-(.+)-([0-9]{12})$', 1), '') AS ref_sensor,
           CASE WHEN regexp_matches(target_id, '^ALM-(.+)-([0-9]{12})$')
                THEN timezone('Asia/Shanghai', strptime(regexp_extract(target_id, '([0-9]{12})$', 1), '%Y%m%d%H%M'))
           END AS ref_at
    FROM reg_in_decisions
    WHERE kind IN ('alarm_ack', 'false_alarm') AND decided_at < $interval_end
),
by_id AS (
    SELECT d.decision_id, a.episode_id
    FROM dec AS d JOIN reg_in_alarms AS a ON a.episode_id = d.target_id
),
by_ref AS (
    SELECT d.decision_id,
           arg_min(a.episode_id, abs(epoch(a.opened_at) - epoch(d.ref_at))) AS episode_id
    FROM dec AS d
    JOIN reg_in_alarms AS a
      ON a.sensor_id = d.ref_sensor
     AND d.ref_at >= a.opened_at - to_minutes(CAST($tolerance_min AS BIGINT))
     AND (a.closed_at IS NULL OR d.ref_at <= a.closed_at)
    WHERE d.decision_id NOT IN (SELECT decision_id FROM by_id)
    GROUP BY d.decision_id
)
SELECT d.decision_id, d.kind, d.target_id, d.officer, d.decided_at, d.reason,
       coalesce(i.episode_id, r.episode_id) AS episode_id
FROM dec AS d
LEFT JOIN by_id AS i USING (decision_id)
LEFT JOIN by_ref AS r USING (decision_id);
