"""``resilience building-risk``: run the building stage for one local date (counts on stdout)."""

from __future__ import annotations

import argparse
import json
from datetime import date

from pipelines.errors import UserError


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _cmd_building_risk(args: argparse.Namespace) -> int:
    from pipelines.buildings.stage import MissingInputError, run_building_risk
    from pipelines.context import RunContext

    ctx = RunContext.for_local_day(args.date, run_id=f"cli__buildings__{args.date.isoformat()}")
    try:
        result = run_building_risk(ctx)
    except MissingInputError as exc:
        raise UserError(str(exc)) from exc
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "building-risk",
        help="fill marts.building_risk and marts.renovation_candidates for one date",
        description="Score every building as of DATE (JGJ 125 grades, vulnerability, 5x5 matrix, "
        "scenario earthquake) and rebuild the action lists; prints counts per risk level as JSON.",
    )
    p.add_argument(
        "--date",
        type=_parse_date,
        default=date.today(),
        help="as_of_date, YYYY-MM-DD (default today)",
    )
    p.set_defaults(func=_cmd_building_risk)
