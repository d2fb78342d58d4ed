-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.hazard_reports: full refresh from raw.hazard_reports (events); first loaded row per key wins.
DELETE FROM staging.hazard_reports;
INSERT INTO staging.hazard_reports (report_id, reported_at, domain, source_id, district_id, lon, lat, severity, description, reporter, geometry, geom_m)
SELECT report_id,
       reported_at,
       domain,
       source_id,
       district_id,
       lon,
       lat,
       severity,
       description,
       reporter,
       CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END,
       ST_Transform(CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END, 'EPSG:4326', 'EPSG:4551', always_xy := true)
FROM raw.hazard_reports
QUALIFY row_number() OVER (PARTITION BY report_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
