"""Does a run cost more when the warehouse holds more history? (``hourly_30d_over_1d``)

One city of ``sensors`` sensors and one day D is ingested, staged and checked, and the lifeline
stage processes D 00:00-23:00 (untimed set-up). That warehouse is the "1 day" case. The "30
days" case is a copy in which the 29 days before D are synthesised straight into the tables:
D's raw readings shifted back by k = 1..29 days (staging.readings is a view over them), and
D's lifeline outputs, state snapshots, processed segments, interval status, quality results
and manifest rows shifted the same way (alarm episodes of the copies closed). Then the
lifeline pipeline's run over the next hour, D 23:00-24:00 (ingest, stage, quality gate,
lifeline analytics, exactly as the DAG runs them), is timed on fresh copies of each case,
alternating, ``repeats`` times; the ratio uses the fastest run of each (the machine is shared,
the minimum is the least disturbed).
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import datetime, timedelta
from typing import Any

import duckdb

from pipelines import warehouse
from pipelines.bench.data import CitySpec, prepare_city, reset_warehouse
from pipelines.bench.measure import GB, ru_maxrss_bytes
from pipelines.context import RunContext
from pipelines.orchestration import sources_for, tables_for
from pipelines.settings import LOCAL_TZ, Paths

log = logging.getLogger(__name__)

DAG_ID = "lifeline_monitoring"
#: Tables whose rows for day D are copied to the history days, and per-table overrides.
SHIFTED_TABLES: dict[str, dict[str, str]] = {
    "raw.readings": {"_file": "'history/d-' || h.k || '/' || _file"},
    "marts.lifeline_alarms": {
        "episode_id": "episode_id || '-d' || h.k",
        "status": "'closed'",
        "closed_at": "coalesce(closed_at, peak_at, confirmed_at) - to_days(CAST(h.k AS INTEGER))",
    },
    "marts.dma_night_flow": {},
    "marts.sensor_health": {},
    "audit.lifeline_fault_episodes": {},
    "audit.lifeline_segments": {},
    "audit.lifeline_sensor_state": {},
    "audit.lifeline_channel_state": {"episode_id": "episode_id || '-d' || h.k"},
    "audit.interval_status": {},
    "audit.quality_results": {},
    "audit.load_manifest": {"file": "'history/d-' || h.k || '/' || file"},
}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".")
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, name],
    ).fetchall()


def _shift_expr(col: str, dtype: str, overrides: dict[str, str]) -> str:
    if col in overrides:
        return overrides[col]
    if dtype.startswith("TIMESTAMP"):
        return f"{col} - to_days(CAST(h.k AS INTEGER))"
    if dtype == "DATE":
        return f"CAST({col} - to_days(CAST(h.k AS INTEGER)) AS DATE)"
    if col == "run_id":
        return "'bench_history'"
    return col


def synthesise_history(paths: Paths, days: int) -> dict[str, int]:
    """Copy day D's rows of ``SHIFTED_TABLES`` to the ``days - 1`` days before it."""
    added: dict[str, int] = {}
    with warehouse.writer(paths) as con, warehouse.transaction(con):
        for table, overrides in SHIFTED_TABLES.items():
            cols = _columns(con, table)
            if not cols:
                continue
            names = ", ".join(c for c, _ in cols)
            exprs = ", ".join(_shift_expr(c, t, overrides) for c, t in cols)
            before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            con.execute(f"CREATE OR REPLACE TEMP TABLE _day AS SELECT * FROM {table}")
            # oldest day first, as a warehouse filled day by day would hold them
            for k in range(int(days) - 1, 0, -1):
                con.execute(
                    f"INSERT INTO {table} ({names}) SELECT {exprs} FROM _day, "
                    "(SELECT CAST($k AS BIGINT) AS k) h",
                    {"k": k},
                )
            con.execute("DROP TABLE _day")
            added[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
    return added


def _copy(src: Paths, name: str) -> Paths:
    target = src.data_dir / name
    shutil.copyfile(src.warehouse, target)
    return Paths(data_dir=src.data_dir, warehouse=target)


def hourly_run(paths: Paths, start: datetime, run_id: str) -> dict[str, Any]:
    """The lifeline DAG's tasks over one hour, each timed."""
    from pipelines.ingest import build_staging, ingest_sources
    from pipelines.lifeline import run_lifeline
    from pipelines.quality import validate_tables

    ctx = RunContext(start, start + timedelta(hours=1), run_id, paths)
    sources, tables = sources_for(DAG_ID), tables_for(DAG_ID)
    steps = {
        "ingest": lambda: ingest_sources(ctx, sources),
        "stage": lambda: build_staging(ctx, sources),
        "quality": lambda: validate_tables(ctx, tables),
        "lifeline": lambda: run_lifeline(ctx),
    }
    seconds: dict[str, float] = {}
    for name, fn in steps.items():
        t0 = time.perf_counter()
        fn()
        seconds[name] = round(time.perf_counter() - t0, 3)
    return {"seconds": round(sum(seconds.values()), 3), "steps": seconds}


def run_incremental(
    paths: Paths, spec: CitySpec, history_days: int = 30, repeats: int = 2
) -> dict[str, Any]:
    """Set up both cases in ``paths`` and time the next hourly run on each (see module doc)."""
    from pipelines.ingest import build_staging, ingest_sources
    from pipelines.lifeline import run_lifeline
    from pipelines.quality import validate_tables

    t_setup = time.perf_counter()
    city = prepare_city(paths, spec, progress=False)
    reset_warehouse(paths)
    day = spec.start
    ctx_day = RunContext.for_local_day(day, run_id="bench_inc_setup", paths=paths)
    sources = sources_for(DAG_ID)
    ingest_sources(ctx_day, sources)
    build_staging(ctx_day, sources)
    validate_tables(ctx_day, tables_for(DAG_ID))
    hour = datetime(day.year, day.month, day.day, 23, tzinfo=LOCAL_TZ)
    run_lifeline(RunContext(ctx_day.interval_start, hour, "bench_inc_setup", paths))
    base_1d = _copy(paths, "incremental_1d.duckdb")
    base_30d = _copy(paths, f"incremental_{history_days}d.duckdb")
    added = synthesise_history(base_30d, history_days)
    with warehouse.writer(base_30d) as con:
        readings_30d = con.execute("SELECT count(*) FROM raw.readings").fetchone()[0]
    with warehouse.writer(base_1d) as con:
        readings_1d = con.execute("SELECT count(*) FROM raw.readings").fetchone()[0]
    setup_s = time.perf_counter() - t_setup
    runs: dict[str, list[dict[str, Any]]] = {"1d": [], f"{history_days}d": []}
    for i in range(repeats):
        for label, base in (("1d", base_1d), (f"{history_days}d", base_30d)):
            trial = _copy(base, f"incremental_trial_{label}.duckdb")
            log.info("incremental: hourly run %d on %s of history", i + 1, label)
            runs[label].append(hourly_run(trial, hour, f"bench_inc_{label}_{i}"))
            trial.warehouse.unlink()
    best = {label: min(r["seconds"] for r in rs) for label, rs in runs.items()}
    for p in (base_1d, base_30d):
        p.warehouse.unlink(missing_ok=True)
    return {
        "ratio": round(best[f"{history_days}d"] / best["1d"], 3) if best["1d"] > 0 else None,
        "sensors": city.get("sensors", spec.sensors),
        "interval": f"{hour.isoformat()} + 1 h",
        "history_days": history_days,
        "best_seconds": best,
        "runs": runs,
        "raw_readings": {"1d": int(readings_1d), f"{history_days}d": int(readings_30d)},
        "history_rows_added": added,
        "setup_seconds": round(setup_s, 1),
        "peak_rss_gb": round(ru_maxrss_bytes() / GB, 3),
    }
