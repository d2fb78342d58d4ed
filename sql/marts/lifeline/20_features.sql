-- Per-reading features of one chunk of sensors in one segment [$seg_start, $seg_end).
-- Reads only the segment plus a short look-back ($lookback_start: drop reference and runs)
-- from staging.readings and the sensor state at the segment start.
--
-- Cost: window functions are the expensive part, so a hash-aggregate pass of $bucket_s buckets
-- first finds the sensors that can change anything in this segment (candidates): a reading
-- beyond a grade-III level, a possible sudden drop (bucket minimum below (1 - drop) x the
-- maximum of the reference buckets), a constant bucket (a flat-line of stuck_hours >= 2 buckets
-- always contains one), a run or gap continuing from the state, an internal gap of the offline
-- length, an impossible value, or an open episode. Every other sensor keeps all channels
-- closed with severity 0 everywhere, which needs no per-reading work.
CREATE OR REPLACE TEMP TABLE ll_bk AS
WITH agg AS (
    -- grouped by the raw key first: no per-reading join
    SELECT
        r.sensor_id,
        floor(epoch(r.measured_at) / $bucket_s)::INTEGER AS b,
        r.measured_at >= $seg_start AS in_seg,
        count(*) AS n,
        min(r.value) AS minv,
        max(r.value) AS maxv,
        min(r.measured_at) AS t_first,
        max(r.measured_at) AS t_last,
        arg_min(r.value, r.measured_at) AS v_first,
        arg_max(r.value, r.measured_at) AS v_last
    FROM staging.readings AS r
    WHERE r.measured_at >= $lookback_start
        AND r.measured_at < $seg_end
        AND r.sensor_id BETWEEN $id_lo AND $id_hi
    GROUP BY ALL
)
SELECT s.sid, agg.* EXCLUDE (sensor_id)
FROM agg
JOIN ll_sensor AS s ON s.sensor_id = agg.sensor_id
WHERE s.sid BETWEEN $sid_lo AND $sid_hi;

CREATE OR REPLACE TEMP TABLE ll_sum AS
SELECT
    k.sid,
    sum(k.n) AS n,
    min(k.t_first) AS t_first,
    max(k.t_last) AS t_last,
    arg_min(k.v_first, k.t_first) AS v_first,
    arg_max(k.v_last, k.t_last) AS v_last,
    min(k.minv) AS minv,
    max(k.maxv) AS maxv,
    bool_or(k.minv < s.min_value OR k.maxv > s.max_value) AS any_oor
FROM ll_bk AS k
JOIN ll_sensor AS s ON s.sid = k.sid
WHERE k.in_seg
GROUP BY k.sid;

CREATE OR REPLACE TEMP TABLE ll_cand AS
-- a reading at grade III or worse on the level criterion (metrics rise with the value)
SELECT DISTINCT c.sid
FROM ll_chan AS c
JOIN ll_sum AS su ON su.sid = c.sid
WHERE c.dir * CASE c.level_metric
        WHEN 'value' THEN CASE WHEN c.dir > 0 THEN su.maxv ELSE su.minv END
        WHEN 'ratio_nominal' THEN CASE WHEN c.dir > 0 THEN su.maxv ELSE su.minv END
            / nullif(c.nominal_value, 0)
        WHEN 'ratio_depth' THEN CASE WHEN c.dir > 0 THEN su.maxv ELSE su.minv END
            / nullif(c.depth_m, 0)
        WHEN 'delta_nominal' THEN CASE WHEN c.dir > 0 THEN su.maxv ELSE su.minv END
            - c.nominal_value
    END >= c.dir * c.lt3
UNION
-- a possible sudden drop: the reference of a reading in bucket k lies in buckets
-- k - $ref_lo .. k - $ref_hi, so it is at most their maximum
SELECT DISTINCT k.sid
FROM ll_bk AS k
JOIN ll_chan AS c ON c.sid = k.sid AND c.drop_on
JOIN (
    SELECT sid, kb AS b, max(maxv) AS ref_max, min(minv) AS ref_min
    FROM (
        SELECT sid, maxv, minv, unnest(range(b + $ref_hi, b + $ref_lo + 1)) AS kb
        FROM ll_bk
        SEMI JOIN (SELECT sid FROM ll_chan WHERE drop_on) AS d USING (sid)
    )
    GROUP BY sid, kb
) AS p ON p.sid = k.sid AND p.b = k.b
WHERE k.in_seg AND (k.minv <= (1 - c.dt3) * p.ref_max OR p.ref_min <= 0)
UNION
-- a constant bucket (look-back included): a possible flat-line
SELECT DISTINCT k.sid
FROM ll_bk AS k
JOIN ll_sensor AS s ON s.sid = k.sid
WHERE s.stuck_hours IS NOT NULL AND k.minv = k.maxv AND NOT list_contains(s.stuck_exempt, k.minv)
UNION
SELECT su.sid
FROM ll_sum AS su
JOIN ll_sensor AS s ON s.sid = su.sid
LEFT JOIN ll_prev AS p ON p.sid = su.sid
WHERE su.any_oor
    -- a long run of the state continues (or ends: its fault must be closed)
    OR (p.flat_since IS NOT NULL AND p.last_value = su.v_first)
    OR (p.flat_since IS NOT NULL AND s.stuck_hours IS NOT NULL
        AND epoch(p.last_at) - epoch(p.flat_since) >= s.stuck_hours * 3600)
    -- a gap of the offline length inside the segment or since the state's last reading
    OR (epoch(su.t_last) - epoch(su.t_first)) / s.interval_s + 1 - su.n
        >= greatest($offline_minutes * 60, $offline_min_missed * s.interval_s) / s.interval_s - 1
    OR epoch(su.t_first) - epoch(coalesce(p.last_at, p.offline_anchor, su.t_first))
        >= greatest($offline_minutes * 60, $offline_min_missed * s.interval_s)
UNION
SELECT sid FROM ll_cprev WHERE last_mark = 'O' AND sid BETWEEN $sid_lo AND $sid_hi;

CREATE OR REPLACE TEMP TABLE ll_r AS
WITH src AS (
    SELECT s.sid, r.measured_at AS t, r.value
    FROM staging.readings AS r
    JOIN (SELECT s.sid, s.sensor_id FROM ll_sensor AS s SEMI JOIN ll_cand USING (sid)) AS s
        ON s.sensor_id = r.sensor_id
    WHERE r.measured_at >= $lookback_start
        AND r.measured_at < $seg_end
        AND r.sensor_id BETWEEN $id_lo AND $id_hi
),
w1 AS (
    SELECT
        sid,
        t,
        value,
        lag(t) OVER w AS lag_t,
        lag(value) OVER w AS lag_value,
        min(t) OVER (PARTITION BY sid) AS first_t,
        -- reference for sudden drops: mean of the sensor's own earlier readings
        avg(value) OVER (
            PARTITION BY sid ORDER BY t
            RANGE BETWEEN to_minutes($ref_window_min) PRECEDING
                AND to_minutes($ref_gap_min) PRECEDING
        ) AS refv
    FROM src
    WINDOW w AS (PARTITION BY sid ORDER BY t)
),
w2 AS (
    SELECT
        w1.*,
        p.flat_since AS p_flat_since,
        p.last_at AS p_last_at,
        coalesce(w1.lag_t, p.last_at) AS prev_t,
        -- start of the run of identical values (NULL: the state's run continues)
        last_value(
            CASE
                WHEN w1.lag_t IS NOT NULL AND w1.lag_value IS DISTINCT FROM w1.value THEN w1.t
                WHEN w1.lag_t IS NULL AND (w1.t < $seg_start OR p.last_value IS DISTINCT FROM w1.value)
                    THEN w1.t
            END IGNORE NULLS
        ) OVER (PARTITION BY w1.sid ORDER BY w1.t ROWS UNBOUNDED PRECEDING) AS fs
    FROM w1
    LEFT JOIN ll_prev AS p ON p.sid = w1.sid
)
SELECT
    w2.sid,
    w2.t,
    w2.value,
    w2.refv,
    w2.prev_t,
    f.flat_since,
    coalesce(
        s.stuck_hours IS NOT NULL
        AND NOT list_contains(s.stuck_exempt, w2.value)
        AND epoch(w2.t) - epoch(f.flat_since) >= s.stuck_hours * 3600,
        false
    ) AS stuck,
    coalesce(w2.value < s.min_value OR w2.value > s.max_value, false) AS oor
FROM w2
JOIN ll_sensor AS s ON s.sid = w2.sid
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN w2.fs IS NULL THEN coalesce(w2.p_flat_since, w2.p_last_at, w2.t)
        -- the run reaches back to the first look-back reading: it is the state's long run
        WHEN w2.fs = w2.first_t AND w2.first_t < $seg_start AND w2.p_flat_since < w2.first_t
            THEN w2.p_flat_since
        ELSE w2.fs
    END AS flat_since
) AS f
WHERE w2.t >= $seg_start;
