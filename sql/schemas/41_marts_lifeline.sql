-- Lifeline monitoring marts (pipelines/lifeline): alarm episodes, DMA night flow, sensor health,
-- plus the per-sensor state that lets each run read only its interval.
-- Keys are kept by delete-then-insert in one transaction (no PRIMARY KEY: DuckDB checks unique
-- constraints eagerly, which breaks delete-then-insert of the same key in one transaction).
CREATE TABLE IF NOT EXISTS marts.lifeline_alarms (
    episode_id VARCHAR NOT NULL,
    sensor_id VARCHAR NOT NULL,
    asset_id VARCHAR,
    dma_id VARCHAR,
    domain VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    detection_type VARCHAR,
    grade VARCHAR NOT NULL,
    base_grade VARCHAR NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL,
    peak_value DOUBLE,
    peak_at TIMESTAMPTZ,
    unit VARCHAR,
    closed_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    duration_minutes DOUBLE,
    district_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    reason VARCHAR,
    compound_reason VARCHAR,
    run_id VARCHAR
);
COMMENT ON TABLE marts.lifeline_alarms IS 'Graded lifeline alarm episodes (一级/二级/三级): one row per episode, opened after N consecutive readings beyond a threshold, escalated to the highest grade held, closed with hysteresis after M clear readings. Rules: config/alarm_rules.yaml.';
COMMENT ON COLUMN marts.lifeline_alarms.episode_id IS 'Deterministic id: hash of sensor, channel and opened_at (stable across re-runs).';
COMMENT ON COLUMN marts.lifeline_alarms.sensor_id IS 'Sensor that raised the alarm (staging.sensors).';
COMMENT ON COLUMN marts.lifeline_alarms.asset_id IS 'Monitored asset (pipe segment, manhole, substation) from the sensor registry.';
COMMENT ON COLUMN marts.lifeline_alarms.dma_id IS 'District metered area of water sensors.';
COMMENT ON COLUMN marts.lifeline_alarms.domain IS 'Lifeline domain: gas, water, drainage or heating.';
COMMENT ON COLUMN marts.lifeline_alarms.measure IS 'Measure of the sensor (config/measures.yaml).';
COMMENT ON COLUMN marts.lifeline_alarms.channel IS 'Alarm rule that fired (a channel in config/alarm_rules.yaml).';
COMMENT ON COLUMN marts.lifeline_alarms.detection_type IS 'Incident type the channel detects (gas_leak_adjacent_space, water_main_burst, ...); NULL for operational alarms.';
COMMENT ON COLUMN marts.lifeline_alarms.grade IS 'Alarm grade I (most severe), II or III after compound-risk escalation.';
COMMENT ON COLUMN marts.lifeline_alarms.base_grade IS 'Peak grade from the sensor''s own readings, before compound-risk escalation.';
COMMENT ON COLUMN marts.lifeline_alarms.opened_at IS 'Time of the first of the N consecutive readings that opened the episode.';
COMMENT ON COLUMN marts.lifeline_alarms.confirmed_at IS 'Time of the N-th consecutive reading, when the episode was confirmed.';
COMMENT ON COLUMN marts.lifeline_alarms.peak_value IS 'Most extreme reading in the episode (highest for high-side rules, lowest for low-side).';
COMMENT ON COLUMN marts.lifeline_alarms.peak_at IS 'Time of the peak reading.';
COMMENT ON COLUMN marts.lifeline_alarms.unit IS 'Unit of peak_value (the sensor unit).';
COMMENT ON COLUMN marts.lifeline_alarms.closed_at IS 'Time of the first of the M clear readings that closed the episode; NULL while open.';
COMMENT ON COLUMN marts.lifeline_alarms.status IS 'open or closed.';
COMMENT ON COLUMN marts.lifeline_alarms.duration_minutes IS 'Minutes from opened_at to closed_at (to the end of the last processed interval while open).';
COMMENT ON COLUMN marts.lifeline_alarms.district_id IS 'District of the sensor.';
COMMENT ON COLUMN marts.lifeline_alarms.lon IS 'WGS84 longitude of the sensor.';
COMMENT ON COLUMN marts.lifeline_alarms.lat IS 'WGS84 latitude of the sensor.';
COMMENT ON COLUMN marts.lifeline_alarms.reason IS 'Why: the rule, its threshold and source, and the peak reading.';
COMMENT ON COLUMN marts.lifeline_alarms.compound_reason IS 'Why the grade was raised one step (water main burst, surcharged sewer, school or hospital nearby); NULL when not raised.';
COMMENT ON COLUMN marts.lifeline_alarms.run_id IS 'Run that last wrote the row.';

CREATE TABLE IF NOT EXISTS marts.dma_night_flow (
    dma_id VARCHAR NOT NULL,
    night_date DATE NOT NULL,
    district_id VARCHAR,
    window_start TIMESTAMPTZ NOT NULL,
    window_end TIMESTAMPTZ NOT NULL,
    inlet_sensors INTEGER,
    completeness DOUBLE,
    data_ok BOOLEAN NOT NULL,
    night_mean_m3h DOUBLE,
    mnf_m3h DOUBLE,
    baseline_m3h DOUBLE,
    baseline_nights INTEGER,
    baseline_sd_m3h DOUBLE,
    threshold_m3h DOUBLE,
    excess_m3h DOUBLE,
    leak_flag BOOLEAN NOT NULL,
    leak_since DATE,
    uarl_l_day DOUBLE,
    carl_l_day DOUBLE,
    ili DOUBLE,
    ili_valid BOOLEAN,
    reason VARCHAR,
    run_id VARCHAR
);
COMMENT ON TABLE marts.dma_night_flow IS 'Minimum night flow (02:00-04:00 Asia/Shanghai) per district metered area per night against the DMA''s own rolling baseline; flags hidden leaks with excess flow and ILI. Rules: config/lifeline_night_flow.yaml.';
COMMENT ON COLUMN marts.dma_night_flow.dma_id IS 'District metered area.';
COMMENT ON COLUMN marts.dma_night_flow.night_date IS 'Local date of the night window (02:00-04:00 that day).';
COMMENT ON COLUMN marts.dma_night_flow.district_id IS 'District of the DMA.';
COMMENT ON COLUMN marts.dma_night_flow.window_start IS 'Start of the night window.';
COMMENT ON COLUMN marts.dma_night_flow.window_end IS 'End of the night window.';
COMMENT ON COLUMN marts.dma_night_flow.inlet_sensors IS 'Number of dma_inflow meters of the DMA.';
COMMENT ON COLUMN marts.dma_night_flow.completeness IS 'Lowest share of expected readings any inlet meter delivered in the window.';
COMMENT ON COLUMN marts.dma_night_flow.data_ok IS 'True when every inlet meter was complete enough and not stuck: only then is the night judged.';
COMMENT ON COLUMN marts.dma_night_flow.night_mean_m3h IS 'Mean DMA inflow over the window (sum of inlet meters), m3/h.';
COMMENT ON COLUMN marts.dma_night_flow.mnf_m3h IS 'Minimum night flow: lowest 15-minute mean inflow in the window, m3/h.';
COMMENT ON COLUMN marts.dma_night_flow.baseline_m3h IS 'Median night mean of up to 14 earlier judged, unflagged nights, m3/h.';
COMMENT ON COLUMN marts.dma_night_flow.baseline_nights IS 'Number of nights in the baseline.';
COMMENT ON COLUMN marts.dma_night_flow.baseline_sd_m3h IS 'Standard deviation of the baseline nights, m3/h.';
COMMENT ON COLUMN marts.dma_night_flow.threshold_m3h IS 'Excess over baseline needed to flag a leak (one-sided 99.9 % prediction bound, with floors), m3/h.';
COMMENT ON COLUMN marts.dma_night_flow.excess_m3h IS 'Estimated leak flow: night mean minus baseline, m3/h.';
COMMENT ON COLUMN marts.dma_night_flow.leak_flag IS 'True when the excess exceeds the threshold (hidden leak suspected).';
COMMENT ON COLUMN marts.dma_night_flow.leak_since IS 'First night of the current run of flagged nights.';
COMMENT ON COLUMN marts.dma_night_flow.uarl_l_day IS 'Unavoidable annual real losses (18 Lm + 0.8 Nc + 25 Lp) x P, litres/day.';
COMMENT ON COLUMN marts.dma_night_flow.carl_l_day IS 'Estimated current real losses: (MNF - legitimate night use) x night-day factor, litres/day.';
COMMENT ON COLUMN marts.dma_night_flow.ili IS 'Infrastructure Leakage Index CARL / UARL (NULL where the DMA registry lacks the inputs).';
COMMENT ON COLUMN marts.dma_night_flow.ili_valid IS 'True when the UARL formula''s validity range holds (>= 5,000 connections).';
COMMENT ON COLUMN marts.dma_night_flow.reason IS 'Why the night was flagged, not flagged or not judged.';
COMMENT ON COLUMN marts.dma_night_flow.run_id IS 'Run that wrote the row.';

CREATE TABLE IF NOT EXISTS marts.sensor_health (
    sensor_id VARCHAR NOT NULL,
    as_of_date DATE NOT NULL,
    domain VARCHAR,
    measure VARCHAR,
    district_id VARCHAR,
    completeness DOUBLE,
    last_seen TIMESTAMPTZ,
    fault_type VARCHAR NOT NULL,
    fault_since TIMESTAMPTZ,
    fault_until TIMESTAMPTZ,
    readings_expected BIGINT,
    readings_received BIGINT,
    readings_out_of_range BIGINT,
    run_id VARCHAR
);
COMMENT ON TABLE marts.sensor_health IS 'Daily health of every lifeline sensor: completeness, last reading, and its fault (stuck, offline, out_of_range or none). Faulty sensors raise no alarms.';
COMMENT ON COLUMN marts.sensor_health.sensor_id IS 'Sensor.';
COMMENT ON COLUMN marts.sensor_health.as_of_date IS 'Local date assessed.';
COMMENT ON COLUMN marts.sensor_health.domain IS 'Lifeline domain.';
COMMENT ON COLUMN marts.sensor_health.measure IS 'Measure.';
COMMENT ON COLUMN marts.sensor_health.district_id IS 'District.';
COMMENT ON COLUMN marts.sensor_health.completeness IS 'readings_received / readings_expected, capped at 1.';
COMMENT ON COLUMN marts.sensor_health.last_seen IS 'Time of the last reading up to the end of the assessed part of the day.';
COMMENT ON COLUMN marts.sensor_health.fault_type IS 'stuck (flat-lined), offline (no data for the offline threshold), out_of_range (physically impossible values) or none.';
COMMENT ON COLUMN marts.sensor_health.fault_since IS 'Start of the fault (first frozen reading, last reading before the gap, first impossible value).';
COMMENT ON COLUMN marts.sensor_health.fault_until IS 'End of the fault; NULL while it continues.';
COMMENT ON COLUMN marts.sensor_health.readings_expected IS 'Readings expected on the day from the sampling interval.';
COMMENT ON COLUMN marts.sensor_health.readings_received IS 'Readings received for the day.';
COMMENT ON COLUMN marts.sensor_health.readings_out_of_range IS 'Readings outside the measure''s physical range (config/measures.yaml).';
COMMENT ON COLUMN marts.sensor_health.run_id IS 'Run that wrote the row.';

CREATE TABLE IF NOT EXISTS audit.lifeline_fault_episodes (
    sensor_id VARCHAR NOT NULL,
    fault_type VARCHAR NOT NULL,
    fault_since TIMESTAMPTZ NOT NULL,
    fault_until TIMESTAMPTZ,
    confirmed_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR
);
COMMENT ON TABLE audit.lifeline_fault_episodes IS 'Sensor fault episodes (stuck, offline) carried across runs; marts.sensor_health summarises them per day.';
COMMENT ON COLUMN audit.lifeline_fault_episodes.sensor_id IS 'Sensor.';
COMMENT ON COLUMN audit.lifeline_fault_episodes.fault_type IS 'stuck or offline.';
COMMENT ON COLUMN audit.lifeline_fault_episodes.fault_since IS 'Stuck: first reading of the frozen value; offline: last reading before the gap.';
COMMENT ON COLUMN audit.lifeline_fault_episodes.fault_until IS 'Stuck: last frozen reading; offline: first reading after the gap; NULL while continuing.';
COMMENT ON COLUMN audit.lifeline_fault_episodes.confirmed_at IS 'When the fault threshold was reached (since + stuck hours / offline minutes).';
COMMENT ON COLUMN audit.lifeline_fault_episodes.run_id IS 'Run that last wrote the row.';

CREATE TABLE IF NOT EXISTS audit.lifeline_segments (
    seg_start TIMESTAMPTZ NOT NULL,
    seg_end TIMESTAMPTZ NOT NULL,
    run_id VARCHAR,
    readings BIGINT,
    processed_at TIMESTAMPTZ
);
COMMENT ON TABLE audit.lifeline_segments IS 'Time segments the lifeline stage has processed; a state snapshot exists at each seg_end.';
COMMENT ON COLUMN audit.lifeline_segments.seg_start IS 'Start of the processed segment.';
COMMENT ON COLUMN audit.lifeline_segments.seg_end IS 'End of the processed segment (time of the state snapshot).';
COMMENT ON COLUMN audit.lifeline_segments.run_id IS 'Run that processed it.';
COMMENT ON COLUMN audit.lifeline_segments.readings IS 'Readings read for the segment (without look-back).';
COMMENT ON COLUMN audit.lifeline_segments.processed_at IS 'Wall-clock time of processing.';

CREATE TABLE IF NOT EXISTS audit.lifeline_sensor_state (
    state_at TIMESTAMPTZ NOT NULL,
    sensor_id VARCHAR NOT NULL,
    last_at TIMESTAMPTZ,
    last_value DOUBLE,
    flat_since TIMESTAMPTZ,
    offline_anchor TIMESTAMPTZ
);
COMMENT ON TABLE audit.lifeline_sensor_state IS 'Per-sensor state at a segment end: what the next run needs instead of history.';
COMMENT ON COLUMN audit.lifeline_sensor_state.state_at IS 'Segment end the state holds at.';
COMMENT ON COLUMN audit.lifeline_sensor_state.sensor_id IS 'Sensor.';
COMMENT ON COLUMN audit.lifeline_sensor_state.last_at IS 'Time of the last reading before state_at.';
COMMENT ON COLUMN audit.lifeline_sensor_state.last_value IS 'Value of that reading.';
COMMENT ON COLUMN audit.lifeline_sensor_state.flat_since IS 'Start of the run of identical values the last reading belongs to (stuck detection).';
COMMENT ON COLUMN audit.lifeline_sensor_state.offline_anchor IS 'For a sensor never seen: when it was first expected (start of its offline fault).';

CREATE TABLE IF NOT EXISTS audit.lifeline_channel_state (
    state_at TIMESTAMPTZ NOT NULL,
    sensor_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    tail STRUCT(t TIMESTAMPTZ, sev INTEGER, clr BOOLEAN)[],
    last_mark VARCHAR,
    episode_id VARCHAR,
    opened_at TIMESTAMPTZ,
    confirmed_at TIMESTAMPTZ,
    peak_sev INTEGER,
    peak_value DOUBLE,
    peak_at TIMESTAMPTZ,
    via_drop BOOLEAN
);
COMMENT ON TABLE audit.lifeline_channel_state IS 'Per sensor-channel episode state at a segment end: trailing readings'' severities and the open episode.';
COMMENT ON COLUMN audit.lifeline_channel_state.state_at IS 'Segment end the state holds at.';
COMMENT ON COLUMN audit.lifeline_channel_state.sensor_id IS 'Sensor.';
COMMENT ON COLUMN audit.lifeline_channel_state.channel IS 'Alarm channel (config/alarm_rules.yaml).';
COMMENT ON COLUMN audit.lifeline_channel_state.tail IS 'Last readings (time, severity 0-3, clear flag) needed to continue consecutive counts.';
COMMENT ON COLUMN audit.lifeline_channel_state.last_mark IS 'O when an episode is open at state_at, C when closed.';
COMMENT ON COLUMN audit.lifeline_channel_state.episode_id IS 'Open episode id, if any.';
COMMENT ON COLUMN audit.lifeline_channel_state.opened_at IS 'Open episode: opened_at.';
COMMENT ON COLUMN audit.lifeline_channel_state.confirmed_at IS 'Open episode: confirmed_at.';
COMMENT ON COLUMN audit.lifeline_channel_state.peak_sev IS 'Open episode: highest sustained severity so far (3 = grade I).';
COMMENT ON COLUMN audit.lifeline_channel_state.peak_value IS 'Open episode: peak reading so far.';
COMMENT ON COLUMN audit.lifeline_channel_state.peak_at IS 'Open episode: time of the peak reading.';
COMMENT ON COLUMN audit.lifeline_channel_state.via_drop IS 'Open episode: raised by the sudden-drop criterion (rate of change).';
