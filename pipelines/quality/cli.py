"""``resilience quality ...``: run the gate for a day, or check the suite files.

Summaries go to stdout as JSON; logs and the gate's failure message go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from pipelines.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quality", help="Great Expectations quality gate over the staged tables"
    )
    sub = parser.add_subparsers(dest="quality_command", metavar="SUBCOMMAND")
    sub.required = True

    v = sub.add_parser("validate", help="validate staged tables for one local day")
    v.add_argument("--date", required=True, help="local (Asia/Shanghai) day, YYYY-MM-DD")
    v.add_argument("--tables", nargs="+", help="tables to validate (default: every suite)")
    v.add_argument("--mode", choices=("auto", "batch", "metrics"), default="auto")
    v.add_argument("--run-id", help="run id to record (default manual__<date>)")
    v.set_defaults(func=_validate)

    c = sub.add_parser("check-suites", help="check expectations/*.json against the contracts")
    c.set_defaults(func=_check_suites)


def _validate(args: argparse.Namespace) -> int:
    from pipelines.context import RunContext
    from pipelines.quality import QualityGateFailed, validate_tables
    from pipelines.quality.suites import SUITE_TABLES

    try:
        day = date.fromisoformat(args.date)
    except ValueError as exc:
        raise UserError(f"--date must be YYYY-MM-DD, got {args.date!r}") from exc
    tables = args.tables or list(SUITE_TABLES)
    unknown = [t for t in tables if t not in SUITE_TABLES]
    if unknown:
        raise UserError(f"no expectation suite for {', '.join(unknown)}")
    ctx = RunContext.for_local_day(day, run_id=args.run_id)
    try:
        summary = validate_tables(ctx, tables, mode=args.mode)
    except QualityGateFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def _check_suites(args: argparse.Namespace) -> int:
    from pipelines.quality.suites import SUITE_TABLES, suite_problems

    report = {table: suite_problems(table) for table in SUITE_TABLES}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if any(report.values()) else 0
