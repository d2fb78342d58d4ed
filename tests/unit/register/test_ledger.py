"""The hidden-hazard ledger: registration, transitions, quarantine, dedup, overdue and escalation."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

from pipelines.register import run_hazard_ledger
from pipelines.register.ledger import fold, ledger_rows, plan_run
from pipelines.settings import LOCAL_TZ, load_config
from tests.unit.register.conftest import DATES, ctx_for, query

D1, D2, D3, _ = DATES
CFG = load_config("hazard_ledger")
ORDER = CFG["lifecycle"]["order"]


def _ledger(paths) -> dict[str, dict]:
    con_rows = query(
        paths,
        "SELECT hazard_id, origin, severity, status, overdue, escalation_level, escalated, escalated_to, "
        "trigger_active, needs_verification, rejected_updates, responsible_unit_id, closed_at FROM marts.hazard_ledger",
    )
    keys = (
        "origin",
        "severity",
        "status",
        "overdue",
        "escalation_level",
        "escalated",
        "escalated_to",
        "trigger_active",
        "needs_verification",
        "rejected_updates",
        "responsible_unit_id",
        "closed_at",
    )
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in con_rows}


def test_hazards_registered_automatically_one_per_problem(city) -> None:
    paths, _ = city
    led = _ledger(paths)
    assert set(led) == {
        "HZ-P1",
        "HZ-P2",
        "HZ-B1",
        "HZ-B2",
        "HZ-F1",
        "HZ-F2",
        "HZ-LL:A1",
        "HZ-R1",
        "HZ-R2",
        "HZ-R3",
    }
    assert led["HZ-B2"]["severity"] == "major"  # grade D
    assert led["HZ-B1"]["severity"] == "general"  # orange risk and grade C: one hazard
    assert led["HZ-F2"]["severity"] == "major"  # red after the officer's override
    assert "HZ-LL:A3" not in led  # false alarm
    kinds = query(
        paths,
        "SELECT DISTINCT source_kind FROM audit.hazard_events WHERE hazard_id = 'HZ-LL:A1' AND event_type = 'evidence'",
    )
    assert {k[0] for k in kinds} == {
        "alarm",
        "risk_register",
    }  # an open grade I alarm and a red risk
    p2 = query(
        paths,
        "SELECT event_at FROM audit.hazard_events WHERE hazard_id = 'HZ-P2' AND event_type = 'registered'",
    )
    assert p2 == [
        (datetime(2025, 6, 3, tzinfo=LOCAL_TZ),)
    ]  # orange from D2 on: registered at the end of D2


def test_valid_updates_move_the_lifecycle(city) -> None:
    paths, _ = city
    led = _ledger(paths)
    assert led["HZ-R1"]["status"] == "closed"
    assert led["HZ-R1"]["closed_at"] == datetime(2025, 6, 2, 11, tzinfo=LOCAL_TZ)
    assert led["HZ-R3"]["status"] == "rectified"
    assert led["HZ-P1"]["status"] == "assigned" and led["HZ-P1"]["responsible_unit_id"] == "U-gas"
    steps = query(
        paths,
        "SELECT event_type FROM audit.hazard_events WHERE hazard_id = 'HZ-R1' AND status_after IS NOT NULL "
        "ORDER BY event_at",
    )
    assert [s[0] for s in steps] == [
        "found",
        "registered",
        "assigned",
        "rectifying",
        "rectified",
        "verified",
        "closed",
    ]


def test_invalid_updates_are_quarantined_with_a_reason_and_never_applied(city) -> None:
    paths, _ = city
    rows = query(
        paths,
        "SELECT json_extract_string(raw, '$.update_id'), reason, file FROM audit.quarantine "
        "WHERE source = 'hazard_updates' ORDER BY 1",
    )
    reasons = {r[0]: r[1] for r in rows}
    assert set(reasons) == {"U03", "U07", "U08", "U12", "U13"}
    assert "not verified" in reasons["U03"]
    assert "unknown hazard" in reasons["U07"]
    assert "skips assigned, rectifying" in reasons["U08"]
    assert "backwards" in reasons["U12"]
    assert "not registered yet" in reasons["U13"]
    assert all(r[1].startswith("hazard ledger: ") and r[2] for r in rows)
    applied = query(
        paths,
        "SELECT count(*) FROM audit.hazard_events WHERE source_ref IN ('U03', 'U07', 'U08', 'U12', 'U13')",
    )
    assert applied == [(0,)]
    assert _ledger(paths)["HZ-R1"]["rejected_updates"] == 1


def test_rerun_adds_no_events_and_no_quarantine_rows(city) -> None:
    paths, _ = city
    count_sql = (
        "SELECT (SELECT count(*) FROM audit.hazard_events), (SELECT count(*) FROM audit.quarantine)"
    )
    before = query(paths, count_sql)
    ledger_before = query(
        paths, "SELECT * EXCLUDE (run_id) FROM marts.hazard_ledger ORDER BY hazard_id"
    )
    for day in (D1, D2, D3):
        result = run_hazard_ledger(ctx_for(paths, day))
        assert result["events_added"] == 0 and result["updates_rejected"] == 0
    assert query(paths, count_sql) == before
    assert (
        query(paths, "SELECT * EXCLUDE (run_id) FROM marts.hazard_ledger ORDER BY hazard_id")
        == ledger_before
    )
    once = query(
        paths,
        "SELECT hazard_id FROM audit.hazard_events WHERE event_type = 'registered' GROUP BY 1 HAVING count(*) > 1",
    )
    assert once == []
    dup = query(paths, "SELECT event_id FROM audit.hazard_events GROUP BY 1 HAVING count(*) > 1")
    assert dup == []


def test_vanished_trigger_flags_verification_and_keeps_the_hazard(city) -> None:
    paths, _ = city
    b1 = _ledger(paths)["HZ-B1"]
    assert (
        b1["trigger_active"] is False
        and b1["needs_verification"] is True
        and b1["status"] == "registered"
    )
    assert (
        _ledger(paths)["HZ-P1"]["needs_verification"] is False
    )  # P1 is orange on D3: still a hazard
    assert _ledger(paths)["HZ-R1"]["trigger_active"] is None  # field reports have no trigger


def test_overdue_major_is_escalated(city) -> None:
    paths, _ = city
    r2 = _ledger(paths)[
        "HZ-R2"
    ]  # reported 2025-04-01, major: deadline 60 days later, never rectified
    assert r2["overdue"] is True and r2["escalation_level"] == 2 and r2["escalated"] is True
    assert r2["escalated_to"] == "市安委办挂牌督办"
    ev = query(
        paths,
        "SELECT event_at FROM audit.hazard_events WHERE hazard_id = 'HZ-R2' AND event_type = 'escalated'",
    )
    assert ev == [(datetime(2025, 5, 31, 9, tzinfo=LOCAL_TZ),)]  # at the deadline crossing
    assert _ledger(paths)["HZ-R1"]["overdue"] is False


# --- pure planning tests (no database) ---------------------------------------------------------

T0 = datetime(2025, 1, 1, 9, tzinfo=LOCAL_TZ)


def _trigger(hid: str, severity: str, kind: str = "risk_register", origin: str = "auto") -> dict:
    return {
        "hazard_id": hid,
        "origin": origin,
        "risk_source_id": hid[3:],
        "domain": "gas",
        "district_id": "220102",
        "responsible_unit_id": "U-gas",
        "severity": severity,
        "trigger_kind": kind,
        "trigger_ref": f"{hid}:{severity}",
        "trigger_at": T0,
        "description": "test",
        "actor": "pipeline",
    }


def _end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), LOCAL_TZ)


def _update(uid: str, hid: str, at: datetime, status: str) -> dict:
    return {
        "update_id": uid,
        "hazard_id": hid,
        "updated_at": at,
        "status": status,
        "actor": "x",
        "responsible_unit_id": None,
        "note": None,
    }


def test_general_hazard_escalates_stepwise_unless_rectified_in_time() -> None:
    day0 = T0.date()
    plan = plan_run(
        [],
        [_trigger("HZ-X", "general"), _trigger("HZ-Y", "general")],
        [],
        set(),
        day0,
        _end(day0),
        CFG,
    )
    events = plan.events
    deadline = _end(day0) + timedelta(days=30)
    # HZ-Y is rectified a day before its deadline; HZ-X never is.
    ups = [
        _update("u1", "HZ-Y", deadline - timedelta(days=3), "assigned"),
        _update("u2", "HZ-Y", deadline - timedelta(days=2), "rectifying"),
        _update("u3", "HZ-Y", deadline - timedelta(days=1), "rectified"),
    ]
    late = (deadline + timedelta(days=31)).date()
    plan2 = plan_run(
        events,
        [_trigger("HZ-X", "general"), _trigger("HZ-Y", "general")],
        ups,
        set(),
        late,
        _end(late),
        CFG,
    )
    esc = sorted(
        (e["hazard_id"], e["source_ref"], e["event_at"])
        for e in plan2.events
        if e["event_type"] == "escalated"
    )
    assert esc == [("HZ-X", "1", deadline), ("HZ-X", "2", deadline + timedelta(days=30))]
    rows = {
        r["hazard_id"]: r
        for r in ledger_rows(fold(events + plan2.events, ORDER), _end(late), late, CFG, {}, "t")
    }
    assert (
        rows["HZ-X"]["overdue"] and rows["HZ-X"]["overdue_days"] == 32 and rows["HZ-X"]["escalated"]
    )
    assert not rows["HZ-Y"]["overdue"] and rows["HZ-Y"]["escalation_level"] == 0


def test_one_day_before_the_deadline_is_not_overdue() -> None:
    day0 = T0.date()
    plan = plan_run([], [_trigger("HZ-X", "general")], [], set(), day0, _end(day0), CFG)
    before = (_end(day0) + timedelta(days=29)).date()  # the deadline is the end of day0 + 30 days
    rows = ledger_rows(fold(plan.events, ORDER), _end(before), before, CFG, {}, "t")
    assert rows[0]["overdue"] is False and rows[0]["escalation_level"] == 0


def test_severity_raise_and_trigger_return_are_events_once() -> None:
    day0 = T0.date()
    first = plan_run([], [_trigger("HZ-X", "general")], [], set(), day0, _end(day0), CFG).events
    day1 = day0 + timedelta(days=1)
    cleared = plan_run(first, [], [], set(), day1, _end(day1), CFG).events
    assert [e["event_type"] for e in cleared] == ["trigger_cleared"]
    day2 = day1 + timedelta(days=1)
    back = plan_run(
        first + cleared, [_trigger("HZ-X", "major")], [], set(), day2, _end(day2), CFG
    ).events
    assert {e["event_type"] for e in back} == {"severity_raised", "trigger_returned", "evidence"}
    again = plan_run(
        first + cleared + back, [_trigger("HZ-X", "major")], [], set(), day2, _end(day2), CFG
    ).events
    assert again == []
    state = fold(first + cleared + back, ORDER)["HZ-X"]
    assert state.severity == "major" and state.trigger_active is True


def test_no_register_run_clears_nothing() -> None:
    day0 = T0.date()
    first = plan_run([], [_trigger("HZ-X", "general")], [], set(), day0, _end(day0), CFG).events
    day1 = day0 + timedelta(days=1)
    assert plan_run(first, [], [], set(), day1, _end(day1), CFG, check_cleared=False).events == []


def test_deadline_days_come_from_config() -> None:
    cfg = copy.deepcopy(CFG)
    cfg["deadline_days"]["major"] = 7
    day0 = T0.date()
    events = plan_run([], [_trigger("HZ-X", "major")], [], set(), day0, _end(day0), cfg).events
    reg = next(e for e in events if e["event_type"] == "registered")
    assert reg["deadline"] == _end(day0) + timedelta(days=7)


def test_field_report_updates_apply_whatever_the_event_id_order() -> None:
    """found and registered share the report time: replay must not depend on their hash order."""
    day0 = T0.date()
    hids = [f"HZ-HR-{i:06d}" for i in range(40)]
    trig = [_trigger(h, "general", kind="field_report", origin="field_report") for h in hids]
    ups = [_update(f"u{i}", h, T0 + timedelta(hours=2), "assigned") for i, h in enumerate(hids)]
    plan = plan_run([], trig, ups, set(), day0, _end(day0), CFG)
    assert plan.rejects == []
    states = fold(plan.events, ORDER)
    assert {s.status for s in states.values()} == {"assigned"}
    assert all(s.registered_at == T0 and s.origin == "field_report" for s in states.values())
