"""The workbook and CSVs: Chinese headers, frozen rows, filters, colours, no formulas."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from pipelines.report.excel import safe_text

from .fixture_warehouse import DAY2, FORMULA_NAME


def test_workbook_sheets_headers_filters_and_colours(built):
    wb = load_workbook(built["xlsx"])
    assert wb.sheetnames == [
        "概览",
        "风险清单",
        "隐患台账",
        "风险谱系",
        "生命线报警",
        "数据质量",
        "数据时效",
    ]
    ws = wb["风险清单"]
    assert ws["A1"].value == "风险等级\nRisk level"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:T{ws.max_row}"
    assert ws.max_row == 1 + 8  # 7 risks + 1 resolved
    assert ws["A2"].value == "重大风险" and ws["B2"].value == "red"
    assert ws["A2"].fill.fgColor.rgb.endswith("D7191C")
    for sheet in wb.sheetnames[1:]:
        assert wb[sheet].freeze_panes == "A2"
        assert wb[sheet].auto_filter.ref.startswith("A1:")
    summary = wb["概览"]
    assert [summary.cell(r, 2).value for r in range(2, 6)] == [2, 1, 2, 2]
    assert [summary.cell(r, 4).value for r in range(2, 6)] == [1, 0, -1, 0]


def test_formula_like_input_is_text_not_formula(built):
    wb = load_workbook(built["xlsx"])
    names = [c for row in wb["风险清单"].iter_rows() for c in row if c.value == FORMULA_NAME]
    assert names and all(c.data_type == "s" for c in names)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert not any(c.data_type == "f" for c in row)


def test_csv_has_bom_chinese_and_defused_formulas(built):
    path = Path(built["csv"][0])
    assert path.name == f"risk_register_{DAY2.isoformat()}.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "风险等级(risk_level_zh)"
    assert "'" + FORMULA_NAME in {cell for row in rows for cell in row}
    alarms = Path(next(p for p in built["csv"] if "lifeline_alarms" in p)).read_text(
        encoding="utf-8-sig"
    )
    assert "'-2+3 cmd" in alarms


def test_safe_text():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("南关区") == "南关区"
