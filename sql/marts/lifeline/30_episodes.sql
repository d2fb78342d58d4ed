-- Alarm episodes of one chunk of sensors (gaps and islands with window functions).
-- A reading's severity (0 normal, 1..3 = grade III..I) is the worse of its level and drop
-- criteria; stuck or impossible readings are neutral (severity 0, never clear). A grade is
-- held when $open_n consecutive readings reach it ($iii_n for channels with a longer grade-III
-- persistence); an episode opens on the first held grade and closes after $close_m
-- consecutive clear readings. The last readings of each channel come from the state (tail),
-- so counts continue across runs exactly as if the data were processed in one piece.
CREATE OR REPLACE TEMP VIEW ll_cr AS
WITH m AS (
    SELECT
        r.sid,
        c.cid,
        r.t,
        r.value,
        c.interval_s,
        c.dir,
        c.iii_long,
        r.stuck OR r.oor AS neutral,
        c.dir * CASE c.level_metric
            WHEN 'value' THEN r.value
            WHEN 'ratio_nominal' THEN r.value / nullif(c.nominal_value, 0)
            WHEN 'ratio_depth' THEN r.value / nullif(c.depth_m, 0)
            WHEN 'delta_nominal' THEN r.value - c.nominal_value
        END AS x,
        CASE WHEN c.drop_on THEN (r.refv - r.value) / nullif(abs(r.refv), 0) END AS d,
        c.dir * c.lt1 AS l1,
        c.dir * c.lt2 AS l2,
        c.dir * c.lt3 AS l3,
        c.dir * c.lclose AS lc,
        c.dt1,
        c.dt2,
        c.dt3,
        c.dclose
    FROM ll_r AS r
    JOIN ll_chan AS c ON c.sid = r.sid
),
g AS (
    SELECT
        *,
        CASE WHEN x >= l1 THEN 3 WHEN x >= l2 THEN 2 WHEN x >= l3 THEN 1 ELSE 0 END AS sev_level,
        CASE WHEN d >= dt1 THEN 3 WHEN d >= dt2 THEN 2 WHEN d >= dt3 THEN 1 ELSE 0 END AS sev_drop
    FROM m
)
SELECT
    sid,
    cid,
    t,
    value,
    interval_s,
    dir,
    iii_long,
    (CASE WHEN neutral THEN 0 ELSE greatest(sev_level, sev_drop) END)::INTEGER AS sev,
    (NOT neutral AND coalesce(x < lc, true) AND coalesce(d < dclose, true)) AS clr,
    (NOT neutral AND sev_drop > sev_level) AS via_drop
FROM g;

-- Channels that can change state in this chunk: a reading beyond a threshold, or an open episode.
CREATE OR REPLACE TEMP TABLE ll_hot AS
SELECT sid, cid FROM ll_cr GROUP BY sid, cid HAVING max(sev) >= 1
UNION
SELECT sid, cid FROM ll_cprev
WHERE last_mark = 'O' AND sid BETWEEN $sid_lo AND $sid_hi;

CREATE OR REPLACE TEMP TABLE ll_w AS
WITH rows_ AS (
    SELECT cr.sid, cr.cid, cr.t, cr.value, cr.interval_s, cr.dir, cr.iii_long, cr.sev, cr.clr,
        cr.via_drop, false AS is_prefix
    FROM ll_cr AS cr
    SEMI JOIN ll_hot AS h ON h.sid = cr.sid AND h.cid = cr.cid
    UNION ALL
    SELECT p.sid, p.cid, p.t, NULL, c.interval_s, c.dir, c.iii_long, p.sev, p.clr, false, true
    FROM (
        SELECT sid, cid, unnest(tail, recursive := true)
        FROM ll_cprev
        SEMI JOIN ll_hot USING (sid, cid)
    ) AS p
    JOIN ll_chan AS c ON c.sid = p.sid AND c.cid = p.cid
),
w AS (
    SELECT
        *,
        min(sev) OVER wn AS sev_n,
        lag(t, $n_lag) OVER wo AS t_n,
        min(least(sev, 1)) OVER wn3 AS iii_n3,
        lag(t, $n3_lag) OVER wo AS t_n3,
        bool_and(clr) OVER wm AS clr_m,
        count(*) OVER wm AS cnt_m,
        lag(t, $m_lag) OVER wo AS t_m
    FROM rows_
    WINDOW
        wo AS (PARTITION BY sid, cid ORDER BY t),
        wn AS (PARTITION BY sid, cid ORDER BY t ROWS BETWEEN $n_lag PRECEDING AND CURRENT ROW),
        wn3 AS (PARTITION BY sid, cid ORDER BY t ROWS BETWEEN $n3_lag PRECEDING AND CURRENT ROW),
        wm AS (PARTITION BY sid, cid ORDER BY t ROWS BETWEEN $m_lag PRECEDING AND CURRENT ROW)
),
held AS (
    SELECT
        *,
        -- highest grade held for N consecutive readings (no reading gap beyond gap_factor)
        CASE WHEN t_n IS NOT NULL
            AND epoch(t) - epoch(t_n) <= $n_lag * $gap_factor * interval_s THEN sev_n ELSE 0 END
            AS held_n,
        CASE WHEN t_n3 IS NOT NULL
            AND epoch(t) - epoch(t_n3) <= $n3_lag * $gap_factor * interval_s THEN iii_n3 ELSE 0 END
            AS held_iii
    FROM w
    WHERE NOT is_prefix
)
SELECT
    sid,
    cid,
    t,
    value,
    dir,
    sev,
    clr,
    via_drop,
    CASE WHEN NOT iii_long THEN held_n WHEN held_n >= 2 THEN held_n ELSE held_iii END AS sus,
    CASE WHEN NOT iii_long OR held_n >= 2 THEN t_n ELSE t_n3 END AS run_start,
    t_m AS clear_start,
    CASE
        WHEN (CASE WHEN NOT iii_long THEN held_n WHEN held_n >= 2 THEN held_n ELSE held_iii END) >= 1
            THEN 'O'
        WHEN clr_m AND cnt_m = $m_lag + 1 THEN 'C'
    END AS mark
FROM held;

-- The automaton's state is the last mark seen: an O after C opens, a C after O closes.
CREATE OR REPLACE TEMP TABLE ll_w2 AS
SELECT
    w.*,
    coalesce(
        last_value(w.mark IGNORE NULLS) OVER (
            PARTITION BY w.sid, w.cid ORDER BY w.t
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ),
        p.last_mark,
        'C'
    ) AS prev_mark
FROM ll_w AS w
LEFT JOIN ll_cprev AS p ON p.sid = w.sid AND p.cid = w.cid;

CREATE OR REPLACE TEMP TABLE ll_eprow AS
SELECT
    *,
    mark = 'O' AND prev_mark = 'C' AS opens,
    mark = 'C' AND prev_mark = 'O' AS closes,
    sum(CASE WHEN mark = 'O' AND prev_mark = 'C' THEN 1 ELSE 0 END) OVER (
        PARTITION BY sid, cid ORDER BY t ROWS UNBOUNDED PRECEDING
    ) AS seq
FROM ll_w2
WHERE coalesce(mark, prev_mark) = 'O' OR (mark = 'C' AND prev_mark = 'O');

INSERT INTO ll_out_ep
WITH agg AS (
    SELECT
        sid,
        cid,
        seq,
        max(CASE WHEN opens THEN run_start END) AS opened_at,
        max(CASE WHEN opens THEN t END) AS confirmed_at,
        min(CASE WHEN closes THEN clear_start END) AS closed_at,
        max(sus) AS peak_sev,
        first(value ORDER BY dir * value DESC, t) AS peak_value,
        first(t ORDER BY dir * value DESC, t) AS peak_at,
        bool_or(via_drop AND sus >= 1) AS via_drop
    FROM ll_eprow
    GROUP BY sid, cid, seq
),
carried AS (
    SELECT *
    FROM ll_cprev
    WHERE last_mark = 'O' AND sid BETWEEN $sid_lo AND $sid_hi
),
merged AS (
    SELECT
        coalesce(c.sid, a.sid) AS sid,
        coalesce(c.cid, a.cid) AS cid,
        c.episode_id AS carried_id,
        coalesce(c.opened_at, a.opened_at) AS opened_at,
        coalesce(c.confirmed_at, a.confirmed_at) AS confirmed_at,
        a.closed_at,
        greatest(coalesce(c.peak_sev, 0), coalesce(a.peak_sev, 0)) AS peak_sev,
        CASE
            WHEN a.peak_value IS NULL THEN c.peak_value
            WHEN c.peak_value IS NULL THEN a.peak_value
            WHEN ch.dir * a.peak_value > ch.dir * c.peak_value THEN a.peak_value
            ELSE c.peak_value
        END AS peak_value,
        CASE
            WHEN a.peak_value IS NULL THEN c.peak_at
            WHEN c.peak_value IS NULL THEN a.peak_at
            WHEN ch.dir * a.peak_value > ch.dir * c.peak_value THEN a.peak_at
            ELSE c.peak_at
        END AS peak_at,
        coalesce(c.via_drop, false) OR coalesce(a.via_drop, false) AS via_drop
    FROM carried AS c
    FULL JOIN (SELECT * FROM agg WHERE seq = 0) AS a ON a.sid = c.sid AND a.cid = c.cid
    LEFT JOIN ll_chan AS ch ON ch.sid = coalesce(c.sid, a.sid) AND ch.cid = coalesce(c.cid, a.cid)
    UNION ALL
    SELECT sid, cid, NULL, opened_at, confirmed_at, closed_at, peak_sev, peak_value, peak_at,
        via_drop
    FROM agg
    WHERE seq >= 1
)
SELECT
    m.sid,
    m.cid,
    coalesce(
        m.carried_id,
        substr(md5(ch.sensor_id || '|' || ch.channel || '|' || epoch_ms(m.opened_at)::VARCHAR), 1, 20)
    ) AS episode_id,
    m.opened_at,
    m.confirmed_at,
    m.closed_at,
    m.peak_sev,
    m.peak_value,
    m.peak_at,
    m.via_drop
FROM merged AS m
JOIN ll_chan AS ch ON ch.sid = m.sid AND ch.cid = m.cid;

-- Channel state at the segment end: the last readings (tail) and the open episode.
INSERT INTO ll_out_cstate
WITH cur AS (
    -- channels that are not hot keep an empty tail: all their readings have severity 0 and
    -- they stay closed, which any later window treats exactly like those readings
    SELECT sid, cid, t, sev, clr FROM ll_cr SEMI JOIN ll_hot USING (sid, cid)
    UNION ALL
    SELECT sid, cid, unnest(tail, recursive := true)
    FROM ll_cprev
    SEMI JOIN ll_hot USING (sid, cid)
),
tails AS (
    SELECT
        sid,
        cid,
        list_sort(max_by(struct_pack(t := t, sev := sev::INTEGER, clr := clr), t, $tail_len)) AS tail
    FROM cur
    GROUP BY sid, cid
),
marks AS (
    SELECT sid, cid, arg_max(coalesce(mark, prev_mark), t) AS last_mark
    FROM ll_w2
    GROUP BY sid, cid
),
open_ep AS (
    SELECT * FROM ll_out_ep WHERE closed_at IS NULL AND sid BETWEEN $sid_lo AND $sid_hi
)
SELECT
    $seg_end AS state_at,
    c.sensor_id,
    c.channel,
    coalesce(tl.tail, []) AS tail,
    coalesce(mk.last_mark, p.last_mark, 'C') AS last_mark,
    e.episode_id,
    e.opened_at,
    e.confirmed_at,
    e.peak_sev,
    e.peak_value,
    e.peak_at,
    e.via_drop
FROM ll_chan AS c
LEFT JOIN tails AS tl ON tl.sid = c.sid AND tl.cid = c.cid
LEFT JOIN marks AS mk ON mk.sid = c.sid AND mk.cid = c.cid
LEFT JOIN ll_cprev AS p ON p.sid = c.sid AND p.cid = c.cid
LEFT JOIN open_ep AS e ON e.sid = c.sid AND e.cid = c.cid
WHERE c.sid BETWEEN $sid_lo AND $sid_hi;
