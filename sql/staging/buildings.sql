-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.buildings: full refresh from raw.buildings (registry); first loaded row per key wins.
DELETE FROM staging.buildings;
INSERT INTO staging.buildings (building_id, name, address, district_id, lon, lat, structure_type, year_built, floors, height_m, use, occupancy, fortification_intensity, max_span_m, glass_curtain_wall, responsible_unit_id, geometry, geom_m)
SELECT building_id,
       name,
       address,
       district_id,
       lon,
       lat,
       structure_type,
       year_built,
       floors,
       height_m,
       use,
       occupancy,
       fortification_intensity,
       max_span_m,
       glass_curtain_wall,
       responsible_unit_id,
       CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END,
       ST_Transform(CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.buildings
QUALIFY row_number() OVER (PARTITION BY building_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
