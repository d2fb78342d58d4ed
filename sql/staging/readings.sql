-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.readings is a view over raw.readings (see sql/schemas/30_staging.sql):
-- nothing to rebuild per run, so the cost of a run is independent of history.
SELECT count(*) AS rows_in_interval FROM staging.readings
WHERE measured_at >= $interval_start AND measured_at < $interval_end;
