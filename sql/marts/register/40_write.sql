-- Replace the as_of_date's snapshot, decision log and run record (delete-then-insert).
DELETE FROM marts.risk_snapshot WHERE as_of_date = $as_of_date;
INSERT INTO marts.risk_snapshot BY NAME
SELECT a.risk_source_id, CAST($as_of_date AS DATE) AS as_of_date, a.domain, a.source_type, a.source_name,
       a.likelihood, a.consequence, a.score, a.computed_level, a.risk_level, a.override_level,
       a.override_by, a.override_at, a.override_reason, a.override_decision_id,
       CAST($method AS VARCHAR) AS method,
       concat_ws('; ',
           format('{} L{} x C{} = {} -> {}', CASE WHEN $method = 'lec' THEN 'LEC' ELSE '风险矩阵 matrix' END,
                  a.likelihood, a.consequence, round(a.score, 1), a.method_level),
           CASE WHEN a.floored THEN format('领域模型等级 {} 作为下限 / domain model level kept as floor', a.source_level) END,
           CASE WHEN a.override_level IS NOT NULL THEN format('人工调整为 {}（{}，{}）/ officer override', a.override_level,
                a.override_by, a.override_reason) END,
           a.drivers) AS drivers,
       act.action AS recommended_action,
       a.responsible_unit,
       (SELECT min(u.name_zh) FROM reg_in_units AS u WHERE u.unit_id = a.responsible_unit) AS responsible_unit_name,
       a.district_id,
       coalesce((SELECT min(d.name_zh) FROM reg_in_districts AS d WHERE d.district_id = a.district_id), a.district_id) AS district_name,
       a.lon, a.lat,
       a.include_reason IS NOT NULL AS in_register,
       a.include_reason,
       a.officer_notes,
       md5(concat_ws('|', a.likelihood, a.consequence, round(a.score, 6), a.computed_level, a.risk_level,
                     coalesce(a.override_level, '-'), $method, a.include_reason IS NOT NULL)) AS assessment_hash,
       CAST($run_id AS VARCHAR) AS run_id
FROM reg_assessed AS a
LEFT JOIN reg_action AS act ON act.level = a.risk_level;

DELETE FROM audit.decision_log WHERE as_of_date = $as_of_date;
INSERT INTO audit.decision_log BY NAME
SELECT CAST($as_of_date AS DATE) AS as_of_date, d.decision_id, d.kind, d.target_id, d.officer, d.decided_at,
       d.reason, d.new_level,
       a.risk_source_id AS matched_risk_source_id, NULL AS matched_episode_id,
       a.computed_level,
       CASE WHEN a.risk_source_id IS NULL THEN 'target_not_found'
            WHEN a.override_decision_id = d.decision_id THEN 'applied'
            WHEN CAST($override_days AS INTEGER) >= 0
                 AND d.decided_at < $interval_end - to_days(CAST($override_days AS INTEGER)) THEN 'expired'
            ELSE 'superseded' END AS effect,
       CAST($run_id AS VARCHAR) AS run_id
FROM reg_in_decisions AS d
LEFT JOIN reg_assessed AS a ON a.risk_source_id = d.target_id
WHERE d.kind = 'level_override' AND d.decided_at < $interval_end
UNION ALL BY NAME
SELECT CAST($as_of_date AS DATE) AS as_of_date, d.decision_id, d.kind, d.target_id, d.officer, d.decided_at,
       d.reason, NULL AS new_level,
       CASE WHEN d.episode_id IS NOT NULL THEN 'LL:' || coalesce(e.asset_id, e.sensor_id) END AS matched_risk_source_id,
       d.episode_id AS matched_episode_id,
       a.computed_level,
       CASE WHEN d.episode_id IS NULL THEN 'target_not_found' ELSE 'applied' END AS effect,
       CAST($run_id AS VARCHAR) AS run_id
FROM reg_alarm_dec AS d
LEFT JOIN reg_in_alarms AS e ON e.episode_id = d.episode_id
LEFT JOIN reg_assessed AS a ON a.risk_source_id = 'LL:' || coalesce(e.asset_id, e.sensor_id);

DELETE FROM audit.register_runs WHERE as_of_date = $as_of_date;
INSERT INTO audit.register_runs BY NAME
SELECT CAST($as_of_date AS DATE) AS as_of_date, CAST($run_id AS VARCHAR) AS run_id,
       CAST($method AS VARCHAR) AS method,
       (SELECT count(*) FROM reg_assessed) AS sources,
       (SELECT count(*) FROM reg_assessed WHERE include_reason IS NOT NULL) AS in_register,
       nullif(CAST($missing_inputs AS VARCHAR), '') AS missing_inputs,
       current_timestamp AS computed_at;
