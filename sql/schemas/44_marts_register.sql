-- Unified risk register (pipelines/register): the per-date snapshot is the only stored fact; the
-- register, its history and the district risk spectrum are views derived from it, so re-running a
-- date (delete-then-insert of its snapshot) changes exactly what its recomputed rows change.
-- No PRIMARY KEY: DuckDB checks unique constraints eagerly, which breaks delete-then-insert of the
-- same key inside one transaction; keys (risk_source_id, as_of_date) are kept by the stage.
CREATE TABLE IF NOT EXISTS marts.risk_snapshot (
    risk_source_id VARCHAR NOT NULL,
    as_of_date DATE NOT NULL,
    domain VARCHAR NOT NULL,
    source_type VARCHAR NOT NULL,
    source_name VARCHAR,
    likelihood INTEGER NOT NULL,
    consequence INTEGER NOT NULL,
    score DOUBLE NOT NULL,
    computed_level VARCHAR NOT NULL,
    risk_level VARCHAR NOT NULL,
    override_level VARCHAR,
    override_by VARCHAR,
    override_at TIMESTAMPTZ,
    override_reason VARCHAR,
    override_decision_id VARCHAR,
    method VARCHAR NOT NULL,
    drivers VARCHAR NOT NULL,
    recommended_action VARCHAR NOT NULL,
    responsible_unit VARCHAR,
    responsible_unit_name VARCHAR,
    district_id VARCHAR,
    district_name VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    in_register BOOLEAN NOT NULL,
    include_reason VARCHAR,
    officer_notes VARCHAR,
    assessment_hash VARCHAR NOT NULL,
    run_id VARCHAR
);
COMMENT ON TABLE marts.risk_snapshot IS '风险快照 Every risk source''s assessment per as_of_date on the common 5x5 scale (config/risk_matrix.yaml), officers'' overrides applied; replaced whole when the date is re-run.';
COMMENT ON COLUMN marts.risk_snapshot.risk_source_id IS 'Risk source: pipe segment_id, building_id, facility_id, or LL:<asset_id or sensor_id> for a monitored lifeline asset.';
COMMENT ON COLUMN marts.risk_snapshot.as_of_date IS 'Local date the assessment covers (the interval''s local start date).';
COMMENT ON COLUMN marts.risk_snapshot.domain IS 'gas, water, drainage, heating, building or hazardous_facility.';
COMMENT ON COLUMN marts.risk_snapshot.source_type IS 'pipe_segment, building, monitored_asset or hazardous_facility (config key of the banding rules).';
COMMENT ON COLUMN marts.risk_snapshot.source_name IS 'Readable name (building or facility name, network and material of a pipe, sensor measure).';
COMMENT ON COLUMN marts.risk_snapshot.likelihood IS 'Likelihood 1-5 on the common scale (domain measure banded in config).';
COMMENT ON COLUMN marts.risk_snapshot.consequence IS 'Consequence 1-5 on the common scale.';
COMMENT ON COLUMN marts.risk_snapshot.score IS 'likelihood x consequence (matrix, 1-25) or D = L x E x C (lec).';
COMMENT ON COLUMN marts.risk_snapshot.computed_level IS 'Level from the method (and the domain model''s own level where config keeps it as a floor), before officers'' overrides.';
COMMENT ON COLUMN marts.risk_snapshot.risk_level IS 'red, orange, yellow or blue after officers'' overrides (= override_level when one applies).';
COMMENT ON COLUMN marts.risk_snapshot.override_level IS 'Level set by the latest officer level_override decided on or before the as_of_date end; NULL when none.';
COMMENT ON COLUMN marts.risk_snapshot.override_by IS 'Officer who made the override.';
COMMENT ON COLUMN marts.risk_snapshot.override_at IS 'When the override was decided.';
COMMENT ON COLUMN marts.risk_snapshot.override_reason IS 'Why the officer overrode the level.';
COMMENT ON COLUMN marts.risk_snapshot.override_decision_id IS 'staging.officer_decisions.decision_id of the override.';
COMMENT ON COLUMN marts.risk_snapshot.method IS 'matrix or lec (config/risk_matrix.yaml method).';
COMMENT ON COLUMN marts.risk_snapshot.drivers IS 'Why, in words: the domain measures, their bands and reasons, and the domain model''s own drivers.';
COMMENT ON COLUMN marts.risk_snapshot.recommended_action IS 'Control measure for the level (Chinese / English, config actions).';
COMMENT ON COLUMN marts.risk_snapshot.responsible_unit IS 'Responsible unit id (owner, operator, property manager).';
COMMENT ON COLUMN marts.risk_snapshot.responsible_unit_name IS 'Responsible unit name from staging.responsible_units (NULL when unknown).';
COMMENT ON COLUMN marts.risk_snapshot.district_id IS 'District code.';
COMMENT ON COLUMN marts.risk_snapshot.district_name IS 'District name (Chinese) from staging.districts, else the code.';
COMMENT ON COLUMN marts.risk_snapshot.lon IS 'WGS84 longitude (a pipe''s centre-line midpoint).';
COMMENT ON COLUMN marts.risk_snapshot.lat IS 'WGS84 latitude.';
COMMENT ON COLUMN marts.risk_snapshot.in_register IS 'True when the source enters the register under the config include rule (or an officer overrode its level).';
COMMENT ON COLUMN marts.risk_snapshot.include_reason IS 'Which include rule let it in (level, grade, top_n, override); NULL when left out.';
COMMENT ON COLUMN marts.risk_snapshot.officer_notes IS 'Alarm acknowledgements and false-alarm dispositions applied to the source (who, when, why).';
COMMENT ON COLUMN marts.risk_snapshot.assessment_hash IS 'Hash of likelihood, consequence, score, levels, method and in_register: equal hashes on consecutive dates merge into one history version.';
COMMENT ON COLUMN marts.risk_snapshot.run_id IS 'Run that wrote the row.';

CREATE TABLE IF NOT EXISTS audit.register_runs (
    as_of_date DATE NOT NULL,
    run_id VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    sources BIGINT NOT NULL,
    in_register BIGINT NOT NULL,
    missing_inputs VARCHAR,
    computed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE audit.register_runs IS 'Dates the register stage has assessed (one row per as_of_date, replaced on re-run): consecutive dates here define history versions and change classification.';
COMMENT ON COLUMN audit.register_runs.as_of_date IS 'Assessed local date.';
COMMENT ON COLUMN audit.register_runs.run_id IS 'Run that last assessed it.';
COMMENT ON COLUMN audit.register_runs.method IS 'matrix or lec.';
COMMENT ON COLUMN audit.register_runs.sources IS 'Risk sources assessed (rows in marts.risk_snapshot).';
COMMENT ON COLUMN audit.register_runs.in_register IS 'Of which in the register.';
COMMENT ON COLUMN audit.register_runs.missing_inputs IS 'Input tables that did not exist (their domain counted as having no rows); NULL when all were there.';
COMMENT ON COLUMN audit.register_runs.computed_at IS 'Wall-clock time of the run.';

CREATE TABLE IF NOT EXISTS audit.decision_log (
    as_of_date DATE NOT NULL,
    decision_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    target_id VARCHAR NOT NULL,
    officer VARCHAR,
    decided_at TIMESTAMPTZ,
    reason VARCHAR,
    new_level VARCHAR,
    matched_risk_source_id VARCHAR,
    matched_episode_id VARCHAR,
    computed_level VARCHAR,
    effect VARCHAR NOT NULL,
    run_id VARCHAR
);
COMMENT ON TABLE audit.decision_log IS '人工研判记录 How each officer decision (staging.officer_decisions) decided on or before the as_of_date end was applied that date: audit trail beside the computed values.';
COMMENT ON COLUMN audit.decision_log.as_of_date IS 'Register date the decision was applied to.';
COMMENT ON COLUMN audit.decision_log.decision_id IS 'Decision code.';
COMMENT ON COLUMN audit.decision_log.kind IS 'level_override, alarm_ack or false_alarm.';
COMMENT ON COLUMN audit.decision_log.target_id IS 'Risk source id or alarm reference as the officer wrote it.';
COMMENT ON COLUMN audit.decision_log.officer IS 'Who decided.';
COMMENT ON COLUMN audit.decision_log.decided_at IS 'When decided.';
COMMENT ON COLUMN audit.decision_log.reason IS 'Why.';
COMMENT ON COLUMN audit.decision_log.new_level IS 'Overridden level (level_override only).';
COMMENT ON COLUMN audit.decision_log.matched_risk_source_id IS 'Risk source the decision resolved to (NULL when not found).';
COMMENT ON COLUMN audit.decision_log.matched_episode_id IS 'Alarm episode (marts.lifeline_alarms) an ack or false alarm resolved to.';
COMMENT ON COLUMN audit.decision_log.computed_level IS 'Computed level of the source that date (what the override replaced).';
COMMENT ON COLUMN audit.decision_log.effect IS 'applied, superseded (a later override of the same source wins), expired, or target_not_found.';
COMMENT ON COLUMN audit.decision_log.run_id IS 'Run that wrote the row.';

-- History: one version per run of consecutive assessed dates with equal assessment_hash.
CREATE OR REPLACE VIEW marts.risk_register_history AS
WITH runs AS (
    SELECT as_of_date,
           row_number() OVER (ORDER BY as_of_date) AS run_no,
           lead(as_of_date) OVER (ORDER BY as_of_date) AS next_run
    FROM audit.register_runs
),
s AS (
    SELECT s.*, r.run_no, r.next_run
    FROM marts.risk_snapshot AS s
    JOIN runs AS r USING (as_of_date)
),
marked AS (
    SELECT *,
           CASE WHEN lag(run_no) OVER w = run_no - 1 AND lag(assessment_hash) OVER w = assessment_hash
                THEN 0 ELSE 1 END AS starts_version
    FROM s
    WINDOW w AS (PARTITION BY risk_source_id ORDER BY run_no)
),
numbered AS (
    SELECT *, sum(starts_version) OVER (PARTITION BY risk_source_id ORDER BY run_no) AS version
    FROM marked
)
SELECT risk_source_id,
       CAST(version AS INTEGER) AS version,
       arg_max(domain, run_no) AS domain,
       arg_max(source_type, run_no) AS source_type,
       arg_max(likelihood, run_no) AS likelihood,
       arg_max(consequence, run_no) AS consequence,
       arg_max(score, run_no) AS score,
       arg_max(computed_level, run_no) AS computed_level,
       arg_max(risk_level, run_no) AS risk_level,
       arg_max(override_level, run_no) AS override_level,
       arg_max(method, run_no) AS method,
       arg_max(in_register, run_no) AS in_register,
       arg_max(drivers, run_no) AS drivers,
       min(as_of_date) AS valid_from,
       CASE WHEN bool_or(next_run IS NULL) THEN NULL ELSE max(next_run) END AS valid_to,
       CAST(count(*) AS INTEGER) AS snapshots,
       bool_or(next_run IS NULL) AS is_current
FROM numbered
GROUP BY risk_source_id, version;
COMMENT ON VIEW marts.risk_register_history IS '风险清单历史 Versions of each risk source''s assessment derived from marts.risk_snapshot: consecutive assessed dates with the same assessment merge; a gap or a change starts a new version.';
COMMENT ON COLUMN marts.risk_register_history.risk_source_id IS 'Risk source.';
COMMENT ON COLUMN marts.risk_register_history.version IS 'Version number of the source, 1 = first.';
COMMENT ON COLUMN marts.risk_register_history.domain IS 'Domain.';
COMMENT ON COLUMN marts.risk_register_history.source_type IS 'Source type.';
COMMENT ON COLUMN marts.risk_register_history.likelihood IS 'Likelihood 1-5 in this version.';
COMMENT ON COLUMN marts.risk_register_history.consequence IS 'Consequence 1-5 in this version.';
COMMENT ON COLUMN marts.risk_register_history.score IS 'Score in this version.';
COMMENT ON COLUMN marts.risk_register_history.computed_level IS 'Computed level before overrides.';
COMMENT ON COLUMN marts.risk_register_history.risk_level IS 'Level after overrides.';
COMMENT ON COLUMN marts.risk_register_history.override_level IS 'Officer override in force, if any.';
COMMENT ON COLUMN marts.risk_register_history.method IS 'matrix or lec.';
COMMENT ON COLUMN marts.risk_register_history.in_register IS 'Whether the source was in the register in this version.';
COMMENT ON COLUMN marts.risk_register_history.drivers IS 'Drivers on the last date of the version.';
COMMENT ON COLUMN marts.risk_register_history.valid_from IS 'First assessed date of the version (inclusive).';
COMMENT ON COLUMN marts.risk_register_history.valid_to IS 'First assessed date after the version (exclusive): the source changed or was absent then; NULL while current.';
COMMENT ON COLUMN marts.risk_register_history.snapshots IS 'Assessed dates the version spans.';
COMMENT ON COLUMN marts.risk_register_history.is_current IS 'True when the version holds on the latest assessed date.';

-- The register per assessed date, with the change against the previous assessed date; a source
-- that left the register shows once, on the date it left, as resolved with its last assessment.
CREATE OR REPLACE VIEW marts.risk_register_daily AS
WITH runs AS (
    SELECT as_of_date, lag(as_of_date) OVER (ORDER BY as_of_date) AS prev_date,
           lead(as_of_date) OVER (ORDER BY as_of_date) AS next_date
    FROM audit.register_runs
),
reg AS (
    SELECT s.*, r.prev_date, r.next_date,
           min(s.as_of_date) OVER (PARTITION BY s.risk_source_id ORDER BY s.as_of_date) AS first_seen
    FROM marts.risk_snapshot AS s
    JOIN runs AS r USING (as_of_date)
    WHERE s.in_register
),
lvl AS (
    SELECT * FROM (VALUES ('red', 4), ('orange', 3), ('yellow', 2), ('blue', 1)) AS t(level, rnk)
),
cur AS (
    SELECT c.*, p.risk_level AS previous_level,
           CASE WHEN p.risk_source_id IS NULL THEN 'new'
                WHEN lc.rnk > lp.rnk THEN 'escalated'
                WHEN lc.rnk < lp.rnk THEN 'de-escalated'
                ELSE 'unchanged' END AS change
    FROM reg AS c
    LEFT JOIN reg AS p ON p.risk_source_id = c.risk_source_id AND p.as_of_date = c.prev_date
    LEFT JOIN lvl AS lc ON lc.level = c.risk_level
    LEFT JOIN lvl AS lp ON lp.level = p.risk_level
),
resolved AS (
    SELECT p.* REPLACE (p.next_date AS as_of_date), p.risk_level AS previous_level,
           'resolved' AS change
    FROM reg AS p
    LEFT JOIN reg AS c ON c.risk_source_id = p.risk_source_id AND c.as_of_date = p.next_date
    WHERE p.next_date IS NOT NULL AND c.risk_source_id IS NULL
),
both_ AS (
    SELECT * FROM cur
    UNION ALL BY NAME
    SELECT * FROM resolved
)
SELECT b.as_of_date, b.risk_source_id, b.domain, b.source_type, b.source_name, b.likelihood,
       b.consequence, b.score, b.risk_level, b.computed_level, b.override_level, b.override_by,
       b.override_reason, b.method, b.drivers, b.recommended_action, b.responsible_unit,
       b.responsible_unit_name, b.district_id, b.district_name AS district, b.lon, b.lat,
       b.officer_notes, b.first_seen,
       (SELECT max(h.valid_from) FROM marts.risk_register_history AS h
        WHERE h.risk_source_id = b.risk_source_id AND h.valid_from <= b.as_of_date) AS last_changed,
       b.previous_level, b.change
FROM both_ AS b;
COMMENT ON VIEW marts.risk_register_daily IS '风险清单（逐日） The register of every assessed date with the change against the previous assessed date; a source that left shows once as resolved.';
COMMENT ON COLUMN marts.risk_register_daily.as_of_date IS 'Assessed date (for resolved rows: the date the source left the register).';
COMMENT ON COLUMN marts.risk_register_daily.risk_source_id IS 'Risk source.';
COMMENT ON COLUMN marts.risk_register_daily.domain IS 'gas, water, drainage, heating, building or hazardous_facility.';
COMMENT ON COLUMN marts.risk_register_daily.source_type IS 'pipe_segment, building, monitored_asset or hazardous_facility.';
COMMENT ON COLUMN marts.risk_register_daily.source_name IS 'Readable name.';
COMMENT ON COLUMN marts.risk_register_daily.likelihood IS 'Likelihood 1-5.';
COMMENT ON COLUMN marts.risk_register_daily.consequence IS 'Consequence 1-5.';
COMMENT ON COLUMN marts.risk_register_daily.score IS 'Score (L x C, or D of LEC).';
COMMENT ON COLUMN marts.risk_register_daily.risk_level IS 'red, orange, yellow or blue after overrides (resolved rows keep their last level).';
COMMENT ON COLUMN marts.risk_register_daily.computed_level IS 'Level before overrides.';
COMMENT ON COLUMN marts.risk_register_daily.override_level IS 'Officer override in force, if any.';
COMMENT ON COLUMN marts.risk_register_daily.override_by IS 'Officer who overrode.';
COMMENT ON COLUMN marts.risk_register_daily.override_reason IS 'Why.';
COMMENT ON COLUMN marts.risk_register_daily.method IS 'matrix or lec.';
COMMENT ON COLUMN marts.risk_register_daily.drivers IS 'Why, in words.';
COMMENT ON COLUMN marts.risk_register_daily.recommended_action IS 'Control measure for the level.';
COMMENT ON COLUMN marts.risk_register_daily.responsible_unit IS 'Responsible unit id.';
COMMENT ON COLUMN marts.risk_register_daily.responsible_unit_name IS 'Responsible unit name.';
COMMENT ON COLUMN marts.risk_register_daily.district_id IS 'District code.';
COMMENT ON COLUMN marts.risk_register_daily.district IS 'District name (Chinese), else the code.';
COMMENT ON COLUMN marts.risk_register_daily.lon IS 'WGS84 longitude.';
COMMENT ON COLUMN marts.risk_register_daily.lat IS 'WGS84 latitude.';
COMMENT ON COLUMN marts.risk_register_daily.officer_notes IS 'Alarm acknowledgements and false-alarm dispositions applied.';
COMMENT ON COLUMN marts.risk_register_daily.first_seen IS 'First assessed date the source was in the register.';
COMMENT ON COLUMN marts.risk_register_daily.last_changed IS 'Start of the history version in force (date the assessment last changed).';
COMMENT ON COLUMN marts.risk_register_daily.previous_level IS 'Level on the previous assessed date (NULL when new).';
COMMENT ON COLUMN marts.risk_register_daily.change IS 'new, escalated, de-escalated, unchanged or resolved (vs the previous assessed date).';

CREATE OR REPLACE VIEW marts.risk_register AS
SELECT *
FROM marts.risk_register_daily
WHERE as_of_date = (SELECT max(as_of_date) FROM audit.register_runs);
COMMENT ON VIEW marts.risk_register IS '风险分级管控清单 The current register: one row per risk source on the latest assessed date (red/orange/yellow/blue), with the change since the previous date; resolved sources show on the date they resolved, then leave.';
COMMENT ON COLUMN marts.risk_register.as_of_date IS 'Latest assessed date.';
COMMENT ON COLUMN marts.risk_register.risk_source_id IS 'Risk source.';
COMMENT ON COLUMN marts.risk_register.domain IS 'gas, water, drainage, heating, building or hazardous_facility.';
COMMENT ON COLUMN marts.risk_register.source_type IS 'pipe_segment, building, monitored_asset or hazardous_facility.';
COMMENT ON COLUMN marts.risk_register.source_name IS 'Readable name.';
COMMENT ON COLUMN marts.risk_register.likelihood IS 'Likelihood 1-5.';
COMMENT ON COLUMN marts.risk_register.consequence IS 'Consequence 1-5.';
COMMENT ON COLUMN marts.risk_register.score IS 'Score (L x C, or D of LEC).';
COMMENT ON COLUMN marts.risk_register.risk_level IS 'red, orange, yellow or blue after overrides.';
COMMENT ON COLUMN marts.risk_register.computed_level IS 'Level before overrides.';
COMMENT ON COLUMN marts.risk_register.override_level IS 'Officer override in force, if any.';
COMMENT ON COLUMN marts.risk_register.override_by IS 'Officer who overrode.';
COMMENT ON COLUMN marts.risk_register.override_reason IS 'Why.';
COMMENT ON COLUMN marts.risk_register.method IS 'matrix or lec.';
COMMENT ON COLUMN marts.risk_register.drivers IS 'Why, in words.';
COMMENT ON COLUMN marts.risk_register.recommended_action IS 'Control measure for the level.';
COMMENT ON COLUMN marts.risk_register.responsible_unit IS 'Responsible unit id.';
COMMENT ON COLUMN marts.risk_register.responsible_unit_name IS 'Responsible unit name.';
COMMENT ON COLUMN marts.risk_register.district_id IS 'District code.';
COMMENT ON COLUMN marts.risk_register.district IS 'District name (Chinese), else the code.';
COMMENT ON COLUMN marts.risk_register.lon IS 'WGS84 longitude.';
COMMENT ON COLUMN marts.risk_register.lat IS 'WGS84 latitude.';
COMMENT ON COLUMN marts.risk_register.officer_notes IS 'Alarm acknowledgements and false-alarm dispositions applied.';
COMMENT ON COLUMN marts.risk_register.first_seen IS 'First assessed date the source was in the register.';
COMMENT ON COLUMN marts.risk_register.last_changed IS 'Date the assessment last changed.';
COMMENT ON COLUMN marts.risk_register.previous_level IS 'Level on the previous assessed date (NULL when new).';
COMMENT ON COLUMN marts.risk_register.change IS 'new, escalated, de-escalated, unchanged or resolved.';

-- 风险谱系: every assessed source (in the register or not) counted by district, domain and level.
CREATE OR REPLACE VIEW marts.district_risk_spectrum AS
WITH runs AS (
    SELECT as_of_date, lag(as_of_date) OVER (ORDER BY as_of_date) AS prev_date
    FROM audit.register_runs
),
counts AS (
    SELECT as_of_date, coalesce(district_id, '(unknown)') AS district_id,
           any_value(coalesce(district_name, district_id, '(unknown)')) AS district_name,
           domain, risk_level, count(*) AS sources, count(*) FILTER (WHERE in_register) AS in_register
    FROM marts.risk_snapshot
    GROUP BY ALL
),
cur AS (
    SELECT r.as_of_date, r.prev_date, c.district_id, c.district_name, c.domain, c.risk_level,
           c.sources, c.in_register
    FROM runs AS r
    JOIN counts AS c USING (as_of_date)
),
gone AS (
    SELECT r.as_of_date, r.prev_date, p.district_id, p.district_name, p.domain, p.risk_level,
           0 AS sources, 0 AS in_register
    FROM runs AS r
    JOIN counts AS p ON p.as_of_date = r.prev_date
    WHERE NOT EXISTS (
        SELECT 1 FROM counts AS c
        WHERE c.as_of_date = r.as_of_date AND c.district_id = p.district_id
          AND c.domain = p.domain AND c.risk_level = p.risk_level
    )
)
SELECT x.as_of_date, x.district_id, x.district_name, x.domain, x.risk_level,
       CAST(x.sources AS BIGINT) AS sources, CAST(x.in_register AS BIGINT) AS in_register,
       CASE WHEN x.prev_date IS NULL THEN NULL ELSE coalesce(p.sources, 0) END AS previous_sources,
       CASE WHEN x.prev_date IS NULL THEN NULL ELSE x.sources - coalesce(p.sources, 0) END AS delta,
       CASE WHEN x.prev_date IS NULL THEN 'first'
            WHEN x.sources > coalesce(p.sources, 0) THEN 'up'
            WHEN x.sources < coalesce(p.sources, 0) THEN 'down'
            ELSE 'flat' END AS trend
FROM (SELECT * FROM cur UNION ALL SELECT * FROM gone) AS x
LEFT JOIN counts AS p
  ON p.as_of_date = x.prev_date AND p.district_id = x.district_id AND p.domain = x.domain
 AND p.risk_level = x.risk_level;
COMMENT ON VIEW marts.district_risk_spectrum IS '风险谱系 District x domain x level counts of assessed risk sources per assessed date, with the change against the previous assessed date.';
COMMENT ON COLUMN marts.district_risk_spectrum.as_of_date IS 'Assessed date.';
COMMENT ON COLUMN marts.district_risk_spectrum.district_id IS 'District code ((unknown) when the source has none).';
COMMENT ON COLUMN marts.district_risk_spectrum.district_name IS 'District name (Chinese), else the code.';
COMMENT ON COLUMN marts.district_risk_spectrum.domain IS 'gas, water, drainage, heating, building or hazardous_facility.';
COMMENT ON COLUMN marts.district_risk_spectrum.risk_level IS 'red, orange, yellow or blue (after overrides).';
COMMENT ON COLUMN marts.district_risk_spectrum.sources IS 'Risk sources assessed at this level (0 when the level emptied since the previous date).';
COMMENT ON COLUMN marts.district_risk_spectrum.in_register IS 'Of which in the register.';
COMMENT ON COLUMN marts.district_risk_spectrum.previous_sources IS 'Count on the previous assessed date (NULL on the first date).';
COMMENT ON COLUMN marts.district_risk_spectrum.delta IS 'sources - previous_sources.';
COMMENT ON COLUMN marts.district_risk_spectrum.trend IS 'up, down, flat, or first (no previous date).';
