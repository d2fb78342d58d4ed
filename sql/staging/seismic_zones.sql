-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.seismic_zones: full refresh from raw.seismic_zones (registry); first loaded row per key wins.
DELETE FROM staging.seismic_zones;
INSERT INTO staging.seismic_zones (zone_id, district_id, site_intensity, pga_g, liquefaction_susceptibility, geometry, geom_m)
SELECT zone_id,
       district_id,
       site_intensity,
       pga_g,
       liquefaction_susceptibility,
       geometry,
       ST_Transform(geometry, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.seismic_zones
QUALIFY row_number() OVER (PARTITION BY zone_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
