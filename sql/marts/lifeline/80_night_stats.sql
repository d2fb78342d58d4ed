-- Night statistics of every DMA for one night window [$ws, $we) (02:00-04:00 local), read
-- from staging.readings for that window only. Appends to the temp table ll_nstats.
INSERT INTO ll_nstats
WITH inlets AS (
    SELECT sid, sensor_id, dma_id, interval_s
    FROM ll_sensor
    WHERE measure = 'dma_inflow' AND dma_id IS NOT NULL
),
rd AS (
    SELECT i.dma_id, i.sensor_id, r.measured_at AS t, r.value
    FROM staging.readings AS r
    JOIN inlets AS i ON i.sensor_id = r.sensor_id
    WHERE r.measured_at >= $ws AND r.measured_at < $we
),
stuck AS (
    SELECT DISTINCT sensor_id
    FROM audit.lifeline_fault_episodes
    WHERE fault_type = 'stuck'
        AND fault_since < $we
        AND (fault_until IS NULL OR fault_until >= $ws)
),
per_inlet AS (
    SELECT
        i.dma_id,
        i.sensor_id,
        count(rd.t) AS n,
        (epoch($we) - epoch($ws)) / i.interval_s AS expected,
        avg(rd.value) AS mean_v,
        count(DISTINCT rd.value) AS n_distinct,
        i.sensor_id IN (SELECT sensor_id FROM stuck) AS stuck
    FROM inlets AS i
    LEFT JOIN rd ON rd.sensor_id = i.sensor_id
    GROUP BY i.dma_id, i.sensor_id, i.interval_s
),
buckets AS (
    SELECT dma_id, sensor_id, time_bucket(to_minutes($smooth_min), t) AS b, avg(value) AS v
    FROM rd
    GROUP BY ALL
),
bsum AS (
    SELECT dma_id, b, sum(v) AS v, count(*) AS k FROM buckets GROUP BY ALL
),
inlet_count AS (
    SELECT dma_id, count(*) AS k FROM inlets GROUP BY dma_id
),
mnf AS (
    SELECT bs.dma_id, min(bs.v) AS mnf
    FROM bsum AS bs
    JOIN inlet_count AS ic ON ic.dma_id = bs.dma_id AND bs.k = ic.k
    GROUP BY bs.dma_id
)
SELECT
    $night AS night_date,
    p.dma_id,
    count(*) AS inlet_sensors,
    min(p.n / p.expected) AS completeness,
    bool_and(p.n >= p.expected * $min_completeness AND NOT p.stuck
        AND NOT (p.n > 2 AND p.n_distinct = 1)) AS data_ok,
    sum(p.mean_v) AS night_mean,
    any_value(m.mnf) AS mnf
FROM per_inlet AS p
LEFT JOIN mnf AS m ON m.dma_id = p.dma_id
GROUP BY p.dma_id;
