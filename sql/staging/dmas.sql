-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.dmas: full refresh from raw.dmas (registry); first loaded row per key wins.
DELETE FROM staging.dmas;
INSERT INTO staging.dmas (dma_id, district_id, name, mains_length_km, service_connections, private_pipe_km, avg_pressure_m, geometry, geom_m)
SELECT dma_id,
       district_id,
       name,
       mains_length_km,
       service_connections,
       private_pipe_km,
       avg_pressure_m,
       geometry,
       ST_Transform(geometry, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.dmas
QUALIFY row_number() OVER (PARTITION BY dma_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
