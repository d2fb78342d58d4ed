"""The HTML report: content, escaping, offline-ness, date handling, size limits on the map."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pipelines import warehouse
from pipelines.report import ReportDataError, data, generate_report
from pipelines.report.data import load_report_data

from .fixture_warehouse import DAY1, DAY2, EVIL_DRIVER


def _html(built) -> str:
    return Path(built["html"]).read_text(encoding="utf-8")


def test_report_file_is_named_by_last_date(built):
    assert built["as_of_date"] == DAY2.isoformat()
    assert Path(built["html"]).name == f"risk_report_{DAY2.isoformat()}.html"
    assert built["html_bytes"] < 20 * 1024 * 1024


def test_counts_and_changes_since_previous_date(fixture_db):
    con = warehouse.connect(fixture_db, read_only=True)
    try:
        d = load_report_data(con)
    finally:
        con.close()
    assert d.previous_date == DAY1
    # water:W9 is assessed but not in the register: it is not counted in the headline
    assert d.counts == {"red": 2, "orange": 1, "yellow": 2, "blue": 2}
    assert d.previous_counts == {"red": 1, "orange": 1, "yellow": 3, "blue": 2}
    assert d.changes == {"new": 1, "escalated": 1, "de-escalated": 1, "resolved": 1, "unchanged": 4}
    assert [r["risk_source_id"] for r in d.register[:3]] == ["building:B1", "gas:G1", "water:W1"]
    assert d.register[-1]["change"] == "resolved"
    # the spectrum counts every assessed source, W9 included (drainage, 绿园区)
    cell = next(s for s in d.spectrum if s["district"] == "220106" and s["domain"] == "drainage")
    assert (cell["yellow"], cell["blue"], cell["total"]) == (1, 1, 2)
    assert sum(s["total"] for s in d.spectrum) == 8


def test_every_input_value_is_escaped(built):
    html = _html(built)
    assert EVIL_DRIVER not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<b>drop</b>" not in html
    # the only script element is the language switch
    assert len(re.findall(r"<script\b", html)) == 1


def test_chinese_is_in_the_markup_by_default(built):
    html = _html(built)
    assert '<html lang="zh-CN" class="lang-zh">' in html
    body = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    for text in ("重大风险", "隐患台账", "区域风险谱系", "数据质量", "南关区"):
        assert text in body
    assert ".lang-zh .en{display:none}" in html


def test_report_needs_no_network(built):
    html = _html(built)
    assert "default-src 'none'" in html
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert refs and all(r.startswith("data:") for r in refs)
    assert "@import" not in html and "url(" not in html and "@font-face" not in html


def test_map_draws_only_red_and_orange_items(built):
    html = _html(built)
    svg = html[html.index("<svg") : html.index("</svg>")]
    circles = re.findall(r'<circle class="risk (\w+)"', svg)
    assert sorted(circles) == ["orange", "red", "red"]
    pipes = re.findall(r'<path class="pipe (\w+)"', svg)
    assert sorted(pipes) == ["orange", "red"]
    assert svg.count('class="district"') == 3


def test_ledger_lists_open_hazards_overdue_first(built):
    html = _html(built)
    ledger = html[
        html.index('id="ledger-table"') : html.index("</table>", html.index('id="ledger-table"'))
    ]
    assert ledger.index("HZ-LATE") < ledger.index("HZ-OK")
    assert "HZ-CLOSED" not in ledger
    assert 'class="overdue"' in ledger


def test_quality_and_freshness_sections(built):
    html = _html(built)
    quality = html[html.index('id="quality-table"') : html.index('id="freshness-table"')]
    assert "expect_column_values_to_be_between (value)" in quality
    fresh = html[html.index('id="freshness-table"') :]
    # pipe_breaks has no data inside the day: shown as not fresh
    row = fresh[fresh.index("pipe_breaks") : fresh.index("</tr>", fresh.index("pipe_breaks"))]
    assert 'class="bad"' in row


def test_report_for_an_earlier_date(fixture_db, tmp_path):
    result = generate_report(fixture_db, tmp_path, DAY1)
    html = Path(result["html"]).read_text(encoding="utf-8")
    assert result["as_of_date"] == DAY1.isoformat()
    assert "无前一日数据" in html


def test_unknown_date_and_missing_warehouse_are_clear_errors(fixture_db, tmp_path):
    with pytest.raises(
        ReportDataError,
        match=r"no risk assessment for 2020-01-01; assessed dates: 2025-11-04 \.\. 2025-11-05",
    ):
        generate_report(fixture_db, tmp_path, date(2020, 1, 1))
    with pytest.raises(warehouse.WarehouseMissingError, match="no warehouse at"):
        generate_report(tmp_path / "nope.duckdb", tmp_path)


def test_map_is_capped_with_a_note(fixture_db, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MAP_MAX_POINTS", 1)
    result = generate_report(fixture_db, tmp_path)
    html = Path(result["html"]).read_text(encoding="utf-8")
    assert html.count('<circle class="risk') == 1
    assert "仅显示风险值最高的 1 项（共 3 项）" in html
