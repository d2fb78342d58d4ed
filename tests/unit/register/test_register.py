"""run_register on the tiny city: levels, change classes, history, overrides, spectrum, idempotency."""

from __future__ import annotations

import copy

from pipelines import warehouse
from pipelines.register import run_register
from pipelines.register.inputs import prepare_inputs
from pipelines.settings import load_config
from tests.unit.register.conftest import DATES, ctx_for, query

D1, D2, D3, D4 = DATES


def _daily(paths, day):
    rows = query(
        paths,
        "SELECT risk_source_id, risk_level, change FROM marts.risk_register_daily WHERE as_of_date = ?",
        [day],
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def test_one_scale_for_every_domain(city) -> None:
    paths, results = city
    rows = {
        r[0]: r[1:]
        for r in query(
            paths,
            "SELECT risk_source_id, domain, likelihood, consequence, score, computed_level FROM marts.risk_snapshot "
            "WHERE as_of_date = ?",
            [D1],
        )
    }
    assert rows["P1"] == ("gas", 5, 5, 25.0, "red")  # 1.2 breaks/km/yr, 85 points
    assert rows["P3"] == ("drainage", 1, 1, 1.0, "blue")
    assert rows["B2"][1:] == (
        2,
        2,
        4.0,
        "orange",
    )  # matrix says blue, the grade-D floor keeps orange
    assert rows["F1"] == ("hazardous_facility", 4, 4, 16.0, "orange")  # LPG, q = 3
    assert rows["LL:A1"] == ("gas", 5, 5, 25.0, "red")  # open grade I alarm
    assert rows["LL:S2"] == ("water", 2, 4, 8.0, "blue")  # one closed grade II alarm
    assert "LL:A3" not in rows  # its only alarm is on D2
    assert results[D1][0]["missing_inputs"] == []


def test_register_rule_leaves_blue_pipes_out_but_keeps_them_in_the_snapshot(city) -> None:
    paths, _ = city
    assert "P3" not in _daily(paths, D1)
    assert query(
        paths,
        "SELECT in_register FROM marts.risk_snapshot WHERE as_of_date = ? AND risk_source_id = 'P3'",
        [D1],
    ) == [(False,)]


def test_change_classification(city) -> None:
    paths, _ = city
    d2, d3 = _daily(paths, D2), _daily(paths, D3)
    assert d2["P2"] == ("orange", "escalated")
    assert d2["P3"] == ("yellow", "new")
    assert d2["P1"] == ("red", "unchanged")
    assert d3["P1"] == ("orange", "de-escalated")
    assert d3["P4"] == (
        "yellow",
        "resolved",
    )  # became blue: leaves the register, keeps its last level
    assert d3["B1"] == ("orange", "resolved")  # no longer assessed (demolished)
    assert all(v[1] == "new" for v in _daily(paths, D1).values())


def test_register_columns_first_seen_and_last_changed(city) -> None:
    paths, _ = city
    row = query(
        paths,
        "SELECT as_of_date, first_seen, last_changed, change, district, responsible_unit, method, recommended_action "
        "FROM marts.risk_register WHERE risk_source_id = 'P2'",
    )
    assert row[0][:5] == (D3, D1, D2, "unchanged", "南关区")
    assert row[0][5] == "U-water" and row[0][6] == "matrix" and row[0][7].startswith("较大风险")


def test_history_merges_consecutive_equal_assessments(city) -> None:
    paths, _ = city
    hist = query(
        paths,
        "SELECT risk_source_id, version, risk_level, valid_from, valid_to, snapshots, is_current "
        "FROM marts.risk_register_history WHERE risk_source_id IN ('P1', 'P2', 'B1', 'F1') ORDER BY 1, 2",
    )
    assert hist == [
        ("B1", 1, "orange", D1, D3, 2, False),  # absent on D3: the version ends there
        ("F1", 1, "orange", D1, None, 3, True),
        ("P1", 1, "red", D1, D3, 2, False),
        ("P1", 2, "orange", D3, None, 1, True),
        ("P2", 1, "yellow", D1, D2, 1, False),
        ("P2", 2, "orange", D2, None, 2, True),
    ]


def test_overrides_applied_beside_computed_level_and_audited(city) -> None:
    paths, _ = city
    f2 = query(
        paths,
        "SELECT as_of_date, computed_level, risk_level, override_level, override_by, override_reason "
        "FROM marts.risk_snapshot WHERE risk_source_id = 'F2' ORDER BY 1",
    )
    assert f2[0] == (D1, "blue", "yellow", "yellow", "科员李某", "先按黄色管控")
    assert f2[1] == (D2, "blue", "red", "red", "科长周某", "构成重大危险源，提级管控")
    log = dict(
        query(
            paths, "SELECT decision_id, effect FROM audit.decision_log WHERE as_of_date = ?", [D2]
        )
    )
    assert log == {
        "OD1": "applied",
        "OD5": "superseded",
        "OD2": "target_not_found",
        "OD3": "applied",
        "OD4": "applied",
    }
    # OD1 was decided on D2: it does not apply to D1
    assert query(
        paths,
        "SELECT count(*) FROM audit.decision_log WHERE as_of_date = ? AND decision_id = 'OD1'",
        [D1],
    ) == [(0,)]


def test_false_alarm_and_acknowledgement(city) -> None:
    paths, _ = city
    assert query(
        paths, "SELECT count(*) FROM marts.risk_snapshot WHERE risk_source_id = 'LL:A3'"
    ) == [(0,)]
    notes = query(
        paths,
        "SELECT officer_notes FROM marts.risk_snapshot WHERE risk_source_id = 'LL:A1' AND as_of_date = ?",
        [D2],
    )
    assert "值班员赵某" in notes[0][0] and "acknowledged" in notes[0][0]
    ep = query(
        paths,
        "SELECT matched_episode_id FROM audit.decision_log WHERE decision_id = 'OD4' AND as_of_date = ?",
        [D2],
    )
    assert ep == [("E3",)]  # ALM-S3-202506020855 resolved to the episode opened 09:00


def test_district_spectrum_with_trend(city) -> None:
    paths, _ = city
    rows = {
        (r[0], r[1]): r[2:]
        for r in query(
            paths,
            "SELECT domain, risk_level, sources, previous_sources, delta, trend FROM marts.district_risk_spectrum "
            "WHERE as_of_date = ? AND district_id = '220102'",
            [D3],
        )
    }
    assert rows[("gas", "red")] == (
        0,
        1,
        -1,
        "down",
    )  # P1 went orange; the emptied level still shows
    assert rows[("gas", "orange")] == (1, 0, 1, "up")
    assert rows[("hazardous_facility", "red")] == (1, 1, 0, "flat")
    first = query(
        paths, "SELECT DISTINCT trend FROM marts.district_risk_spectrum WHERE as_of_date = ?", [D1]
    )
    assert first == [("first",)]


def test_rerun_is_idempotent(city) -> None:
    paths, _ = city
    sql = "SELECT * EXCLUDE (run_id) FROM marts.risk_snapshot ORDER BY as_of_date, risk_source_id"
    before = query(paths, sql)
    hist = query(paths, "SELECT * FROM marts.risk_register_history ORDER BY ALL")
    run_register(ctx_for(paths, D2))
    assert query(paths, sql) == before
    assert query(paths, "SELECT * FROM marts.risk_register_history ORDER BY ALL") == hist


def test_lec_method_from_config(fresh) -> None:
    paths = fresh
    cfg = copy.deepcopy(load_config("risk_matrix"))
    cfg["method"] = "lec"
    run_register(ctx_for(paths, D1), cfg)
    rows = dict(
        query(
            paths,
            "SELECT risk_source_id, score FROM marts.risk_snapshot WHERE as_of_date = ?",
            [D1],
        )
    )
    # P1 gas: L5 -> 10, E gas 6, C5 -> 100: D = 6000 (red); F2: L2 -> 1, E 6, C1 -> 3: D = 18 (negligible -> blue)
    assert rows["P1"] == 6000.0 and rows["F2"] == 18.0
    levels = dict(
        query(
            paths,
            "SELECT risk_source_id, computed_level FROM marts.risk_snapshot WHERE method = 'lec'",
        )
    )
    assert levels["P1"] == "red" and levels["F2"] == "blue"


def test_rerun_of_an_earlier_date_changes_later_history_only_where_it_differs(fresh) -> None:
    paths = fresh
    for day in (D1, D2, D3):
        run_register(ctx_for(paths, day))
    hist_sql = "SELECT * FROM marts.risk_register_history WHERE risk_source_id <> ? ORDER BY ALL"
    other_before = query(paths, hist_sql, ["P3"])
    # Late data: P3 on D2 was worse than first known (orange instead of yellow).
    con = warehouse.connect(paths.warehouse)
    try:
        con.execute(
            "UPDATE marts.pipe_risk SET likelihood_per_km_year = 0.5, consequence_score = 70 "
            "WHERE segment_id = 'P3' AND as_of_date = ?",
            [D2],
        )
    finally:
        con.close()
    run_register(ctx_for(paths, D2))
    assert query(paths, hist_sql, ["P3"]) == other_before
    p3 = query(
        paths,
        "SELECT risk_level, valid_from, valid_to FROM marts.risk_register_history WHERE risk_source_id = 'P3' "
        "ORDER BY version",
    )
    assert p3 == [("blue", D1, D2), ("orange", D2, D3), ("yellow", D3, None)]
    assert _daily(paths, D3)["P3"] == ("yellow", "de-escalated")
    assert _daily(paths, D2)["P3"] == ("orange", "new")


def test_resolved_source_leaves_the_current_view(fresh) -> None:
    paths = fresh
    for day in (D2, D3):
        run_register(ctx_for(paths, day))
    current = dict(query(paths, "SELECT risk_source_id, change FROM marts.risk_register"))
    assert current["P4"] == "resolved" and current["B1"] == "resolved"
    run_register(ctx_for(paths, D4))
    current = dict(query(paths, "SELECT risk_source_id, change FROM marts.risk_register"))
    assert "P4" not in current and "B1" not in current
    assert query(
        paths, "SELECT max(valid_to) FROM marts.risk_register_history WHERE risk_source_id = 'B1'"
    ) == [(D3,)]


def test_missing_input_table_reads_as_empty_with_its_columns() -> None:
    con = warehouse.connect(":memory:")
    try:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.pipe_risk (as_of_date DATE, segment_id VARCHAR)")
        missing = prepare_inputs(con, ["reg_in_alarms", "reg_in_pipe_risk"])
        assert missing == ["marts.lifeline_alarms"]
        assert con.execute("SELECT count(*) FROM reg_in_alarms").fetchone() == (0,)
        cols = [d[0] for d in con.execute("SELECT * FROM reg_in_pipe_risk").description]
        assert (
            "likelihood_per_km_year" in cols and "geometry" in cols
        )  # absent columns read as NULL
    finally:
        con.close()
