"""``resilience risk-register`` and ``resilience hazard-ledger``: run a stage for one local date.

Counts go to stdout as JSON; logs to stderr.
"""

from __future__ import annotations

import argparse

from pipelines.cli_common import add_stage_arguments, print_json, stage_context


def _cmd_register(args: argparse.Namespace) -> int:
    from pipelines.register.stage import run_register

    print_json(run_register(stage_context(args, "register")))
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    from pipelines.register.ledger import run_hazard_ledger

    print_json(run_hazard_ledger(stage_context(args, "ledger")))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "risk-register",
        help="assess every risk source for one date into marts.risk_snapshot (register, history, spectrum)",
        description="Put pipes, buildings, monitored lifeline assets and hazardous facilities on the "
        "common 5x5 scale (config/risk_matrix.yaml), apply officers' decisions, and replace the "
        "date's marts.risk_snapshot; marts.risk_register, marts.risk_register_history and "
        "marts.district_risk_spectrum follow. Prints counts as JSON.",
    )
    add_stage_arguments(p)
    p.set_defaults(func=_cmd_register)
    q = sub.add_parser(
        "hazard-ledger",
        help="append the date's hazard events and rebuild marts.hazard_ledger",
        description="Register hazards from red/orange risks, open grade I/II alarms, C/D buildings and "
        "field reports, apply valid rectification updates (invalid ones go to audit.quarantine), "
        "and rebuild the ledger (config/hazard_ledger.yaml). Run risk-register for the date first. "
        "Prints counts as JSON.",
    )
    add_stage_arguments(q)
    q.set_defaults(func=_cmd_ledger)
