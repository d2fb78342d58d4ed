-- Sensor faults and sensor state of one chunk of sensors in one segment.
-- stuck:   a run of exactly identical values lasting >= stuck_hours (measures that vary only);
-- offline: no reading for max($offline_minutes, $offline_min_missed sampling intervals).
-- Runs and gaps that started before the segment continue from the sensor state.
INSERT INTO ll_out_faults
WITH chunk AS (
    SELECT s.*
    FROM ll_sensor AS s
    WHERE s.sid BETWEEN $sid_lo AND $sid_hi
),
last_t AS (
    SELECT sid, t_last AS last_t FROM ll_sum
),
runs AS (
    -- runs of identical values seen in this segment (the first may continue the state's run)
    SELECT r.sid, r.flat_since, max(r.t) AS run_end, any_value(r.value) AS value
    FROM ll_r AS r
    GROUP BY r.sid, r.flat_since
    UNION ALL
    -- the state's run when it did not continue into this segment
    SELECT p.sid, p.flat_since, p.last_at, p.last_value
    FROM ll_prev AS p
    SEMI JOIN ll_cand AS c ON c.sid = p.sid
    WHERE p.flat_since IS NOT NULL
        AND NOT EXISTS (
            SELECT 1 FROM ll_r AS r WHERE r.sid = p.sid AND r.flat_since = p.flat_since
        )
        AND p.sid BETWEEN $sid_lo AND $sid_hi
),
stuck AS (
    SELECT
        c.sensor_id,
        'stuck' AS fault_type,
        ru.flat_since AS fault_since,
        CASE WHEN lt.last_t > ru.run_end THEN ru.run_end END AS fault_until,
        ru.flat_since + to_seconds(CAST(c.stuck_hours * 3600 AS BIGINT)) AS confirmed_at
    FROM runs AS ru
    JOIN chunk AS c ON c.sid = ru.sid
    LEFT JOIN last_t AS lt ON lt.sid = ru.sid
    WHERE c.stuck_hours IS NOT NULL
        AND NOT list_contains(c.stuck_exempt, ru.value)
        AND epoch(ru.run_end) - epoch(ru.flat_since) >= c.stuck_hours * 3600
),
thr AS (
    SELECT sid, sensor_id, greatest($offline_minutes * 60, $offline_min_missed * interval_s) AS sec,
        installed_on
    FROM chunk
),
gaps AS (
    -- gaps between consecutive readings (the first reading's predecessor comes from the state)
    SELECT th.sensor_id, coalesce(r.prev_t, p.offline_anchor) AS since, r.t AS until, th.sec
    FROM ll_r AS r
    JOIN thr AS th ON th.sid = r.sid
    LEFT JOIN ll_prev AS p ON p.sid = r.sid
    WHERE epoch(r.t) - epoch(coalesce(r.prev_t, p.offline_anchor)) >= th.sec
    UNION ALL
    -- silent until the segment end
    SELECT th.sensor_id,
        coalesce(lt.last_t, p.last_at, p.offline_anchor,
            greatest($seg_start, th.installed_on::TIMESTAMPTZ)) AS since,
        NULL AS until,
        th.sec
    FROM thr AS th
    LEFT JOIN last_t AS lt ON lt.sid = th.sid
    LEFT JOIN ll_prev AS p ON p.sid = th.sid
    WHERE th.installed_on IS NULL OR th.installed_on::TIMESTAMPTZ < $seg_end
)
SELECT sensor_id, fault_type, fault_since, fault_until, confirmed_at, $run_id AS run_id
FROM stuck
UNION ALL
SELECT sensor_id, 'offline', since, until, since + to_seconds(sec::BIGINT), $run_id
FROM gaps
WHERE since IS NOT NULL
    AND epoch(coalesce(until, $seg_end)) - epoch(since) >= sec;

-- flat_since is kept only for candidates (exact); any other sensor's last run is shorter
-- than two buckets and is seen again in the next segment's look-back.
INSERT INTO ll_out_sstate
WITH cand_last AS (
    SELECT sid, arg_max(flat_since, t) AS flat_since FROM ll_r GROUP BY sid
),
last AS (
    SELECT su.sid, su.t_last AS last_at, su.v_last AS last_value, cl.flat_since
    FROM ll_sum AS su
    LEFT JOIN cand_last AS cl ON cl.sid = su.sid
)
SELECT
    $seg_end AS state_at,
    s.sensor_id,
    coalesce(l.last_at, p.last_at) AS last_at,
    CASE WHEN l.sid IS NULL THEN p.last_value ELSE l.last_value END AS last_value,
    CASE WHEN l.sid IS NULL THEN p.flat_since ELSE l.flat_since END AS flat_since,
    CASE WHEN coalesce(l.last_at, p.last_at) IS NULL
        THEN coalesce(p.offline_anchor, greatest($seg_start, s.installed_on::TIMESTAMPTZ)) END
        AS offline_anchor
FROM ll_sensor AS s
LEFT JOIN last AS l ON l.sid = s.sid
LEFT JOIN ll_prev AS p ON p.sid = s.sid
WHERE s.sid BETWEEN $sid_lo AND $sid_hi;
