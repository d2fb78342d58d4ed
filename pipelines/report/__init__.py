"""What officers and analysts get: the bilingual offline HTML report, the Excel workbook with
CSV exports, and the schema documentation page.

``build_report(ctx)`` is the DAG task (it reads the working warehouse read-only inside the
writer pool); ``generate_report`` is what the CLI calls on the published copy.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.report.data import ReportDataError, load_report_data

log = logging.getLogger(__name__)

__all__ = ["ReportDataError", "build_report", "generate_report"]


def generate_report(
    db_path: str | Path,
    out_dir: str | Path,
    as_of_date: date | None = None,
    *,
    progress: bool = False,
) -> dict[str, Any]:
    """Write ``risk_report_<date>.html``, ``risk_register_<date>.xlsx`` and CSVs to ``out_dir``.

    Reads ``db_path`` read-only; ``as_of_date`` defaults to the last assessed date. Raises
    ``warehouse.WarehouseMissingError`` or ``ReportDataError`` with a message for the user.
    """
    from pipelines.report.excel import MAX_SHEET_ROWS, write_workbook
    from pipelines.report.htmlreport import render_html

    db_path = Path(db_path)
    if not db_path.exists():
        raise warehouse.WarehouseMissingError(
            f"no warehouse at {db_path}; run the pipeline (or `make demo`) first"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    bar = tqdm(total=8, desc="report", unit="step", file=sys.stderr, disable=not progress)
    con = warehouse.connect(db_path, read_only=True)
    con.execute("SET enable_progress_bar = false")  # DuckDB's bar would write to stdout
    try:
        bar.set_postfix_str("query")
        data = load_report_data(con, as_of_date)
        bar.update(1)
        bar.set_postfix_str("html")
        html_path = out / f"risk_report_{data.as_of_date.isoformat()}.html"
        tmp = html_path.with_suffix(".html.tmp")
        tmp.write_text(render_html(data), encoding="utf-8")
        tmp.replace(html_path)
        bar.update(1)

        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        xlsx_path, csv_paths, rows = write_workbook(
            con, data, out, progress=step, row_progress=progress
        )
        bar.update(bar.total - bar.n)
    finally:
        con.close()
        bar.close()
    result = {
        "as_of_date": data.as_of_date.isoformat(),
        "html": str(html_path),
        "html_bytes": html_path.stat().st_size,
        "xlsx": str(xlsx_path),
        "xlsx_bytes": xlsx_path.stat().st_size,
        "csv": [str(p) for p in csv_paths],
        "risks": data.register_total,
        "map_points": len(data.points),
        "map_pipes": len(data.pipes),
        "open_hazards": data.ledger_total,
        "register_rows": rows.get("风险清单", 0),
        "xlsx_truncated": rows.get("风险清单", 0) > MAX_SHEET_ROWS,
        "seconds": round(time.perf_counter() - started, 2),
    }
    log.info("report for %s: %s (%d bytes)", result["as_of_date"], html_path, result["html_bytes"])
    return result


def build_report(ctx: RunContext) -> dict[str, Any]:
    """DAG task: the report for the run's ``as_of_date`` from the working warehouse.

    Runs inside the writer pool, so the file is free; it only reads (read-only connection).
    """
    return generate_report(ctx.paths.warehouse, ctx.paths.reports, ctx.as_of_date)
