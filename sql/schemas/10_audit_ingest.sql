-- Ingestion audit: one manifest row per file load, the quarantine of rejected rows and files,
-- the interval status that tells downstream which earlier intervals must be re-processed, and a
-- probe cache so that files for future intervals are not re-read on every run.
CREATE TABLE IF NOT EXISTS audit.load_manifest (
    file VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    checksum VARCHAR NOT NULL,
    format VARCHAR,
    encoding VARCHAR,
    delimiter VARCHAR,
    header VARCHAR,
    mapping VARCHAR,
    size_bytes BIGINT,
    rows_in BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    ts_min TIMESTAMPTZ,
    ts_max TIMESTAMPTZ,
    key_min VARCHAR,
    key_max VARCHAR,
    note VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    CHECK (rows_in = rows_loaded + rows_quarantined)
);
COMMENT ON TABLE audit.load_manifest IS 'One row per load of one landing file version; rows_in = rows_loaded + rows_quarantined always.';
COMMENT ON COLUMN audit.load_manifest.file IS 'File path relative to landing/ (absolute for a mapped export outside landing/).';
COMMENT ON COLUMN audit.load_manifest.source IS 'Contract source the file was loaded into (raw.<source>).';
COMMENT ON COLUMN audit.load_manifest.checksum IS 'SHA-256 of the file bytes; an unchanged checksum is never loaded twice.';
COMMENT ON COLUMN audit.load_manifest.format IS 'Reader used: csv, parquet, jsonl or geojson.';
COMMENT ON COLUMN audit.load_manifest.encoding IS 'Text encoding detected or declared (utf-8, utf-8-sig, gbk); NULL for binary formats.';
COMMENT ON COLUMN audit.load_manifest.delimiter IS 'CSV field delimiter (kept so quarantined lines can be replayed).';
COMMENT ON COLUMN audit.load_manifest.header IS 'CSV header line as read (kept so quarantined lines can be replayed).';
COMMENT ON COLUMN audit.load_manifest.mapping IS 'config/mappings/<name>.yaml applied to the file, NULL for contract-shaped landing files.';
COMMENT ON COLUMN audit.load_manifest.size_bytes IS 'File size in bytes.';
COMMENT ON COLUMN audit.load_manifest.rows_in IS 'Records read from the file (1 for a file rejected as a whole).';
COMMENT ON COLUMN audit.load_manifest.rows_loaded IS 'Records inserted into raw.<source> (grows when quarantined rows are replayed).';
COMMENT ON COLUMN audit.load_manifest.rows_quarantined IS 'Records (or the whole file, counted 1) in audit.quarantine.';
COMMENT ON COLUMN audit.load_manifest.ts_min IS 'Earliest time_column value of the loaded rows (events only).';
COMMENT ON COLUMN audit.load_manifest.ts_max IS 'Latest time_column value of the loaded rows (events only).';
COMMENT ON COLUMN audit.load_manifest.key_min IS 'Smallest first key column value loaded (prunes cross-file duplicate checks).';
COMMENT ON COLUMN audit.load_manifest.key_max IS 'Largest first key column value loaded (prunes cross-file duplicate checks).';
COMMENT ON COLUMN audit.load_manifest.note IS 'Warnings such as ignored extra columns or the slow-path cause.';
COMMENT ON COLUMN audit.load_manifest.loaded_at IS 'When the load committed.';
COMMENT ON COLUMN audit.load_manifest.run_id IS 'Run that loaded the file.';
COMMENT ON COLUMN audit.load_manifest.status IS 'loaded (current version), rejected (whole file quarantined) or replaced (an older version superseded by a changed file).';

CREATE TABLE IF NOT EXISTS audit.quarantine (
    source VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line BIGINT,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    checksum VARCHAR,
    run_id VARCHAR NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE audit.quarantine IS 'Rows and files that broke their contract: nothing is dropped silently; replay with `resilience quarantine replay`.';
COMMENT ON COLUMN audit.quarantine.source IS 'Contract source the row was meant for.';
COMMENT ON COLUMN audit.quarantine.file IS 'File the row came from (same form as audit.load_manifest.file).';
COMMENT ON COLUMN audit.quarantine.line IS '1-based physical line (header = 1; row number for Parquet, feature number for GeoJSON); NULL when the whole file is rejected.';
COMMENT ON COLUMN audit.quarantine.reason IS 'Why: every failed check, separated by "; " (e.g. wrong type, unknown id, timestamp after interval end, duplicate key).';
COMMENT ON COLUMN audit.quarantine.raw IS 'Original line text (CSV) or the record as JSON (Parquet, JSON lines, GeoJSON); header or error for a rejected file.';
COMMENT ON COLUMN audit.quarantine.checksum IS 'Checksum of the file version the row came from.';
COMMENT ON COLUMN audit.quarantine.run_id IS 'Run that quarantined the row.';
COMMENT ON COLUMN audit.quarantine.quarantined_at IS 'When the row was quarantined.';

CREATE TABLE IF NOT EXISTS audit.interval_status (
    source VARCHAR NOT NULL,
    interval_start TIMESTAMPTZ NOT NULL,
    interval_end TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL,
    rows_late BIGINT,
    run_id VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    note VARCHAR
);
COMMENT ON TABLE audit.interval_status IS 'Per event source and ingested interval: loaded, or dirty when a later file added or replaced rows of it (downstream must re-process).';
COMMENT ON COLUMN audit.interval_status.source IS 'Event source (contract kind events).';
COMMENT ON COLUMN audit.interval_status.interval_start IS 'Start of the data interval (inclusive).';
COMMENT ON COLUMN audit.interval_status.interval_end IS 'End of the data interval (exclusive).';
COMMENT ON COLUMN audit.interval_status.status IS 'loaded (ingested by its own run), dirty (late rows arrived, re-process) or reprocessed (downstream re-ran it).';
COMMENT ON COLUMN audit.interval_status.rows_late IS 'Rows added to or removed from the interval by later loads since it was last clean.';
COMMENT ON COLUMN audit.interval_status.run_id IS 'Run that last changed the status.';
COMMENT ON COLUMN audit.interval_status.updated_at IS 'When the status last changed.';
COMMENT ON COLUMN audit.interval_status.note IS 'Which file made the interval dirty.';

CREATE TABLE IF NOT EXISTS audit.landing_probe (
    file VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    ts_min TIMESTAMPTZ,
    probed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE audit.landing_probe IS 'Earliest timestamp of event files left for a later run, cached by size and mtime so they are not re-parsed every run.';
COMMENT ON COLUMN audit.landing_probe.file IS 'File path relative to landing/.';
COMMENT ON COLUMN audit.landing_probe.size_bytes IS 'File size when probed.';
COMMENT ON COLUMN audit.landing_probe.mtime_ns IS 'File modification time (ns) when probed.';
COMMENT ON COLUMN audit.landing_probe.ts_min IS 'Earliest parseable time_column value in the file.';
COMMENT ON COLUMN audit.landing_probe.probed_at IS 'When the file was probed.';
