-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.building_retrofits: full refresh from raw.building_retrofits (events); first loaded row per key wins.
DELETE FROM staging.building_retrofits;
INSERT INTO staging.building_retrofits (retrofit_id, building_id, completed_at, kind, new_fortification_intensity)
SELECT retrofit_id,
       building_id,
       completed_at,
       kind,
       new_fortification_intensity
FROM raw.building_retrofits
QUALIFY row_number() OVER (PARTITION BY retrofit_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
