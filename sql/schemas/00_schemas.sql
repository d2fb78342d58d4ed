-- Layers of the warehouse, created idempotently on every writer open.
-- raw:     landing files as typed rows with load metadata; contract breakers go to audit.quarantine
-- staging: cleaned, deduplicated, enriched tables validated by the quality gate
-- marts:   risk registers, alarms, plans and ledgers that officers and analysts read
-- audit:   load manifest, quarantine, quality results, interval status, hazard event log
-- (DuckDB cannot COMMENT ON SCHEMA; the layers are described here and in docs/schema.md.)
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS audit;
