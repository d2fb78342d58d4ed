-- Replace the as_of_date snapshot of both pipe marts (delete-then-insert; the caller wraps this
-- file in one transaction). Inputs are the pandas frames registered as pipe_risk_frame and
-- pipe_plan_frame by pipelines/pipes/stage.py.
DELETE FROM marts.pipe_risk WHERE as_of_date = $as_of_date;
DELETE FROM marts.pipe_replacement_plan WHERE as_of_date = $as_of_date;
INSERT INTO marts.pipe_risk BY NAME
SELECT CAST($as_of_date AS DATE) AS as_of_date,
       * EXCLUDE (geometry_wkt),
       CASE WHEN geometry_wkt IS NULL THEN NULL ELSE ST_GeomFromText(geometry_wkt) END AS geometry,
       CAST($run_id AS VARCHAR) AS run_id
FROM pipe_risk_frame;
INSERT INTO marts.pipe_replacement_plan BY NAME
SELECT CAST($as_of_date AS DATE) AS as_of_date, *, CAST($run_id AS VARCHAR) AS run_id
FROM pipe_plan_frame;
