"""City-scale benchmark of the real stages: ``resilience bench`` / ``make bench``.

:func:`pipelines.bench.run.run_bench` generates a city into its own data directory, times every
DAG stage (wall time, rows/s, RSS high-water), the floor (one DuckDB ``read_csv`` pass over the
same readings) and the pandas reference of the alarm stage, and the cost of an hourly run with
30 versus 1 day of history; the report's ``ratios`` hold the issue's four figures.
"""
