"""``resilience ingest`` and ``resilience quarantine list|replay``.

Data (tables, JSON) goes to stdout only; logs and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from typing import Any

from pipelines.context import RunContext
from pipelines.ingest.contracts import load_contracts
from pipelines.settings import get_paths


def _sources(text: str | None) -> list[str]:
    known = list(load_contracts())
    if not text or text == "all":
        return known
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown source(s): {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return names


def _paths(args: argparse.Namespace):
    paths = get_paths(data_dir=getattr(args, "data_dir", None))
    mapping = getattr(args, "mapping", None)
    if mapping:
        from pipelines.ingest.api import mapped_paths

        return mapped_paths(mapping, paths)
    return paths


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.ingest.api import build_staging, ingest_sources

    try:
        day = date.fromisoformat(args.date)
        sources = _sources(args.sources)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        print(f"resilience ingest: {exc}", file=sys.stderr)
        return 2
    ctx = RunContext.for_local_day(day, run_id=f"manual__{day.isoformat()}", paths=_paths(args))
    result: dict[str, Any] = {"ingest": ingest_sources(ctx, sources)}
    if not args.no_staging:
        result["staging"] = build_staging(ctx, sources)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    cols = ["source", "file", "line", "reason", "raw", "run_id", "quarantined_at"]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    else:
        shown = ["source", "file", "line", "reason", "raw"]

        def cell(v: Any) -> str:
            text = "" if v is None else str(v).replace("\n", "\\n")
            return text if len(text) <= 60 else text[:57] + "..."

        table = [[cell(r[c]) for c in shown] for r in rows]
        widths = [max([len(c)] + [len(t[i]) for t in table]) for i, c in enumerate(shown)]
        print("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
        for t in table:
            print("  ".join(v.ljust(w) for v, w in zip(t, widths, strict=True)).rstrip())


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    from pipelines.ingest.quarantine import list_quarantine
    from pipelines.warehouse import WarehouseMissingError

    try:
        rows = list_quarantine(_paths(args), args.source, args.file, args.limit)
    except WarehouseMissingError as exc:
        print(f"resilience quarantine list: {exc}", file=sys.stderr)
        return 2
    _print_rows(rows, args.format)
    return 0


def cmd_quarantine_replay(args: argparse.Namespace) -> int:
    from pipelines.ingest.quarantine import replay_quarantine

    paths = _paths(args)
    if not paths.warehouse.exists():
        print(f"resilience quarantine replay: no warehouse at {paths.warehouse}", file=sys.stderr)
        return 2
    print(json.dumps(replay_quarantine(paths, args.source, args.file), indent=2))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``ingest`` and ``quarantine`` to the ``resilience`` command."""
    p = subparsers.add_parser(
        "ingest", help="load landing files into raw (and staging) for one local day"
    )
    p.add_argument("--sources", default="all", help="comma-separated sources (default: all)")
    p.add_argument("--date", required=True, help="local day YYYY-MM-DD (the run's interval)")
    p.add_argument("--data-dir", help="data directory (default: RESILIENCE_DATA_DIR or data/)")
    p.add_argument("--no-staging", action="store_true", help="stop after raw")
    p.set_defaults(func=cmd_ingest)

    q = subparsers.add_parser("quarantine", help="list or replay quarantined rows")
    qs = q.add_subparsers(dest="quarantine_command", required=True)
    ql = qs.add_parser("list", help="print quarantined rows (data on stdout)")
    ql.add_argument("--source")
    ql.add_argument("--file")
    ql.add_argument("--limit", type=int)
    ql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ql.add_argument("--data-dir")
    ql.add_argument("--mapping", help="use the warehouse of config/mappings/<name>.yaml")
    ql.set_defaults(func=cmd_quarantine_list)
    qr = qs.add_parser("replay", help="re-check quarantined rows after a contract or mapping fix")
    qr.add_argument("--source")
    qr.add_argument("--file")
    qr.add_argument("--data-dir")
    qr.add_argument("--mapping", help="use the warehouse of config/mappings/<name>.yaml")
    qr.set_defaults(func=cmd_quarantine_replay)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m pipelines.ingest.cli``) until pipelines/cli.py wires it."""
    parser = argparse.ArgumentParser(prog="resilience")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
