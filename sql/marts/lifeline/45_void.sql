-- A frozen transmitter must not raise alarms. Stuck is only known once the flat-line has lasted
-- stuck_hours, so an episode opened by the frozen value in the meantime is voided here once the
-- stuck fault is confirmed: its channel goes back to closed with an empty tail.
CREATE OR REPLACE TEMP TABLE ll_void AS
SELECT DISTINCT e.sid, e.cid, e.episode_id
FROM ll_out_ep AS e
JOIN ll_sensor AS s ON s.sid = e.sid
JOIN ll_out_faults AS f
    ON f.sensor_id = s.sensor_id
    AND f.fault_type = 'stuck'
    AND e.opened_at >= f.fault_since
    AND (f.fault_until IS NULL OR e.opened_at <= f.fault_until)
WHERE e.sid BETWEEN $sid_lo AND $sid_hi;

DELETE FROM ll_out_ep WHERE episode_id IN (SELECT episode_id FROM ll_void);

UPDATE ll_out_cstate AS c
SET last_mark = 'C', tail = [], episode_id = NULL, opened_at = NULL, confirmed_at = NULL,
    peak_sev = NULL, peak_value = NULL, peak_at = NULL, via_drop = NULL
WHERE c.episode_id IN (SELECT episode_id FROM ll_void);
