"""``resilience demo``: the whole pipeline on the built-in sample city, through real Airflow.

Generates the sample city (unless it is already there with the same seed and window), then
runs each DAG with ``airflow dags test`` per local day in dependency order, and prints where
the results are with headline counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from typing import Any

from pipelines.settings import Paths, get_paths, load_config

DEFAULT_START = date(2025, 11, 4)  # inside the heating season; heavy rain on day 2
DEFAULT_DAYS = 3
DEFAULT_SEED = 20251104


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_sample_city(paths: Paths, seed: int, start: date, days: int, scale: float) -> bool:
    """Generate the sample city unless an identical one is already in the landing folder."""
    from pipelines.sample_city import generate

    manifest = paths.sample_truth / "manifest.json"
    wanted = {"seed": seed, "start_date": start.isoformat(), "days": days, "scale": scale}
    if manifest.exists():
        have = json.loads(manifest.read_text(encoding="utf-8"))
        if all(have.get(k) == v for k, v in wanted.items()):
            _say(f"sample city already in {paths.landing} (seed {seed}); not regenerating")
            return False
    _say(f"generating the sample city into {paths.landing} …")
    generate(paths, seed=seed, scale=scale, start_date=start, days=days, progress=True)
    return True


def headline_counts(paths: Paths) -> list[tuple[str, Any]]:
    """A few counts from the published warehouse that show the run did something."""
    from pipelines.warehouse import analyst_connection

    queries = {
        "files loaded (audit.load_manifest)": "SELECT count(*) FROM audit.load_manifest",
        "rows quarantined (audit.quarantine)": "SELECT count(*) FROM audit.quarantine",
        "readings staged": "SELECT count(*) FROM staging.readings",
        "alarm episodes (marts.lifeline_alarms)": "SELECT count(*) FROM marts.lifeline_alarms",
        "pipes assessed (marts.pipe_risk, last date)": "SELECT count(*) FROM marts.pipe_risk "
        "WHERE as_of_date = (SELECT max(as_of_date) FROM marts.pipe_risk)",
        "buildings assessed (marts.building_risk, last date)": "SELECT count(*) FROM "
        "marts.building_risk WHERE as_of_date = (SELECT max(as_of_date) FROM marts.building_risk)",
        "risks in register by level": "SELECT string_agg(risk_level || ' ' || n, ', ' ORDER BY "
        "risk_level) FROM (SELECT risk_level, count(*) n FROM marts.risk_register GROUP BY 1)",
        "open hazards (marts.hazard_ledger)": "SELECT count(*) FROM marts.hazard_ledger "
        "WHERE status <> 'closed'",
    }
    con = analyst_connection(paths.published_warehouse)
    out: list[tuple[str, Any]] = []
    try:
        for label, sql in queries.items():
            try:
                out.append((label, con.execute(sql).fetchone()[0]))
            except Exception as exc:  # a table another stage has not built yet
                out.append((label, f"n/a ({type(exc).__name__})"))
    finally:
        con.close()
    return out


def run_demo(
    paths: Paths,
    *,
    start: date = DEFAULT_START,
    days: int = DEFAULT_DAYS,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    dags: list[str] | None = None,
) -> list[tuple[str, Any]]:
    """Generate, then run every DAG for every day of the window; returns headline counts."""
    from pipelines.airflow_local import dags_test, ensure_metadata_db

    paths.ensure()
    t0 = time.monotonic()
    ensure_sample_city(paths, seed, start, days, scale)
    _say("preparing Airflow metadata (SQLite) and the one-slot writer pool …")
    ensure_metadata_db(paths)
    order = dags or load_config("pipelines")["run_order"]
    total = len(order) * days
    done = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        for dag_id in order:
            t = time.monotonic()
            log = dags_test(dag_id, day, paths)
            done += 1
            _say(f"[{done}/{total}] {dag_id} {day} ok in {time.monotonic() - t:.0f}s (log {log})")
    _say(f"demo finished in {time.monotonic() - t0:.0f}s")
    return headline_counts(paths)


def _cmd_demo(args: argparse.Namespace) -> int:
    paths = get_paths(args.data_dir)
    counts = run_demo(
        paths,
        start=date.fromisoformat(args.start),
        days=args.days,
        seed=args.seed,
        scale=args.scale,
        dags=args.dag,
    )
    print(f"warehouse:            {paths.warehouse}")
    print(f"published (read-only): {paths.published_warehouse}")
    print(f"reports:              {paths.reports}")
    print(f"quality docs:         {paths.quality}")
    for label, value in counts:
        print(f"{label:52s} {value}")
    print('try: resilience query "SELECT * FROM marts.risk_register LIMIT 10"')
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="generate the sample city and run every DAG over the demo window",
        description="Generate the built-in sample city (Changchun-like) and run each DAG "
        "through real Airflow task execution (`airflow dags test`) for each day.",
    )
    p.add_argument("--data-dir", help="data directory (default RESILIENCE_DATA_DIR or data/)")
    p.add_argument("--start", default=DEFAULT_START.isoformat(), help="first local day")
    p.add_argument("--days", type=int, default=DEFAULT_DAYS, help="number of days")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    p.add_argument("--scale", type=float, default=1.0, help="sample city scale")
    p.add_argument(
        "--dag", action="append", help="run only this DAG (repeatable; default: all, in order)"
    )
    p.set_defaults(func=_cmd_demo)
