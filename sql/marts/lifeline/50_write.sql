-- Replace what this segment decides: episodes confirmed in it or open at its start, fault
-- episodes confirmed in it or continuing from its start, and the state at its end.
DELETE FROM marts.lifeline_alarms
WHERE confirmed_at >= $seg_start
    OR episode_id IN (
        SELECT episode_id FROM audit.lifeline_channel_state
        WHERE state_at = $state_at AND last_mark = 'O' AND episode_id IS NOT NULL
    );

INSERT INTO marts.lifeline_alarms
SELECT
    e.episode_id,
    s.sensor_id,
    s.asset_id,
    s.dma_id,
    c.domain,
    s.measure,
    c.channel,
    CASE WHEN e.peak_sev >= c.det_min_sev THEN c.detection_type END AS detection_type,
    g.grade AS grade,
    g.grade AS base_grade,
    e.opened_at,
    e.confirmed_at,
    e.peak_value,
    e.peak_at,
    s.unit,
    e.closed_at,
    CASE WHEN e.closed_at IS NULL THEN 'open' ELSE 'closed' END AS status,
    round((epoch(coalesce(e.closed_at, $seg_end)) - epoch(e.opened_at)) / 60.0, 1)
        AS duration_minutes,
    s.district_id,
    s.lon,
    s.lat,
    c.label || ': '
        || CASE
            WHEN e.via_drop THEN printf(
                'sudden fall of >= %.0f%% of its own level (mean %d-%d min before)',
                c.dt3 * 100, $ref_window_min, $ref_gap_min)
            ELSE printf('%s %s %s (III/II/I) %s', c.level_metric,
                CASE WHEN c.dir > 0 THEN '>=' ELSE '<=' END,
                concat_ws('/', coalesce(c.lt3::VARCHAR, '-'), coalesce(c.lt2::VARCHAR, '-'),
                    coalesce(c.lt1::VARCHAR, '-')),
                c.level_unit)
        END
        || printf('; peak %.4g %s at %s; grade %s', e.peak_value, coalesce(s.unit, ''),
            strftime(e.peak_at, '%Y-%m-%d %H:%M'), g.grade)
        || '. Source: ' || c.source AS reason,
    NULL AS compound_reason,
    $run_id AS run_id
FROM ll_out_ep AS e
JOIN ll_sensor AS s ON s.sid = e.sid
JOIN ll_chan AS c ON c.sid = e.sid AND c.cid = e.cid
CROSS JOIN LATERAL (
    SELECT CASE e.peak_sev WHEN 3 THEN 'I' WHEN 2 THEN 'II' ELSE 'III' END AS grade
) AS g;

DELETE FROM audit.lifeline_fault_episodes AS f
WHERE f.confirmed_at >= $seg_start
    OR EXISTS (
        SELECT 1 FROM audit.lifeline_sensor_state AS p
        WHERE p.state_at = $state_at
            AND p.sensor_id = f.sensor_id
            AND ((f.fault_type = 'stuck' AND f.fault_since = p.flat_since)
                OR (f.fault_type = 'offline'
                    AND f.fault_since = coalesce(p.last_at, p.offline_anchor)))
    );

INSERT INTO audit.lifeline_fault_episodes SELECT * FROM ll_out_faults;

DELETE FROM audit.lifeline_channel_state WHERE state_at = $seg_end;
INSERT INTO audit.lifeline_channel_state SELECT * FROM ll_out_cstate;
DELETE FROM audit.lifeline_sensor_state WHERE state_at = $seg_end;
INSERT INTO audit.lifeline_sensor_state SELECT * FROM ll_out_sstate;
