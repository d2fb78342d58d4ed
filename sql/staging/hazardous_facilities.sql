-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.hazardous_facilities: full refresh from raw.hazardous_facilities (registry); first loaded row per key wins.
DELETE FROM staging.hazardous_facilities;
INSERT INTO staging.hazardous_facilities (facility_id, name, kind, district_id, lon, lat, substance, stored_tonnes, threshold_tonnes, responsible_unit_id, geometry, geom_m)
SELECT facility_id,
       name,
       kind,
       district_id,
       lon,
       lat,
       substance,
       stored_tonnes,
       threshold_tonnes,
       responsible_unit_id,
       CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END,
       ST_Transform(CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.hazardous_facilities
QUALIFY row_number() OVER (PARTITION BY facility_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
