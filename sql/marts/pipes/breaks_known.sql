-- Break history known at the end of the assessed interval ($interval_end): the likelihood model
-- must never see later breaks. Read by pipelines/pipes/stage.py.
SELECT break_id, segment_id, occurred_at, failure_type
FROM staging.pipe_breaks
WHERE occurred_at < $interval_end
  AND segment_id IS NOT NULL;
