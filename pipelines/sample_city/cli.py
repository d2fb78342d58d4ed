"""``resilience generate``: write the deterministic sample city into a data directory."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from pipelines.cli_common import local_date, positive_float, positive_int
from pipelines.errors import UserError
from pipelines.settings import get_paths


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``generate`` command to the ``resilience`` CLI."""
    p = subparsers.add_parser(
        "generate",
        help="write the deterministic sample city (landing files + sample_truth)",
        description="Write every landing source of config/contracts.yaml for a Changchun-like sample "
        "city, with injected incidents and bad records listed in sample_truth/. Files of a previous "
        "generation in the same data directory are replaced. Prints a JSON summary on stdout.",
    )
    p.add_argument(
        "--seed", type=int, default=20251104, help="random seed (same seed => identical files)"
    )
    p.add_argument(
        "--scale", type=positive_float, default=1.0, help="multiplies default counts (default 1.0)"
    )
    p.add_argument(
        "--start",
        type=local_date,
        default=date(2025, 11, 4),
        help="first local day of readings (YYYY-MM-DD)",
    )
    p.add_argument("--days", type=positive_int, default=3, help="days of readings (default 3)")
    p.add_argument(
        "--history-days", type=int, default=14, help="days of DMA inflow history before --start"
    )
    p.add_argument(
        "--sensors", type=positive_int, default=None, help="total sensors (overrides scale)"
    )
    p.add_argument(
        "--segments", type=positive_int, default=None, help="pipe segments (overrides scale)"
    )
    p.add_argument(
        "--buildings", type=positive_int, default=None, help="buildings (overrides scale)"
    )
    p.add_argument("--no-bad", action="store_true", help="do not inject bad records or bad files")
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.add_argument(
        "--data-dir", default=None, help="data directory (default: $RESILIENCE_DATA_DIR or data/)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate and print the summary; bad arguments raise ``UserError`` (exit 2)."""
    from pipelines.sample_city import generate

    if args.history_days < 0:
        raise UserError("--history-days must be >= 0")
    try:
        summary = generate(
            get_paths(data_dir=args.data_dir),
            seed=args.seed,
            scale=args.scale,
            start_date=args.start,
            days=args.days,
            history_days=args.history_days,
            sensors=args.sensors,
            segments=args.segments,
            buildings=args.buildings,
            inject_bad=not args.no_bad,
            progress=not args.no_progress,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0
