-- Judge night $night of every DMA against its own baseline: the median night flow of up to
-- $baseline_nights earlier judged, unflagged nights (mart rows, or night statistics read from
-- staging for nights before the pipeline ran). Needs ll_nstats for $night.
-- $t_factors[n + 1] is the Student-t factor for n baseline nights (computed in stage.py).
DELETE FROM marts.dma_night_flow WHERE night_date = $night;

INSERT INTO marts.dma_night_flow
WITH cur AS (
    SELECT * FROM ll_nstats WHERE night_date = $night
),
hist AS (
    SELECT dma_id, night_date, night_mean_m3h AS v, data_ok, leak_flag, leak_since
    FROM marts.dma_night_flow
    WHERE night_date >= $night - $baseline_nights AND night_date < $night
    UNION ALL
    SELECT n.dma_id, n.night_date, n.night_mean, n.data_ok, false, NULL
    FROM ll_nstats AS n
    WHERE n.night_date >= $night - $baseline_nights
        AND n.night_date < $night
        AND NOT EXISTS (
            SELECT 1 FROM marts.dma_night_flow AS m
            WHERE m.dma_id = n.dma_id AND m.night_date = n.night_date
        )
),
usable AS (
    SELECT * FROM hist WHERE data_ok AND NOT leak_flag AND v IS NOT NULL
),
base AS (
    SELECT dma_id, median(v) AS b, count(*) AS nb FROM usable GROUP BY dma_id
),
spread AS (
    SELECT dma_id, stddev_samp(v) AS sd FROM usable GROUP BY dma_id
),
prev AS (
    SELECT dma_id, leak_flag, leak_since FROM hist WHERE night_date = $night - 1
),
judged AS (
    SELECT
        c.*,
        b.b,
        coalesce(b.nb, 0) AS nb,
        sp.sd,
        -- one-sided prediction bound for a new night: t(1 - alpha, n - 1) sqrt(1 + 1/n) s
        greatest($t_factors[coalesce(b.nb, 0) + 1] * sp.sd, $min_rel * b.b, $min_abs) AS thr,
        c.night_mean - b.b AS excess
    FROM cur AS c
    LEFT JOIN base AS b ON b.dma_id = c.dma_id
    LEFT JOIN spread AS sp ON sp.dma_id = c.dma_id
),
flagged AS (
    SELECT
        j.*,
        coalesce(j.data_ok AND j.nb >= $min_nights AND j.excess > j.thr, false) AS leak
    FROM judged AS j
)
SELECT
    f.dma_id,
    $night AS night_date,
    d.district_id,
    $ws AS window_start,
    $we AS window_end,
    f.inlet_sensors,
    f.completeness,
    coalesce(f.data_ok, false) AS data_ok,
    f.night_mean AS night_mean_m3h,
    f.mnf AS mnf_m3h,
    f.b AS baseline_m3h,
    f.nb AS baseline_nights,
    f.sd AS baseline_sd_m3h,
    f.thr AS threshold_m3h,
    f.excess AS excess_m3h,
    f.leak AS leak_flag,
    CASE WHEN f.leak THEN CASE WHEN p.leak_flag THEN p.leak_since ELSE $night END END
        AS leak_since,
    uarl.uarl AS uarl_l_day,
    CASE WHEN uarl.uarl IS NOT NULL THEN
        greatest(0, f.mnf - d.service_connections * $night_use_l / 1000.0) * 1000.0 * $ndf_h
    END AS carl_l_day,
    CASE WHEN uarl.uarl > 0 THEN
        greatest(0, f.mnf - d.service_connections * $night_use_l / 1000.0) * 1000.0 * $ndf_h
        / uarl.uarl
    END AS ili,
    CASE WHEN uarl.uarl IS NOT NULL THEN d.service_connections >= $uarl_min_conn END
        AS ili_valid,
    CASE
        WHEN NOT coalesce(f.data_ok, false) THEN printf(
            'not judged: inlet data incomplete or stuck (completeness %.2f < %.2f or frozen meter)',
            coalesce(f.completeness, 0), $min_completeness)
        WHEN f.nb < $min_nights THEN printf(
            'not judged: baseline has %d usable nights (< %d)', f.nb, $min_nights)
        WHEN f.leak THEN printf(
            'hidden leak suspected: night flow %.1f m3/h exceeds baseline %.1f m3/h (median of %d nights) by %.1f m3/h > threshold %.1f m3/h',
            f.night_mean, f.b, f.nb, f.excess, f.thr)
        ELSE printf('normal: night flow %.1f m3/h vs baseline %.1f m3/h (excess %.1f <= threshold %.1f)',
            f.night_mean, f.b, f.excess, f.thr)
    END AS reason,
    $run_id AS run_id
FROM flagged AS f
LEFT JOIN prev AS p ON p.dma_id = f.dma_id
LEFT JOIN staging.dmas AS d ON d.dma_id = f.dma_id
LEFT JOIN LATERAL (
    SELECT (18 * d.mains_length_km + 0.8 * d.service_connections
        + 25 * coalesce(d.private_pipe_km, 0)) * d.avg_pressure_m AS uarl
    WHERE d.mains_length_km IS NOT NULL
        AND d.service_connections IS NOT NULL
        AND d.avg_pressure_m IS NOT NULL
) AS uarl ON true;
