-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.districts: full refresh from raw.districts (registry); first loaded row per key wins.
DELETE FROM staging.districts;
INSERT INTO staging.districts (district_id, name_zh, name_en, population, area_km2, geometry, geom_m)
SELECT district_id,
       name_zh,
       name_en,
       population,
       area_km2,
       geometry,
       ST_Transform(geometry, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.districts
QUALIFY row_number() OVER (PARTITION BY district_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
