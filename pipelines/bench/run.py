"""``run_bench``: generate, floor, pipeline stages, pandas reference, incremental; one JSON.

Order: check every stage exists → generate (child process) → floor (child) → the pipeline
stages in this process (fresh warehouse) → pandas reference (child) → incremental (child).
The floor runs right after generation and before the pipeline, so both read warm files.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipelines.bench.data import CitySpec, reset_warehouse
from pipelines.bench.measure import GB, RssSampler, machine_info, ru_maxrss_bytes
from pipelines.bench.pipeline import ALARM_STAGE, FLOOR_STAGES, check_stages, plan, run_stages
from pipelines.context import RunContext
from pipelines.settings import PROJECT_ROOT, get_paths

log = logging.getLogger(__name__)

RATIO_KEYS = ("pipeline_over_floor", "alarms_pandas_over_ours", "hourly_30d_over_1d", "peak_rss_gb")
TARGETS = {
    "pipeline_over_floor": ("<=", 8.0),
    "alarms_pandas_over_ours": (">=", 10.0),
    "hourly_30d_over_1d": ("<=", 1.2),
    "peak_rss_gb": ("<=", 4.0),
}


class BenchError(RuntimeError):
    """A part of the benchmark failed (its name is in the message)."""


@dataclass(frozen=True)
class BenchOptions:
    sensors: int = 100_000
    days: int = 1
    segments: int = 1_000_000
    buildings: int = 300_000
    history_days: int = 14
    data_dir: str = str(PROJECT_ROOT / "bench_data")
    skip_incremental: bool = False
    incremental_sensors: int = 10_000
    incremental_history_days: int = 30
    incremental_repeats: int = 2
    pandas_sensors: int = 2_000
    regenerate: bool = False
    progress: bool = True
    profile_dir: str | None = None


def run_child(task: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one task in a fresh interpreter; its JSON result, or BenchError naming the task."""
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        out = Path(tmp) / "result.json"
        env = {**os.environ, "GX_ANALYTICS_ENABLED": "False"}
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
        )
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.bench.worker", task, json.dumps(args), str(out)],
            cwd=PROJECT_ROOT,
            env=env,
            check=False,
        )
        if proc.returncode != 0 or not out.exists():
            raise BenchError(f"bench part {task!r} failed (exit code {proc.returncode})")
        result = json.loads(out.read_text(encoding="utf-8"))
        result["process_seconds"] = round(time.perf_counter() - started, 1)
        return result


def _stage_map(stages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in stages}


def compute_ratios(
    stages: list[dict[str, Any]],
    floor: dict[str, Any],
    pandas: dict[str, Any],
    incremental: dict[str, Any] | None,
    peak_rss_bytes: int,
) -> dict[str, float | None]:
    """The four ratios of the issue, exactly these keys."""
    by = _stage_map(stages)
    pipeline_s = sum(by[name]["seconds"] for name in FLOOR_STAGES)
    alarm_s = by[ALARM_STAGE]["seconds"]
    return {
        "pipeline_over_floor": round(pipeline_s / floor["seconds"], 2),
        "alarms_pandas_over_ours": round(pandas["seconds"] / alarm_s, 2) if alarm_s else None,
        "hourly_30d_over_1d": incremental.get("ratio") if incremental else None,
        "peak_rss_gb": round(peak_rss_bytes / GB, 3),
    }


def _fix_rows(stages: list[dict[str, Any]]) -> None:
    """Lifeline analytics counts the day's readings (its own count is candidate readings only)."""
    by = _stage_map(stages)
    staged = by.get("lifeline_monitoring.stage", {}).get("result", {}).get("readings", {})
    day_rows = staged.get("rows_in_interval")
    alarm = by.get(ALARM_STAGE)
    if alarm and day_rows:
        alarm["rows"] = int(day_rows)
        alarm["rows_per_s"] = round(day_rows / alarm["seconds"], 1) if alarm["seconds"] else None


def run_bench(opts: BenchOptions) -> dict[str, Any]:
    """Run everything; return the JSON-able report (see ``pipelines.bench`` docs)."""
    check_stages()
    t_all = time.perf_counter()
    machine = machine_info()
    paths = get_paths(data_dir=opts.data_dir)
    data_root = Path(opts.data_dir).resolve()
    if data_root == (PROJECT_ROOT / "data").resolve():
        raise BenchError("the bench must not use the demo's data/ directory")
    spec = CitySpec(
        sensors=opts.sensors,
        days=opts.days,
        segments=opts.segments,
        buildings=opts.buildings,
        history_days=opts.history_days,
    )
    log.info("bench: generating the city (%d sensors, %d day(s))", opts.sensors, opts.days)
    generation = run_child(
        "generate",
        {
            "data_dir": str(paths.data_dir),
            "spec": asdict(spec),
            "regenerate": opts.regenerate,
            "progress": opts.progress,
        },
    )
    log.info("bench: floor (DuckDB read_csv pass)")
    floor = run_child("floor", {"data_dir": str(paths.data_dir)})
    reset_warehouse(paths)
    ctx = RunContext.for_local_day(spec.start, run_id=f"bench__{spec.start_date}", paths=paths)
    log.info("bench: pipeline stages for %s", ctx.as_of_date)
    with RssSampler() as sampler:
        records = run_stages(
            ctx, sampler, plan(ctx), Path(opts.profile_dir) if opts.profile_dir else None
        )
    stages = [r.as_dict() for r in records]
    _fix_rows(stages)
    peak = ru_maxrss_bytes()
    log.info("bench: pandas reference (child process)")
    pandas = run_child(
        "pandas", {"data_dir": str(paths.data_dir), "sample_sensors": opts.pandas_sensors}
    )
    incremental = None
    if not opts.skip_incremental:
        log.info("bench: incremental cost at %d sensors", opts.incremental_sensors)
        scale = opts.incremental_sensors / opts.sensors
        inc_spec = CitySpec(
            sensors=opts.incremental_sensors,
            days=1,
            segments=max(500, round(opts.segments * scale)),
            buildings=max(300, round(opts.buildings * scale)),
            history_days=0,
        )
        incremental = run_child(
            "incremental",
            {
                "data_dir": str(paths.data_dir / "incremental"),
                "spec": asdict(inc_spec),
                "history_days": opts.incremental_history_days,
                "repeats": opts.incremental_repeats,
            },
        )
    ratios = compute_ratios(stages, floor, pandas, incremental, peak)
    by = _stage_map(stages)
    return {
        "ratios": ratios,
        "targets": {k: f"{op} {v}" for k, (op, v) in TARGETS.items()},
        "met": {k: _met(ratios[k], *TARGETS[k]) for k in RATIO_KEYS},
        "stages": [
            {k: s[k] for k in ("name", "seconds", "rows", "rows_per_s", "peak_rss_gb")}
            for s in stages
        ],
        "stage_results": {s["name"]: s["result"] for s in stages},
        "pipeline_seconds": round(sum(by[n]["seconds"] for n in FLOOR_STAGES), 3),
        "alarm_stage_seconds": by[ALARM_STAGE]["seconds"],
        "floor": floor,
        "pandas": pandas,
        "incremental": incremental,
        "generation": generation,
        "params": asdict(opts),
        "machine": machine,
        "total_seconds": round(time.perf_counter() - t_all, 1),
    }


def _met(value: float | None, op: str, target: float) -> bool | None:
    if value is None:
        return None
    return value <= target if op == "<=" else value >= target
