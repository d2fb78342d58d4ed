"""``resilience risk-register`` and ``resilience hazard-ledger``: run a stage for one local date.

Counts go to stdout as JSON; logs to stderr.
"""

from __future__ import annotations

import argparse
import json
from datetime import date


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _cmd_register(args: argparse.Namespace) -> int:
    from pipelines.context import RunContext
    from pipelines.register.stage import run_register

    ctx = RunContext.for_local_day(args.date, run_id=f"cli__register__{args.date.isoformat()}")
    print(json.dumps(run_register(ctx), ensure_ascii=False, indent=2))
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    from pipelines.context import RunContext
    from pipelines.register.ledger import run_hazard_ledger

    ctx = RunContext.for_local_day(args.date, run_id=f"cli__ledger__{args.date.isoformat()}")
    print(json.dumps(run_hazard_ledger(ctx), ensure_ascii=False, indent=2))
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
    p.add_argument(
        "--date",
        type=_parse_date,
        default=date.today(),
        help="as_of_date, YYYY-MM-DD (default today)",
    )
    p.set_defaults(func=_cmd_register)
    q = sub.add_parser(
        "hazard-ledger",
        help="append the date's hazard events and rebuild marts.hazard_ledger",
        description="Register hazards from red/orange risks, open grade I/II alarms, C/D buildings and "
        "field reports, apply valid rectification updates (invalid ones go to audit.quarantine), "
        "and rebuild the ledger (config/hazard_ledger.yaml). Run risk-register for the date first. "
        "Prints counts as JSON.",
    )
    q.add_argument(
        "--date",
        type=_parse_date,
        default=date.today(),
        help="as_of_date, YYYY-MM-DD (default today)",
    )
    q.set_defaults(func=_cmd_ledger)
