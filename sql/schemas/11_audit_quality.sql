-- Quality gate results: one row per expectation per validated table per run interval.
-- Written by pipelines.quality.validate_tables (delete-then-insert by table and interval).
CREATE TABLE IF NOT EXISTS audit.quality_results (
    run_id VARCHAR NOT NULL,
    interval_start TIMESTAMPTZ NOT NULL,
    interval_end TIMESTAMPTZ NOT NULL,
    as_of_date DATE NOT NULL,
    table_name VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    expectation_index INTEGER NOT NULL,
    expectation_type VARCHAR NOT NULL,
    column_name VARCHAR,
    kwargs VARCHAR,
    severity VARCHAR NOT NULL CHECK (severity IN ('critical', 'warning')),
    covers VARCHAR,
    mode VARCHAR NOT NULL,
    success BOOLEAN NOT NULL,
    element_count BIGINT,
    unexpected_count BIGINT,
    unexpected_percent DOUBLE,
    observed_value VARCHAR,
    exception_message VARCHAR,
    validated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE audit.quality_results IS 'Great Expectations quality gate: one row per expectation of a table''s suite (expectations/<table>.json) per run interval; a failed critical row stopped the run''s downstream tasks.';
COMMENT ON COLUMN audit.quality_results.run_id IS 'Run that validated the table (Airflow run id or manual__<date>).';
COMMENT ON COLUMN audit.quality_results.interval_start IS 'Start of the run''s data interval (inclusive); event tables were validated over [interval_start, interval_end).';
COMMENT ON COLUMN audit.quality_results.interval_end IS 'End of the run''s data interval (exclusive).';
COMMENT ON COLUMN audit.quality_results.as_of_date IS 'Local (Asia/Shanghai) start date of the interval.';
COMMENT ON COLUMN audit.quality_results.table_name IS 'Validated table, e.g. staging.readings.';
COMMENT ON COLUMN audit.quality_results.suite IS 'Expectation suite name (file expectations/<suite>.json).';
COMMENT ON COLUMN audit.quality_results.expectation_index IS 'Position of the expectation in its suite (0-based), stable while the suite file is unchanged.';
COMMENT ON COLUMN audit.quality_results.expectation_type IS 'Great Expectations expectation type, e.g. expect_column_values_to_not_be_null.';
COMMENT ON COLUMN audit.quality_results.column_name IS 'Column checked (comma-separated for compound keys and column pairs; empty for table-level expectations).';
COMMENT ON COLUMN audit.quality_results.kwargs IS 'Expectation arguments as JSON, with suite parameters (e.g. current_year) resolved.';
COMMENT ON COLUMN audit.quality_results.severity IS 'critical (a failure stops the run) or warning (recorded only), from the expectation''s meta.severity.';
COMMENT ON COLUMN audit.quality_results.covers IS 'Which rows the expectation was evaluated over (meta.covers of the suite).';
COMMENT ON COLUMN audit.quality_results.mode IS 'How it ran: batch (GX on pandas batches of rows), metrics (GX on DuckDB per-hour metrics covering every row), sql_groups (GX on a DuckDB GROUP BY result: keys, row counts) or derived (GX on a derived query result).';
COMMENT ON COLUMN audit.quality_results.success IS 'True when the expectation held over everything it covers.';
COMMENT ON COLUMN audit.quality_results.element_count IS 'Rows (or groups, for derived and key checks) evaluated.';
COMMENT ON COLUMN audit.quality_results.unexpected_count IS 'Rows (or groups) breaking the expectation; for key uniqueness, rows that share their key with another row.';
COMMENT ON COLUMN audit.quality_results.unexpected_percent IS 'unexpected_count as a percentage of the non-null values evaluated (of all rows for not-null checks).';
COMMENT ON COLUMN audit.quality_results.observed_value IS 'Observed metric as JSON (e.g. row count, min/max, duplicate keys, a sample of unexpected values).';
COMMENT ON COLUMN audit.quality_results.exception_message IS 'Error raised while evaluating (e.g. a missing column); such an expectation counts as failed.';
COMMENT ON COLUMN audit.quality_results.validated_at IS 'When the gate wrote this row.';
