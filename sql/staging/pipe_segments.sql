-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.pipe_segments: full refresh from raw.pipe_segments (registry); first loaded row per key wins.
DELETE FROM staging.pipe_segments;
INSERT INTO staging.pipe_segments (segment_id, network, material, diameter_mm, install_year, length_m, pressure_class, customers_served, under_major_road, district_id, dma_id, responsible_unit_id, status, geometry, geom_m)
SELECT segment_id,
       network,
       material,
       diameter_mm,
       install_year,
       length_m,
       pressure_class,
       customers_served,
       under_major_road,
       district_id,
       dma_id,
       responsible_unit_id,
       status,
       geometry,
       ST_Transform(geometry, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.pipe_segments
QUALIFY row_number() OVER (PARTITION BY segment_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
