-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.sensors: full refresh from raw.sensors (registry); first loaded row per key wins.
DELETE FROM staging.sensors;
INSERT INTO staging.sensors (sensor_id, domain, measure, unit, location_type, asset_id, dma_id, district_id, lon, lat, depth_m, pressure_class, nominal_value, sampling_interval_s, installed_on, geometry, geom_m)
SELECT sensor_id,
       domain,
       measure,
       unit,
       location_type,
       asset_id,
       dma_id,
       district_id,
       lon,
       lat,
       depth_m,
       pressure_class,
       nominal_value,
       sampling_interval_s,
       installed_on,
       CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END,
       ST_Transform(CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.sensors
QUALIFY row_number() OVER (PARTITION BY sensor_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
