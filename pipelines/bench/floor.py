"""The floor: the least any loader must do to the reading files, timed.

One DuckDB ``read_csv`` pass over the same files with the contract's column types
(``sensor_id VARCHAR, measured_at TIMESTAMPTZ, value DOUBLE``), computing the row count, min and
max of the timestamp and the sum of the numeric column; nothing is written. Lines that do not
parse (the generator's injected bad lines) are skipped (``ignore_errors``): the floor does no
quarantine bookkeeping, that is the pipeline's job and part of what the ratio measures.

The files are read once before timing so that the floor, like the pipeline after it, reads
from the page cache (a cold first pass measured 14 s instead of 3 s here), and the fastest of
``PASSES`` passes counts: the conservative choice for a ratio with the floor as denominator.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pipelines import warehouse
from pipelines.bench.measure import GB, ru_maxrss_bytes

FLOOR_SQL = """
SELECT count(*) AS n, CAST(min(measured_at) AS VARCHAR) AS ts_min,
       CAST(max(measured_at) AS VARCHAR) AS ts_max, sum(value) AS value_sum
FROM read_csv($files, header = true, auto_detect = false, delim = ',', quote = '', escape = '',
              columns = {'sensor_id': 'VARCHAR', 'measured_at': 'TIMESTAMPTZ', 'value': 'DOUBLE'},
              ignore_errors = true)
"""


PASSES = 3


def warm_cache(files: list[Path], chunk: int = 16 * 1024 * 1024) -> None:
    """Read every byte once, untimed, so that no pass pays for the disk."""
    for p in files:
        with open(p, "rb") as fh:
            while fh.read(chunk):
                pass


def floor_pass(files: list[Path]) -> dict[str, Any]:
    """The fastest of ``PASSES`` timed aggregate passes over ``files`` (set-up excluded)."""
    if not files:
        raise ValueError("floor: no reading files")
    warm_cache(files)
    con = warehouse.connect(":memory:")
    passes: list[float] = []
    try:
        for _ in range(PASSES):
            started = time.perf_counter()
            n, ts_min, ts_max, value_sum = con.execute(
                FLOOR_SQL, {"files": [str(p) for p in files]}
            ).fetchone()
            passes.append(time.perf_counter() - started)
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    finally:
        con.close()
    seconds = min(passes)
    return {
        "seconds": round(seconds, 3),
        "passes_s": [round(x, 3) for x in passes],
        "rows": int(n),
        "rows_per_s": round(n / seconds, 1) if seconds > 0 else None,
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "ts_min": ts_min,
        "ts_max": ts_max,
        "value_sum": value_sum,
        "duckdb_threads": int(threads),
        "peak_rss_gb": round(ru_maxrss_bytes() / GB, 3),
    }
