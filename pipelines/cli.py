"""The ``resilience`` command: one entry point for data engineers, officers and analysts.

Core commands live here (demo, query, tables, describe, publish, run); each stage package may
add its own in ``pipelines/<pkg>/cli.py`` through ``register(subparsers)``. Data goes to
stdout only; logs and progress go to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from pipelines import __version__
from pipelines.errors import UserError

#: Stage packages that may contribute subcommands (missing ones are skipped quietly).
COMMAND_MODULES = (
    "pipelines.query_cli",
    "pipelines.demo",
    "pipelines.airflow_local",
    "pipelines.sample_city.cli",
    "pipelines.ingest.cli",
    "pipelines.quality.cli",
    "pipelines.lifeline.cli",
    "pipelines.pipes.cli",
    "pipelines.buildings.cli",
    "pipelines.register.cli",
    "pipelines.report.cli",
    "pipelines.bench.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="resilience",
        description=(
            "Urban resilience monitoring pipeline: lifelines, pipes, buildings and the risk "
            "register for a city's safety administration. Data goes to stdout, logs to stderr."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that stage is not part of this build
            raise
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        result = args.func(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
