-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.responsible_units: full refresh from raw.responsible_units (registry); first loaded row per key wins.
DELETE FROM staging.responsible_units;
INSERT INTO staging.responsible_units (unit_id, name_zh, domain, district_id, contact)
SELECT unit_id,
       name_zh,
       domain,
       district_id,
       contact
FROM raw.responsible_units
QUALIFY row_number() OVER (PARTITION BY unit_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
