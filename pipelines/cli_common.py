"""Arguments and output shared by the stage commands (``resilience <stage> --date D``)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from pipelines.context import RunContext
from pipelines.settings import get_paths


def local_date(text: str) -> date:
    """argparse type for a local calendar date (YYYY-MM-DD) with a clear error."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _number(text: str, kind: type, ok, wanted: str) -> int | float:
    try:
        value = kind(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not ok(value):
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    return int(_number(text, int, lambda v: v >= 1, "a positive integer"))


def non_negative_int(text: str) -> int:
    """argparse type: an integer ≥ 0."""
    return int(_number(text, int, lambda v: v >= 0, ">= 0"))


def positive_float(text: str) -> float:
    """argparse type: a number > 0."""
    return float(_number(text, float, lambda v: v > 0, "positive"))


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: RESILIENCE_DATA_DIR or data/)"
    )


def add_stage_arguments(parser: argparse.ArgumentParser) -> None:
    """``--date`` (the local day whose interval the stage processes) and ``--data-dir``."""
    parser.add_argument(
        "--date",
        type=local_date,
        default=date.today(),
        help="local day to process, YYYY-MM-DD (default: today); as_of_date of the results",
    )
    add_data_dir(parser)


def stage_context(args: argparse.Namespace, stage: str) -> RunContext:
    """The RunContext of a manual stage run for ``args.date`` in ``args.data_dir``."""
    return RunContext.for_local_day(
        args.date,
        run_id=f"cli__{stage}__{args.date.isoformat()}",
        paths=get_paths(data_dir=args.data_dir),
    )


def print_json(result: Any) -> None:
    """A stage's counts as JSON on stdout (the only thing stage commands print there)."""
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
