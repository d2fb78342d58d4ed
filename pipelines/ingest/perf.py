"""Reproducible measurement of readings ingestion against the "floor" (issue 8).

``python -m pipelines.ingest.perf --sensors 20000`` generates one day of the sample city (in a
subprocess, cached under ``--work``), then in this process times

- the floor, exactly as ``resilience bench`` measures it (``pipelines.bench.floor``: a typed
  DuckDB ``read_csv`` pass over the generated reading CSV files computing count, min/max of the
  timestamp and the sum of the value, nothing written; warm cache, fastest of three);
- ``ingest_sources`` of the registries + readings and ``build_staging`` for the day, into a
  fresh warehouse;

and prints the ratio and the peak RSS. ``--profile out.prof`` writes a cProfile of the ingestion.
Timing belongs here, never in the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from pipelines.context import RunContext
from pipelines.settings import Paths, get_paths

SOURCES = ["districts", "dmas", "seismic_zones", "responsible_units", "sensors", "readings"]
START = date(2025, 11, 4)


def generate_day(paths: Paths, sensors: int) -> None:
    """One day of the sample city with ``sensors`` sensors (small pipes/buildings: not measured)."""
    from pipelines.sample_city import generate

    generate(
        paths,
        sensors=sensors,
        days=1,
        segments=2000,
        buildings=1000,
        history_days=0,
        start_date=START,
        progress=False,
    )


def floor_seconds(paths: Paths) -> tuple[float, int]:
    """The bench's floor (``pipelines.bench.floor``) over the generated reading files."""
    from pipelines.bench.data import reading_files
    from pipelines.bench.floor import floor_pass

    out = floor_pass(reading_files(paths))
    return float(out["seconds"]), int(out["rows"])


def peak_rss_gb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def run(sensors: int, work: Path, profile: str | None = None, keep: bool = False) -> dict:
    data = work / f"s{sensors}"
    paths = get_paths(data_dir=data)
    if not (data / "sample_truth" / "manifest.json").exists():
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipelines.ingest.perf", "--generate-only"]
            + ["--sensors", str(sensors), "--work", str(work)],
            check=True,
        )
        print(f"generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for p in (paths.warehouse, paths.warehouse.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    floor, floor_rows = floor_seconds(paths)
    ctx = RunContext.for_local_day(START, run_id="perf", paths=paths)
    from pipelines.ingest import build_staging, ingest_sources

    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    counts = ingest_sources(ctx, SOURCES)
    t1 = time.perf_counter()
    staging = build_staging(ctx, SOURCES)
    t2 = time.perf_counter()
    if prof:
        prof.disable()
        prof.dump_stats(profile)
    out = {
        "sensors": sensors,
        "floor_s": round(floor, 2),
        "floor_rows": floor_rows,
        "ingest_s": round(t1 - t0, 2),
        "staging_s": round(t2 - t1, 2),
        "ratio": round((t2 - t0) / floor, 2),
        "rows_per_s": round(counts["readings"]["rows_in"] / (t1 - t0)),
        "peak_rss_gb": round(peak_rss_gb(), 2),
        "readings": counts["readings"],
        "staging_readings": staging["readings"],
        "warehouse_mb": round(paths.warehouse.stat().st_size / 1e6, 1),
    }
    if not keep:
        paths.warehouse.unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sensors", type=int, default=20000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/resilience_ingest_perf"))
    ap.add_argument("--profile", help="write a cProfile of the ingestion to this file")
    ap.add_argument("--keep", action="store_true", help="keep the warehouse for inspection")
    ap.add_argument("--clean", action="store_true", help="regenerate the landing files")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    data = args.work / f"s{args.sensors}"
    if args.generate_only:
        generate_day(get_paths(data_dir=data), args.sensors)
        return 0
    if args.clean and data.exists():
        shutil.rmtree(data)
    print(json.dumps(run(args.sensors, args.work, args.profile, args.keep), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
