-- State at the segment start ($state_at = the previous segment end, NULL on a first run):
-- everything the segment needs from before it, instead of re-reading history.
CREATE OR REPLACE TEMP TABLE ll_prev AS
SELECT s.sid, p.last_at, p.last_value, p.flat_since, p.offline_anchor
FROM audit.lifeline_sensor_state AS p
JOIN ll_sensor AS s ON s.sensor_id = p.sensor_id
WHERE p.state_at = $state_at;

CREATE OR REPLACE TEMP TABLE ll_cprev AS
SELECT
    c.sid,
    c.cid,
    p.tail,
    p.last_mark,
    p.episode_id,
    p.opened_at,
    p.confirmed_at,
    p.peak_sev,
    p.peak_value,
    p.peak_at,
    p.via_drop
FROM audit.lifeline_channel_state AS p
JOIN ll_chan AS c ON c.sensor_id = p.sensor_id AND c.channel = p.channel
WHERE p.state_at = $state_at;

-- Outputs of the segment, filled chunk by chunk.
CREATE OR REPLACE TEMP TABLE ll_out_ep (
    sid INTEGER, cid UTINYINT, episode_id VARCHAR, opened_at TIMESTAMPTZ,
    confirmed_at TIMESTAMPTZ, closed_at TIMESTAMPTZ, peak_sev INTEGER, peak_value DOUBLE,
    peak_at TIMESTAMPTZ, via_drop BOOLEAN
);
CREATE OR REPLACE TEMP TABLE ll_out_cstate AS
SELECT * FROM audit.lifeline_channel_state WHERE false;
CREATE OR REPLACE TEMP TABLE ll_out_sstate AS
SELECT * FROM audit.lifeline_sensor_state WHERE false;
CREATE OR REPLACE TEMP TABLE ll_out_faults AS
SELECT * FROM audit.lifeline_fault_episodes WHERE false;
