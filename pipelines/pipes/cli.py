"""``resilience`` subcommands of the pipes stage: import-epanet, evaluate-pipe-model, pipe-risk."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines.cli_common import add_stage_arguments, print_json, stage_context
from pipelines.errors import UserError


def _import_epanet(args: argparse.Namespace) -> int:
    from pipelines.pipes.epanet import import_inp

    path = Path(args.file)
    if not path.exists():
        raise UserError(f"no such EPANET file: {path}")
    try:
        frame = import_inp(path)
    except Exception as exc:  # wntr raises a variety of parse errors
        raise UserError(f"cannot read {path} as an EPANET .inp model: {exc}") from exc
    if args.out:
        frame.to_parquet(args.out, index=False)
        print(
            f"wrote {len(frame)} pipe segments from {path.name} to {args.out} "
            "(geometry in the model's local coordinates, not lon/lat)",
            file=sys.stderr,
        )
    else:
        frame.to_csv(sys.stdout, index=False)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from pipelines.pipes.evaluation import evaluate_kitchener

    if args.source != "kitchener":
        raise UserError(f"unknown evaluation source {args.source!r}; only 'kitchener' is available")
    if not 1990 <= args.split_year <= 2022:
        raise UserError("--split-year must lie between 1990 and 2022 (the Kitchener break record)")
    models = ("default",) if not args.compare else ("default", "empirical_bayes", "gbm", "blend")
    result = evaluate_kitchener(args.split_year, models=models)
    if args.json:
        print(json.dumps(result))
        return 0
    caps = result["capture_at_10pct"]
    print(
        f"split {result['split_year']}: {result['future_breaks']} future breaks on active mains; "
        "share caught by the top 10 % of network length"
    )
    width = max(len(k) for k in caps)
    for name, value in caps.items():
        print(f"  {name:<{width}}  {value:.3f}")
    return 0


def _pipe_risk(args: argparse.Namespace) -> int:
    from pipelines.pipes.stage import run_pipe_risk

    print_json(run_pipe_risk(stage_context(args, "pipes")))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the pipes commands to ``resilience``."""
    p = subparsers.add_parser(
        "import-epanet",
        help="read an EPANET .inp model as pipe segments (CSV on stdout or --out parquet)",
    )
    p.add_argument("file", help="EPANET .inp file")
    p.add_argument("--out", help="write a Parquet file instead of CSV on stdout")
    p.set_defaults(func=_import_epanet)

    p = subparsers.add_parser(
        "evaluate-pipe-model",
        help="back-test the pipe break model on real data (share of future breaks in the top 10 %% of length)",
    )
    p.add_argument("--source", default="kitchener", help="evaluation data set (kitchener)")
    p.add_argument("--split-year", type=int, required=True, help="fit on breaks before this year")
    p.add_argument("--json", action="store_true", help="print only the JSON result")
    p.add_argument("--compare", action="store_true", help="also score every candidate model")
    p.set_defaults(func=_evaluate)

    p = subparsers.add_parser("pipe-risk", help="run the pipe risk stage for one local day")
    add_stage_arguments(p)
    p.set_defaults(func=_pipe_risk)
