"""``resilience score-alarms`` (and ``resilience lifeline`` to run the stage by hand)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from pipelines.cli_common import add_data_dir, add_stage_arguments, print_json, stage_context
from pipelines.errors import UserError
from pipelines.output import write_rows
from pipelines.settings import LOCAL_TZ, get_paths


def _score(args: argparse.Namespace) -> int:
    from pipelines.lifeline.scoring import score_paths

    result = score_paths(get_paths(data_dir=args.data_dir))
    if args.json:
        print(json.dumps(result))
        return 0
    rows = [
        (t, v["n"], round(v["precision"], 3), round(v["recall"], 3))
        for t, v in result["by_type"].items()
    ]
    o = result["overall"]
    rows.append(
        (
            "overall",
            sum(v["n"] for v in result["by_type"].values()),
            round(o["precision"], 3),
            round(o["recall"], 3),
        )
    )
    write_rows(["incident_type", "n", "precision", "recall"], rows)
    return 0


def _run(args: argparse.Namespace) -> int:
    from pipelines.lifeline import run_lifeline

    try:
        since = datetime.fromisoformat(args.recompute_from) if args.recompute_from else None
    except ValueError as exc:
        raise UserError(f"bad --recompute-from time: {exc}") from exc
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=LOCAL_TZ)
    print_json(run_lifeline(stage_context(args, "lifeline"), recompute_from=since))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "score-alarms",
        help="score alarms, night-flow leaks and sensor faults against sample_truth/incidents.csv",
        description=(
            "Compare every detection (alarm episodes, night-flow leak flags, stuck/offline "
            "faults) with the sample city's ground truth: precision and recall per incident type."
        ),
    )
    p.add_argument("--json", action="store_true", help="print only the JSON scores")
    add_data_dir(p)
    p.set_defaults(func=_score)

    r = subparsers.add_parser(
        "lifeline",
        help="run the lifeline stage for one local day (alarms, night flow, sensor health)",
    )
    add_stage_arguments(r)
    r.add_argument("--recompute-from", default=None, help="re-open data from this ISO time")
    r.set_defaults(func=_run)
