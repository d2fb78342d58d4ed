-- Derived frame for the readings suite: readings per sensor in the run interval against the
-- count its sampling interval predicts. One row per sensor that reported and has a sampling
-- interval; the suite expects ratio_to_expected <= 2 (more means duplicated or replayed feeds).
SELECT
    r.sensor_id,
    count(*) AS readings,
    (epoch($interval_end) - epoch($interval_start)) / s.sampling_interval_s AS expected_readings,
    count(*) / ((epoch($interval_end) - epoch($interval_start)) / s.sampling_interval_s) AS ratio_to_expected
FROM staging.readings AS r
JOIN staging.sensors AS s USING (sensor_id)
WHERE r.measured_at >= $interval_start
  AND r.measured_at < $interval_end
  AND s.sampling_interval_s IS NOT NULL
GROUP BY r.sensor_id, s.sampling_interval_s
ORDER BY r.sensor_id;
