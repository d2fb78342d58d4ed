"""``resilience bench``: the city-scale benchmark (JSON to ``--json``, markdown to stdout)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from pipelines.cli_common import non_negative_int, positive_int
from pipelines.errors import UserError
from pipelines.settings import PROJECT_ROOT

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``bench`` command to the ``resilience`` CLI."""
    p = subparsers.add_parser(
        "bench",
        help="city-scale benchmark of the real stages against the floor and pandas",
        description="Generate a city-scale day into its own data directory, run every DAG stage "
        "on it (timing each, with rows/s and peak RSS), time the floor (one DuckDB read_csv pass "
        "over the same readings) and the pandas reference of the alarm stage (child process), "
        "and the cost of an hourly lifeline run with 30 versus 1 day of history. Writes the "
        "JSON report to --json and a markdown table to stdout; progress goes to stderr.",
    )
    p.add_argument("--sensors", type=positive_int, default=100_000, help="sensors (100000)")
    p.add_argument("--days", type=positive_int, default=1, help="days of readings (1)")
    p.add_argument(
        "--segments", type=positive_int, default=1_000_000, help="pipe segments (1000000)"
    )
    p.add_argument("--buildings", type=positive_int, default=300_000, help="buildings (300000)")
    p.add_argument(
        "--history-days",
        type=non_negative_int,
        default=14,
        help="days of DMA inflow history the generator writes before the day (14)",
    )
    p.add_argument(
        "--data-dir",
        default=str(PROJECT_ROOT / "bench_data"),
        help="the bench's own data directory (default bench_data/ in the checkout)",
    )
    p.add_argument("--json", dest="json_path", default=None, help="write the JSON report here")
    p.add_argument("--skip-incremental", action="store_true", help="skip the 30d/1d measurement")
    p.add_argument(
        "--incremental-sensors",
        type=positive_int,
        default=10_000,
        help="sensors of the incremental measurement (10000)",
    )
    p.add_argument(
        "--incremental-repeats",
        type=positive_int,
        default=2,
        help="hourly runs per case; the fastest counts (2)",
    )
    p.add_argument(
        "--pandas-sensors",
        type=non_negative_int,
        default=2_000,
        help="sensors the pandas detection is timed on, scaled to all readings "
        "(0 = every sensor; 2000)",
    )
    p.add_argument(
        "--regenerate", action="store_true", help="regenerate even if the city is unchanged"
    )
    p.add_argument(
        "--profile-dir",
        default=None,
        help="run each pipeline stage under cProfile and write <stage>.prof/.txt here "
        "(slower; for finding causes, not for the figures)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.bench.pipeline import StageMissing
    from pipelines.bench.report import markdown
    from pipelines.bench.run import BenchError, BenchOptions, run_bench

    data_dir = Path(args.data_dir).resolve()
    if data_dir == (PROJECT_ROOT / "data").resolve():
        raise UserError("--data-dir must not be the demo's data/ directory")
    opts = BenchOptions(
        sensors=args.sensors,
        days=args.days,
        segments=args.segments,
        buildings=args.buildings,
        history_days=args.history_days,
        data_dir=str(data_dir),
        skip_incremental=args.skip_incremental,
        incremental_sensors=args.incremental_sensors,
        incremental_repeats=args.incremental_repeats,
        pandas_sensors=args.pandas_sensors,
        regenerate=args.regenerate,
        progress=not args.no_progress,
        profile_dir=args.profile_dir,
    )
    try:
        report = run_bench(opts)
    except StageMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json_path:
        out = Path(args.json_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
        log.info("bench report written to %s", out)
    sys.stdout.write(markdown(report))
    return 0
