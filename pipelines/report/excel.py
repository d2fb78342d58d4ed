"""The officers' Excel workbook and CSV exports of the same tables.

Chinese headers (English on a second line), a frozen header row, auto-filters and level
colours. Rows are streamed from DuckDB into a write-only workbook, so the whole register of a
city fits without holding it in memory. Text from input data that starts with ``= + - @`` is
stored as text (never a formula) in the workbook and prefixed with ``'`` in CSV files.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from tqdm import tqdm

from pipelines.report import labels
from pipelines.report.data import (
    ReportData,
    alarms_query,
    day_bounds,
    ledger_query,
    register_params,
    register_query,
)
from pipelines.settings import LOCAL_TZ

#: Rows per sheet. openpyxl writes about 3,000 register rows a second, so the workbook stops at
#: the 100,000 most severe rows (a note on the summary sheet says so) and the CSV keeps them all.
#: A rendering limit, not a risk threshold. Excel itself stops at 1,048,575 data rows.
MAX_SHEET_ROWS = 100_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DCE3EB")
HEADER_FONT = Font(bold=True)
LEVEL_FILLS = {
    lv: PatternFill("solid", fgColor=c.lstrip("#").upper()) for lv, c in labels.LEVEL_COLOUR.items()
}
LEVEL_FONTS = {
    lv: Font(color=c.lstrip("#").upper(), bold=True) for lv, c in labels.LEVEL_TEXT_COLOUR.items()
}

Translator = Callable[[Any], Any]


def _zh(table: dict[str, tuple[str, str]]) -> Translator:
    return lambda v: None if v is None else labels.pair(table, v)[0]


def _level_zh(v: Any) -> Any:
    return None if v is None else labels.LEVEL_ZH.get(v, v)


def _yes_no(v: Any) -> Any:
    return None if v is None else ("是" if v else "否")


@dataclass(frozen=True)
class Table:
    """One sheet and one CSV file: columns in order, value translators, the level column."""

    sheet: str
    csv_name: str
    columns: tuple[str, ...]
    translate: dict[str, Translator] = field(default_factory=dict)
    level_column: str | None = None
    widths: dict[str, int] = field(default_factory=dict)


REGISTER = Table(
    "风险清单",
    "risk_register",
    (
        "risk_level_zh",
        "risk_level",
        "risk_source_id",
        "source_name",
        "domain",
        "score",
        "likelihood",
        "consequence",
        "method",
        "computed_level",
        "override_by",
        "override_reason",
        "drivers",
        "recommended_action",
        "responsible_unit",
        "district",
        "district_name",
        "first_seen",
        "last_changed",
        "change",
    ),
    {"domain": _zh(labels.DOMAIN), "change": _zh(labels.CHANGE), "computed_level": _level_zh},
    level_column="risk_level_zh",
    widths={"drivers": 60, "recommended_action": 40, "risk_source_id": 22},
)
LEDGER = Table(
    "隐患台账",
    "hazard_ledger",
    (
        "hazard_id",
        "severity",
        "status",
        "deadline",
        "overdue",
        "days_overdue",
        "domain",
        "description",
        "risk_source_id",
        "district",
        "responsible_unit",
    ),
    {
        "severity": _zh(labels.SEVERITY),
        "status": _zh(labels.HAZARD_STATUS),
        "overdue": _yes_no,
        "domain": _zh(labels.DOMAIN),
    },
    widths={"description": 60, "hazard_id": 22},
)
SPECTRUM = Table(
    "风险谱系",
    "district_risk_spectrum",
    ("district", "district_name", "domain", "red", "orange", "yellow", "blue", "total", "trend"),
    {"domain": _zh(labels.DOMAIN)},
)
ALARMS = Table(
    "生命线报警",
    "lifeline_alarms",
    (
        "grade",
        "episode_id",
        "domain",
        "sensor_id",
        "measure",
        "opened_at",
        "peak_value",
        "unit",
        "status",
        "district",
        "reason",
    ),
    {"grade": _zh(labels.GRADE), "domain": _zh(labels.DOMAIN)},
    widths={"reason": 60, "episode_id": 24},
)
QUALITY = Table(
    "数据质量",
    "data_quality",
    ("table_name", "expectations", "passed", "failed", "failed_critical", "failed_names"),
    widths={"failed_names": 80, "table_name": 28},
)
FRESHNESS = Table(
    "数据时效",
    "data_freshness",
    (
        "source",
        "files",
        "rows_loaded",
        "rows_quarantined",
        "last_loaded_at",
        "latest_data_at",
        "lag_hours",
        "fresh",
    ),
    {"fresh": _yes_no},
)

EXTRA_HEADERS = {
    "risk_level_zh": ("风险等级", "Risk level"),
    "risk_level": ("等级代码", "Level code"),
}


def header_pair(key: str) -> tuple[str, str]:
    return EXTRA_HEADERS.get(key) or labels.header(key)


def safe_text(value: str) -> str:
    """CSV cell text that spreadsheet programs will not evaluate as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def cell_value(value: Any) -> Any:
    """A value Excel can store: naive local datetimes, floats for decimals."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | dict):
        return str(value)
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, str):  # the common case first
        return safe_text(value)
    if isinstance(value, int | float):
        return value
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


def _prepare(table: Table, row: dict[str, Any]) -> list[Any]:
    if "risk_level" in row and "risk_level_zh" in table.columns:
        row = {**row, "risk_level_zh": _level_zh(row["risk_level"])}
    return [table.translate.get(c, lambda v: v)(row.get(c)) for c in table.columns]


class WorkbookWriter:
    """Streams tables into a write-only workbook and matching BOM-prefixed CSV files."""

    def __init__(self, out_dir: Path, as_of: date, progress: bool = False) -> None:
        self.progress = progress
        self.out_dir = out_dir
        self.as_of = as_of
        self.wb = Workbook(write_only=True)
        self.rows_written: dict[str, int] = {}
        self.truncated: dict[str, int] = {}
        self.csv_paths: list[Path] = []
        self._level_templates: dict[str, WriteOnlyCell] = {}

    def _cell(self, ws: Any, value: Any, level: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=cell_value(value))
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True
        if level in LEVEL_FILLS:
            template = self._level_templates.get(level)
            if template is None:  # register the style once; copying it is much cheaper
                template = WriteOnlyCell(ws)
                template.fill, template.font = LEVEL_FILLS[level], LEVEL_FONTS[level]
                self._level_templates[level] = template
            cell._style = copy(template._style)
        return cell

    def write(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        ws = self.wb.create_sheet(table.sheet)
        ws.freeze_panes = "A2"
        for i, col in enumerate(table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = table.widths.get(col, 16)
        header = []
        for col in table.columns:
            zh, en = header_pair(col)
            c = WriteOnlyCell(ws, value=f"{zh}\n{en}")
            c.font, c.fill = HEADER_FONT, HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(c)
        ws.append(header)
        level_idx = table.columns.index(table.level_column) if table.level_column else None
        path = self.out_dir / f"{table.csv_name}_{self.as_of.isoformat()}.csv"
        n = 0
        bar = tqdm(
            desc=table.sheet, unit="row", file=sys.stderr, disable=not self.progress, leave=False
        )
        with bar, path.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow([f"{header_pair(c)[0]}({c})" for c in table.columns])
            for row in rows:
                values = _prepare(table, row)
                out.writerow([_csv_value(v) for v in values])
                n += 1
                bar.update(1)
                if n > MAX_SHEET_ROWS:
                    continue  # CSV keeps every row; the sheet stops at Excel's limit
                cells = [
                    self._cell(ws, v)
                    if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)
                    else cell_value(v)
                    for v in values
                ]  # plain values are several times faster than cell objects at city scale
                if level_idx is not None:
                    cells[level_idx] = self._cell(ws, values[level_idx], row.get("risk_level"))
                ws.append(cells)
        shown = min(n, MAX_SHEET_ROWS)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{shown + 1}"
        if n > MAX_SHEET_ROWS:
            self.truncated[table.sheet] = n
        self.rows_written[table.sheet] = n
        self.csv_paths.append(path)
        return n

    def summary(self, data: ReportData) -> None:
        """First sheet: counts by level with the previous date, changes and notes."""
        ws = self.wb.create_sheet("概览", 0)
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 24
        for col in "BCD":
            ws.column_dimensions[col].width = 16
        head = [
            ("等级", "Level"),
            ("数量", "Count"),
            ("前一日", "Previous day"),
            ("变化量", "Change"),
        ]
        cells = []
        for zh, en in head:
            c = WriteOnlyCell(ws, value=f"{zh}\n{en}")
            c.font, c.fill = HEADER_FONT, HEADER_FILL
            c.alignment = Alignment(wrap_text=True)
            cells.append(c)
        ws.append(cells)
        for lv in labels.LEVELS:
            now = data.counts.get(lv, 0)
            before = data.previous_counts.get(lv, 0) if data.previous_date else None
            ws.append(
                [
                    self._cell(ws, labels.LEVEL_ZH[lv], lv),
                    now,
                    before,
                    None if before is None else now - before,
                ]
            )
        ws.auto_filter.ref = "A1:D5"
        ws.append([])
        ws.append(["评估日期 As of", data.as_of_date])
        ws.append(["前一评估日期 Previous date", data.previous_date])
        for key in ("new", "escalated", "de-escalated", "resolved", "unchanged"):
            zh, en = labels.pair(labels.CHANGE, key)
            ws.append([f"{zh} {en}", data.changes.get(key, 0)])
        ws.append(["未销号隐患 Open hazards", data.ledger_total])
        ws.append(["逾期隐患 Overdue hazards", data.ledger_overdue])
        for sheet, n in self.truncated.items():
            ws.append(
                [
                    f"{sheet}: 仅前 {MAX_SHEET_ROWS} 行 / first {MAX_SHEET_ROWS} of {n} rows; full table in CSV"
                ]
            )

    def save(self, path: Path) -> Path:
        tmp = path.with_suffix(".xlsx.tmp")
        self.wb.save(tmp)
        tmp.replace(path)
        return path


def _stream(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any, batch: int = 10_000
) -> Iterator[dict[str, Any]]:
    cur = con.execute(sql, params) if params else con.execute(sql)
    names = [d[0] for d in cur.description]
    while chunk := cur.fetchmany(batch):
        for row in chunk:
            yield dict(zip(names, row, strict=True))


def write_workbook(
    con: duckdb.DuckDBPyConnection,
    data: ReportData,
    out_dir: Path,
    progress: Callable[[str], None] | None = None,
    row_progress: bool = False,
) -> tuple[Path, list[Path], dict[str, int]]:
    """Write ``risk_register_<date>.xlsx`` and the CSV files; returns paths and row counts."""
    step = progress or (lambda _name: None)
    names = {str(d["district_id"]): d.get("name_zh") for d in data.districts}
    w = WorkbookWriter(out_dir, data.as_of_date, progress=row_progress)
    step("register")
    reg_sql = register_query(con, data.as_of_date, data.previous_date)
    w.write(
        REGISTER, _stream(con, reg_sql, register_params(con, data.as_of_date, data.previous_date))
    )
    step("ledger")
    lq = ledger_query(con)
    w.write(LEDGER, _stream(con, lq, None) if lq else [])
    step("spectrum")
    w.write(
        SPECTRUM,
        (
            {**r, "district_name": r.get("name_zh") or names.get(str(r["district"]))}
            for r in data.spectrum
        ),
    )
    step("alarms")
    aq = alarms_query(con)
    w.write(ALARMS, _stream(con, aq, day_bounds(data.as_of_date)) if aq else [])
    step("quality")
    w.write(QUALITY, data.quality)
    w.write(FRESHNESS, data.freshness)
    w.summary(data)
    path = w.save(out_dir / f"risk_register_{data.as_of_date.isoformat()}.xlsx")
    return path, w.csv_paths, w.rows_written
