-- Daily sensor health for local day $day = [$day_start, $day_end), assessed up to $upto
-- (the segment end when it falls inside the day). Faults come from the fault episodes; one
-- fault per sensor and day: the one covering most of the day (offline before stuck on ties).
DELETE FROM marts.sensor_health WHERE as_of_date = $day;

INSERT INTO marts.sensor_health
WITH agg AS (
    SELECT sensor_id, count(*) AS n, max(measured_at) AS last_t, min(value) AS minv,
        max(value) AS maxv
    FROM staging.readings
    WHERE measured_at >= $day_start AND measured_at < $upto
    GROUP BY sensor_id
),
rd0 AS (
    SELECT s.sid, s.sensor_id, s.min_value, s.max_value, agg.n, agg.last_t, agg.minv, agg.maxv
    FROM agg
    JOIN ll_sensor AS s ON s.sensor_id = agg.sensor_id
),
oor AS (
    -- exact counts only for the few sensors with an impossible value
    SELECT x.sid, count(*) AS n_oor, min(r.measured_at) AS oor_first,
        max(r.measured_at) AS oor_last
    FROM staging.readings AS r
    JOIN (
        SELECT * FROM rd0 WHERE minv < min_value OR maxv > max_value
    ) AS x ON x.sensor_id = r.sensor_id
    WHERE r.measured_at >= $day_start AND r.measured_at < $upto
        AND (r.value < x.min_value OR r.value > x.max_value)
    GROUP BY x.sid
),
rd AS (
    SELECT rd0.sid, rd0.n, rd0.last_t, oor.n_oor, oor.oor_first, oor.oor_last
    FROM rd0
    LEFT JOIN oor ON oor.sid = rd0.sid
),
f AS (
    SELECT
        sensor_id,
        fault_type,
        fault_since,
        fault_until,
        row_number() OVER (
            PARTITION BY sensor_id
            ORDER BY
                epoch(least(coalesce(fault_until, $upto), $upto))
                    - epoch(greatest(fault_since, $day_start)) DESC,
                CASE fault_type WHEN 'offline' THEN 0 ELSE 1 END,
                fault_since
        ) AS rn
    FROM audit.lifeline_fault_episodes
    WHERE fault_since < $upto
        AND (fault_until IS NULL OR fault_until > $day_start)
        AND confirmed_at < $upto
),
exp AS (
    SELECT
        s.*,
        greatest(
            floor((epoch($upto) - epoch(greatest($day_start,
                coalesce(s.installed_on::TIMESTAMPTZ, $day_start)))) / s.interval_s),
            0
        )::BIGINT AS expected
    FROM ll_sensor AS s
    WHERE s.installed_on IS NULL OR s.installed_on::TIMESTAMPTZ < $upto
)
SELECT
    e.sensor_id,
    $day AS as_of_date,
    e.domain,
    e.measure,
    e.district_id,
    CASE WHEN e.expected > 0 THEN least(1.0, coalesce(rd.n, 0) / e.expected) END
        AS completeness,
    coalesce(rd.last_t, st.last_at, CASE WHEN f.fault_type = 'offline' THEN f.fault_since END)
        AS last_seen,
    coalesce(f.fault_type, CASE WHEN rd.n_oor > 0 THEN 'out_of_range' END, 'none')
        AS fault_type,
    CASE WHEN f.fault_type IS NOT NULL THEN f.fault_since ELSE rd.oor_first END AS fault_since,
    CASE
        -- as of the end of the assessed day: a fault that ends later is still going on
        WHEN f.fault_type IS NOT NULL THEN CASE WHEN f.fault_until < $upto THEN f.fault_until END
        WHEN rd.n_oor > 0 THEN rd.oor_last
    END AS fault_until,
    e.expected AS readings_expected,
    coalesce(rd.n, 0) AS readings_received,
    coalesce(rd.n_oor, 0) AS readings_out_of_range,
    $run_id AS run_id
FROM exp AS e
LEFT JOIN rd ON rd.sid = e.sid
LEFT JOIN f ON f.sensor_id = e.sensor_id AND f.rn = 1
LEFT JOIN audit.lifeline_sensor_state AS st
    ON st.sensor_id = e.sensor_id AND st.state_at = $state_end AND st.last_at < $upto;
