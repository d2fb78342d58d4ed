-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.hazard_updates: full refresh from raw.hazard_updates (events); first loaded row per key wins.
DELETE FROM staging.hazard_updates;
INSERT INTO staging.hazard_updates (update_id, hazard_id, updated_at, status, actor, responsible_unit_id, note)
SELECT update_id,
       hazard_id,
       updated_at,
       status,
       actor,
       responsible_unit_id,
       note
FROM raw.hazard_updates
QUALIFY row_number() OVER (PARTITION BY update_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
