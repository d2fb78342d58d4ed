"""run_building_risk on the synthetic set: latest-inspection rule, flags, lists, idempotency."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipelines import warehouse
from pipelines.buildings import run_building_risk
from pipelines.context import RunContext


def _risk(ctx: RunContext) -> dict[str, dict[str, Any]]:
    con = warehouse.connect(ctx.paths.warehouse, read_only=True)
    try:
        cur = con.execute(
            "SELECT * EXCLUDE (latest_inspected_at) FROM marts.building_risk WHERE as_of_date = ?",
            [ctx.as_of_date],
        )
        cols = [d[0] for d in cur.description]
        return {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def _lists(ctx: RunContext) -> list[tuple[Any, ...]]:
    con = warehouse.connect(ctx.paths.warehouse, read_only=True)
    try:
        return con.execute(
            "SELECT list_type, building_id, priority, deadline, required_action, reason, occupants, district_id "
            "FROM marts.renovation_candidates WHERE as_of_date = ? ORDER BY list_type, priority",
            [ctx.as_of_date],
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def result_and_ctx(synthetic_ctx: RunContext) -> tuple[dict[str, Any], RunContext]:
    return run_building_risk(synthetic_ctx), synthetic_ctx


def test_counts_per_level(result_and_ctx: tuple[dict[str, Any], RunContext]) -> None:
    result, _ = result_and_ctx
    assert result["risk_levels"] == {"red": 2, "orange": 1, "yellow": 2, "blue": 9}
    assert result["buildings"] == 14 and result["demolished"] == 1
    assert result["lists"] == {
        "danger_c": 2,
        "danger_d": 1,
        "data_issue": 5,
        "prefab_governance": 1,
        "seismic_retrofit": 3,
    }


def test_latest_valid_inspection_wins(result_and_ctx: tuple[dict[str, Any], RunContext]) -> None:
    _, ctx = result_and_ctx
    b03 = _risk(ctx)["B03"]
    # B 2020, C 2024-05-01, A 2025-01-01 withdrawn, D 2025-08-01 after the as_of_date.
    assert b03["latest_grade"] == "C"
    assert b03["valid_inspections"] == 2
    assert b03["grade_history"] == "2020-01-01 B; 2024-05-01 C; 2025-01-01 A (withdrawn)"


def test_future_inspection_counts_on_a_later_as_of_date(
    result_and_ctx: tuple[dict[str, Any], RunContext],
) -> None:
    _, ctx = result_and_ctx
    later = RunContext.for_local_day(date(2025, 8, 1), paths=ctx.paths)
    run_building_risk(later)
    assert _risk(later)["B03"]["latest_grade"] == "D"
    assert _risk(later)["B03"]["risk_level"] in {"orange", "red"}
    assert _risk(ctx)["B03"]["latest_grade"] == "C"  # the earlier snapshot is untouched


def test_contradicting_grades_flagged_unless_works_between(
    result_and_ctx: tuple[dict[str, Any], RunContext],
) -> None:
    _, ctx = result_and_ctx
    risk = _risk(ctx)
    assert (
        risk["B04"]["data_flags"]
        == "contradicting_grades (D 2019-01-01 -> A 2021-01-01, no works between)"
    )
    assert risk["B05"]["data_flags"] is None  # renovation 2020 between D and A
    issues = {r[1]: r for r in _lists(ctx) if r[0] == "data_issue"}
    assert set(issues) == {"B04", "B06", "B07", "B08", "B09"}
    assert "contradicting_grades" in issues["B04"][5]


def test_impossible_years_and_missing_structure_flagged(
    result_and_ctx: tuple[dict[str, Any], RunContext],
) -> None:
    _, ctx = result_and_ctx
    risk = _risk(ctx)
    assert risk["B07"]["data_flags"] == "year_impossible (1750)"
    assert risk["B08"]["data_flags"] == "year_impossible (2030)"
    assert risk["B06"]["data_flags"] == "structure_type_missing"
    assert risk["B06"]["hazus_type"] is None and risk["B06"]["p_complete"] is None
    assert (
        risk["B09"]["member_ratio_grade"] == "D"
        and "grade_vs_member_ratio" in risk["B09"]["data_flags"]
    )


def test_building_row_content(result_and_ctx: tuple[dict[str, Any], RunContext]) -> None:
    _, ctx = result_and_ctx
    risk = _risk(ctx)
    b01 = risk["B01"]
    assert (b01["likelihood"], b01["consequence"], b01["risk_score"], b01["risk_level"]) == (
        5,
        5,
        25,
        "red",
    )
    assert b01["site_intensity"] == 7 and b01["hazus_type"] == "PC2M"
    assert "D级整幢危房" in b01["drivers"] and "fortification 6 < site VII" in b01["drivers"]
    total = b01["p_slight"] + b01["p_moderate"] + b01["p_extensive"] + b01["p_complete"]
    assert 0 < total <= 1
    assert b01["expected_occupants_affected"] == pytest.approx(
        620 * (0.9 * b01["p_extensive"] + 1.0 * b01["p_complete"])
    )
    assert "B12" not in risk  # demolished without rebuild
    assert risk["B14"]["site_intensity"] == 8  # outside every zone: district fallback
    assert risk["B11"]["fortification_intensity"] == 7  # after the 2022 seismic retrofit
    assert risk["B15"]["risk_level"] == "orange" and "super-tall 150 m" in risk["B15"]["drivers"]


def test_renovation_lists(result_and_ctx: tuple[dict[str, Any], RunContext]) -> None:
    _, ctx = result_and_ctx
    rows = _lists(ctx)
    by = {(r[0], r[1]): r for r in rows}
    d = by[("danger_d", "B01")]
    assert d[3] == date(2025, 3, 8)  # 7 days after the D inspection
    assert d[4].startswith("停止使用") and "evacuate" in d[4]
    assert d[6] == 620 and d[7] == "220102" and "已逾期" in d[5]
    assert [r[1] for r in rows if r[0] == "danger_c"] == ["B14", "B03"]  # hospital 900 first
    assert by[("danger_c", "B03")][3] == date(2024, 7, 30)
    assert [r[1] for r in rows if r[0] == "prefab_governance"] == ["B01"]  # B13 already governed
    # Below site intensity and never retrofitted (B11 was), by expected occupants affected.
    assert [r[1] for r in rows if r[0] == "seismic_retrofit"] == ["B14", "B01", "B10"]
    assert by[("prefab_governance", "B01")][3] == date(2030, 12, 31)


def test_rerun_is_idempotent(result_and_ctx: tuple[dict[str, Any], RunContext]) -> None:
    first, ctx = result_and_ctx
    risk_before, lists_before = _risk(ctx), _lists(ctx)
    second = run_building_risk(ctx)
    assert second == first
    assert _risk(ctx) == risk_before
    assert _lists(ctx) == lists_before
    con = warehouse.connect(ctx.paths.warehouse, read_only=True)
    try:
        n = con.execute(
            "SELECT count(*) FROM marts.building_risk WHERE as_of_date = ?", [ctx.as_of_date]
        ).fetchone()[0]
    finally:
        con.close()
    assert n == 14


def test_every_mart_column_has_a_comment(result_and_ctx: tuple[dict[str, Any], RunContext]) -> None:
    _, ctx = result_and_ctx
    con = warehouse.connect(ctx.paths.warehouse, read_only=True)
    try:
        missing = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
            "AND table_name IN ('building_risk', 'renovation_candidates') AND comment IS NULL"
        ).fetchall()
        tables = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
            "AND table_name IN ('building_risk', 'renovation_candidates') AND comment IS NOT NULL"
        ).fetchone()[0]
    finally:
        con.close()
    assert missing == [] and tables == 2


def test_crash_leaves_the_snapshot_as_it_was(
    result_and_ctx: tuple[dict[str, Any], RunContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ctx = result_and_ctx
    before, lists_before = _risk(ctx), _lists(ctx)
    original = warehouse.run_sql_file

    def fail_after_lists(con: Any, relpath: str, params: Any = None) -> None:
        original(con, relpath, params)  # both marts deleted and re-inserted ...
        if relpath.endswith("03_renovation_candidates.sql"):
            raise RuntimeError("crash after writing")  # ... then the run dies

    monkeypatch.setattr(warehouse, "run_sql_file", fail_after_lists)
    crashing = RunContext(ctx.interval_start, ctx.interval_end, run_id="crashing", paths=ctx.paths)
    with pytest.raises(RuntimeError, match="crash after writing"):
        run_building_risk(crashing)  # its rows would carry run_id 'crashing'
    monkeypatch.undo()
    assert {r["run_id"] for r in _risk(ctx).values()} == {ctx.run_id}
    assert _risk(ctx) == before
    assert _lists(ctx) == lists_before
