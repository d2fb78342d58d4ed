"""``resilience report`` and ``resilience schema-docs``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines import warehouse
from pipelines.cli_common import local_date
from pipelines.errors import UserError
from pipelines.settings import get_paths


def _cmd_report(args: argparse.Namespace) -> int:
    from pipelines.report import ReportDataError, generate_report

    paths = get_paths(data_dir=args.data_dir)
    db = Path(args.warehouse) if args.warehouse else paths.published_warehouse
    out = Path(args.out) if args.out else paths.reports
    try:
        result = generate_report(db, out, args.date, progress=not args.quiet)
    except warehouse.WarehouseMissingError as exc:
        raise UserError(f"{exc} (publish one with `resilience publish`)") from exc
    except ReportDataError as exc:
        raise UserError(str(exc)) from exc
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _cmd_schema_docs(args: argparse.Namespace) -> int:
    from pipelines.report.schema_docs import SCHEMA_DOC, check_schema_doc, write_schema_doc

    target = Path(args.output) if args.output else SCHEMA_DOC
    if args.check:
        problems = check_schema_doc(target)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            return 1
        print(f"{target} is up to date; every table and column is described", file=sys.stderr)
        return 0
    path, offenders = write_schema_doc(target)
    for o in offenders:
        print(f"warning: missing description: {o}", file=sys.stderr)
    print(path)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the bilingual HTML risk report, Excel workbook and CSVs for a date",
        description="Write reports/risk_report_<date>.html (one offline file, Chinese with an "
        "English switch), reports/risk_register_<date>.xlsx and reports/*_<date>.csv from the "
        "published warehouse. Prints the written paths and counts as JSON on stdout.",
    )
    p.add_argument(
        "--date", type=local_date, help="as_of_date to report (default: the last assessed date)"
    )
    p.add_argument("--data-dir", help="data directory (default: RESILIENCE_DATA_DIR or data/)")
    p.add_argument("--warehouse", help="warehouse file to read (default: the published copy)")
    p.add_argument("--out", help="output folder (default: <data-dir>/reports)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "schema-docs",
        help="generate docs/schema.md from COMMENT ON in sql/schemas (or --check it)",
        description="Apply sql/schemas/*.sql to an in-memory database and write every table's "
        "and column's description to docs/schema.md. With --check, exit 1 when the page is out "
        "of date or a table or column has no description.",
    )
    p.add_argument("--check", action="store_true", help="only check; exit 1 on drift or gaps")
    p.add_argument("--output", help="page to write or check (default: docs/schema.md)")
    p.set_defaults(func=_cmd_schema_docs)
