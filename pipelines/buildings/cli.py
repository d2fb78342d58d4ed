"""``resilience building-risk``: run the building stage for one local date (counts on stdout)."""

from __future__ import annotations

import argparse

from pipelines.cli_common import add_stage_arguments, print_json, stage_context
from pipelines.errors import UserError


def _cmd_building_risk(args: argparse.Namespace) -> int:
    from pipelines.buildings.stage import MissingInputError, run_building_risk

    try:
        result = run_building_risk(stage_context(args, "buildings"))
    except MissingInputError as exc:
        raise UserError(str(exc)) from exc
    print_json(result)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "building-risk",
        help="fill marts.building_risk and marts.renovation_candidates for one date",
        description="Score every building as of DATE (JGJ 125 grades, vulnerability, 5x5 matrix, "
        "scenario earthquake) and rebuild the action lists; prints counts per risk level as JSON.",
    )
    add_stage_arguments(p)
    p.set_defaults(func=_cmd_building_risk)
