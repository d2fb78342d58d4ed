-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.building_inspections: full refresh from raw.building_inspections (events); first loaded row per key wins.
DELETE FROM staging.building_inspections;
INSERT INTO staging.building_inspections (inspection_id, building_id, inspected_at, grade, dangerous_members, total_members, inspector, valid)
SELECT inspection_id,
       building_id,
       inspected_at,
       grade,
       dangerous_members,
       total_members,
       inspector,
       valid
FROM raw.building_inspections
QUALIFY row_number() OVER (PARTITION BY inspection_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
