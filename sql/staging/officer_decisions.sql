-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.officer_decisions: full refresh from raw.officer_decisions (events); first loaded row per key wins.
DELETE FROM staging.officer_decisions;
INSERT INTO staging.officer_decisions (decision_id, kind, target_id, decided_at, officer, reason, new_level)
SELECT decision_id,
       kind,
       target_id,
       decided_at,
       officer,
       reason,
       new_level
FROM raw.officer_decisions
QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
