-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.pipe_breaks: full refresh from raw.pipe_breaks (events); first loaded row per key wins.
DELETE FROM staging.pipe_breaks;
INSERT INTO staging.pipe_breaks (break_id, segment_id, occurred_at, failure_type, repaired_at)
SELECT break_id,
       segment_id,
       occurred_at,
       failure_type,
       repaired_at
FROM raw.pipe_breaks
QUALIFY row_number() OVER (PARTITION BY break_id ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m
                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;
