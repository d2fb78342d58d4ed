"""The hidden-hazard ledger (隐患台账), event-sourced.

``audit.hazard_events`` is append-only: every fact (registration, evidence, a rectification
step, a trigger that cleared or returned, an escalation) is one event whose id is a hash of the
hazard, the event type and its source or time, so re-running a date appends nothing it already
holds. ``marts.hazard_ledger`` is the state folded from the log as at the end of the latest
ledger date. Rectification updates are checked against the lifecycle by replaying the log in
time order; an invalid one goes to ``audit.quarantine`` with the reason and is never applied.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.register.inputs import prepare_inputs
from pipelines.register.rules import load_rules
from pipelines.settings import LOCAL_TZ, LOCAL_TZ_NAME, load_config

log = logging.getLogger(__name__)

LEDGER_INPUTS = [
    "reg_in_alarms",
    "reg_in_decisions",
    "reg_in_building_risk",
    "led_in_reports",
    "led_in_updates",
    "led_in_raw_updates",
]
#: Order of event types at equal timestamps: registration first, escalation last.
TYPE_ORDER = {"found": 0, "registered": 1, "evidence": 2, "severity_raised": 3}
LATE_TYPES = {"trigger_returned": 8, "trigger_cleared": 8, "escalated": 9}
EVENT_COLUMNS = (
    "event_id",
    "hazard_id",
    "event_type",
    "event_at",
    "status_after",
    "severity",
    "source_kind",
    "source_ref",
    "risk_source_id",
    "domain",
    "district_id",
    "responsible_unit_id",
    "actor",
    "note",
    "deadline",
)
SEVERITY_RANK = {"general": 1, "major": 2}


def event_id(hazard_id: str, event_type: str, key: str) -> str:
    """Deterministic event id: the same fact always hashes to the same id."""
    return hashlib.md5(f"{hazard_id}|{event_type}|{key}".encode()).hexdigest()[:24]


def _type_rank(event_type: str) -> int:
    if event_type in TYPE_ORDER:
        return TYPE_ORDER[event_type]
    return LATE_TYPES.get(event_type, 5)  # lifecycle updates


def sort_key(event: dict[str, Any]) -> tuple[Any, ...]:
    """Replay order: time, then registration before updates before derived events."""
    return (event["event_at"], _type_rank(event["event_type"]), event["event_id"])


def transition_error(
    current: str | None, target: str, order: list[str], allow_repeat: list[str]
) -> str | None:
    """Why moving a hazard from ``current`` to ``target`` is invalid, or None when it is valid.

    Valid: exactly the next lifecycle step, or a repeat of a status listed in ``allow_repeat``.
    """
    if target not in order:
        return f"unknown status {target!r}"
    if current is None:
        return "unknown hazard (not registered at that time)"
    if current == "found":
        return "hazard found but not registered yet at that time"
    if current == "closed":
        return f"hazard already closed; cannot move to {target}"
    cur, new = order.index(current), order.index(target)
    if target == "closed" and current != "verified":
        return f"closing a hazard that was not verified (status {current})"
    if new == cur:
        return None if target in allow_repeat else f"repeats status {target}"
    if new < cur:
        return f"goes backwards from {current} to {target}"
    if new > cur + 1:
        return f"skips {', '.join(order[cur + 1 : new])} (from {current} to {target})"
    return None


@dataclass
class HazardState:
    """A hazard folded from its events."""

    hazard_id: str
    origin: str = "auto"
    risk_source_id: str | None = None
    domain: str | None = None
    district_id: str | None = None
    severity: str = "general"
    status: str | None = None
    description: str | None = None
    triggers: list[str] = field(default_factory=list)
    found_at: datetime | None = None
    registered_at: datetime | None = None
    responsible_unit_id: str | None = None
    assigned_at: datetime | None = None
    rectified_at: datetime | None = None
    verified_at: datetime | None = None
    closed_at: datetime | None = None
    last_event_at: datetime | None = None
    last_actor: str | None = None
    deadline: datetime | None = None
    trigger_active: bool | None = None
    escalation_level: int = 0
    events: int = 0


def fold(events: list[dict[str, Any]], order: list[str]) -> dict[str, HazardState]:
    """Current state of every hazard from its events (replayed in :func:`sort_key` order)."""
    states: dict[str, HazardState] = {}
    rectified_rank = order.index("rectified")
    for e in sorted(events, key=sort_key):
        s = states.setdefault(e["hazard_id"], HazardState(e["hazard_id"]))
        t, at = e["event_type"], e["event_at"]
        s.events += 1
        s.last_event_at = at if s.last_event_at is None else max(s.last_event_at, at)
        s.last_actor = e.get("actor") or s.last_actor
        if e.get("severity") and SEVERITY_RANK.get(e["severity"], 0) > SEVERITY_RANK.get(
            s.severity, 0
        ):
            s.severity = e["severity"]
        if t == "found":
            s.origin = "field_report" if e["source_kind"] == "field_report" else "auto"
            s.risk_source_id, s.domain = e.get("risk_source_id"), e.get("domain")
            s.district_id, s.description = e.get("district_id"), e.get("note")
            s.severity = e.get("severity") or s.severity
            s.found_at, s.status = at, "found"
            s.responsible_unit_id = e.get("responsible_unit_id")
        elif t == "registered":
            s.registered_at, s.deadline, s.status = at, e.get("deadline"), "registered"
            s.trigger_active = None if s.origin == "field_report" else True
        elif t == "evidence":
            if e.get("note"):
                s.triggers.append(f"{at:%Y-%m-%d %H:%M} {e['note']}")
        elif t == "trigger_cleared":
            s.trigger_active = False
        elif t == "trigger_returned":
            s.trigger_active = True
        elif t == "escalated":
            s.escalation_level = max(s.escalation_level, int(e.get("source_ref") or 0))
        elif e.get("status_after"):
            s.status = e["status_after"]
            if t == "assigned":
                s.assigned_at = s.assigned_at or at
                s.responsible_unit_id = e.get("responsible_unit_id") or s.responsible_unit_id
            if order.index(s.status) >= rectified_rank and s.rectified_at is None:
                s.rectified_at = at
            if t == "verified":
                s.verified_at = at
            if t == "closed":
                s.closed_at = at
    return states


def _mk(hazard_id: str, event_type: str, key: str, at: datetime, **cols: Any) -> dict[str, Any]:
    e = {c: None for c in EVENT_COLUMNS}
    e.update(cols)
    e.update(
        event_id=event_id(hazard_id, event_type, key),
        hazard_id=hazard_id,
        event_type=event_type,
        event_at=at,
    )
    return e


@dataclass
class Plan:
    """What one ledger run appends and rejects."""

    events: list[dict[str, Any]]
    rejects: list[dict[str, Any]]


def plan_run(
    existing: list[dict[str, Any]],
    triggers: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    quarantined: set[str],
    as_of: date,
    interval_end: datetime,
    cfg: dict[str, Any],
    check_cleared: bool = True,
) -> Plan:
    """New events for one as_of_date (pure: no database), given the log so far.

    ``triggers``: rows of led_triggers; ``updates``: staging.hazard_updates rows (with file/line);
    ``quarantined``: update ids already rejected by an earlier run (not re-examined).
    """
    order: list[str] = cfg["lifecycle"]["order"]
    allow_repeat: list[str] = cfg["lifecycle"]["allow_repeat"]
    days = cfg["deadline_days"]
    known = {e["event_id"] for e in existing}
    new: dict[str, dict[str, Any]] = {}

    def add(e: dict[str, Any]) -> None:
        if e["event_id"] not in known and e["event_id"] not in new:
            new[e["event_id"]] = e

    # State as at the end of this date (a re-run of an earlier date must not see later events).
    states = fold([e for e in existing if e["event_at"] <= interval_end], order)
    by_hazard: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in triggers:
        by_hazard[t["hazard_id"]].append(t)
    for hid, trs in sorted(by_hazard.items()):
        trs.sort(key=lambda t: (t["trigger_at"], t["trigger_kind"], t["trigger_ref"]))
        first = trs[0]
        severity = max((t["severity"] for t in trs), key=lambda s: SEVERITY_RANK.get(s, 0))
        field_report = first["origin"] == "field_report"
        common = {
            "risk_source_id": first["risk_source_id"],
            "domain": first["domain"],
            "district_id": first["district_id"],
            "responsible_unit_id": next(
                (t["responsible_unit_id"] for t in trs if t["responsible_unit_id"]), None
            ),
        }
        s = states.get(hid)
        if s is None or s.registered_at is None:
            found_at = first["trigger_at"]
            registered_at = found_at if field_report else interval_end
            kind = "field_report" if field_report else first["trigger_kind"]
            actor = first.get("actor") or "pipeline"
            add(
                _mk(
                    hid,
                    "found",
                    kind,
                    found_at,
                    status_after="found",
                    severity=severity,
                    source_kind=kind,
                    source_ref=first["trigger_ref"],
                    actor=actor,
                    note=first["description"],
                    **common,
                )
            )
            add(
                _mk(
                    hid,
                    "registered",
                    kind,
                    registered_at,
                    status_after="registered",
                    severity=severity,
                    source_kind=kind,
                    source_ref=first["trigger_ref"],
                    actor=actor,
                    deadline=registered_at + timedelta(days=int(days[severity])),
                    **common,
                )
            )
        elif not field_report:
            if SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(s.severity, 0):
                add(
                    _mk(
                        hid,
                        "severity_raised",
                        severity,
                        interval_end,
                        severity=severity,
                        source_kind="ledger",
                        actor="pipeline",
                        note=f"升级为{severity} / raised to {severity}",
                        **common,
                    )
                )
            if s.trigger_active is False and s.status != "closed":
                add(
                    _mk(
                        hid,
                        "trigger_returned",
                        as_of.isoformat(),
                        interval_end,
                        source_kind="ledger",
                        actor="pipeline",
                        note="风险/报警再次出现 / trigger present again",
                        **common,
                    )
                )
        if not field_report:
            for t in trs:
                add(
                    _mk(
                        hid,
                        "evidence",
                        f"{t['trigger_kind']}|{t['trigger_ref']}",
                        t["trigger_at"],
                        severity=t["severity"],
                        source_kind=t["trigger_kind"],
                        source_ref=t["trigger_ref"],
                        actor="pipeline",
                        note=t["description"],
                        **common,
                    )
                )
    if check_cleared:
        for hid, s in sorted(states.items()):
            if (
                s.origin == "auto"
                and hid not in by_hazard
                and s.trigger_active
                and s.status not in ("closed",)
                and s.registered_at is not None
                and s.registered_at <= interval_end
            ):
                add(
                    _mk(
                        hid,
                        "trigger_cleared",
                        as_of.isoformat(),
                        interval_end,
                        source_kind="ledger",
                        actor="pipeline",
                        risk_source_id=s.risk_source_id,
                        domain=s.domain,
                        district_id=s.district_id,
                        note="触发风险/报警/鉴定等级已消失，待现场核验 / trigger gone: verify on site",
                    )
                )

    # Rectification updates: replay the lifecycle per hazard in time order.
    applied = {e["source_ref"] for e in existing if e["source_kind"] == "hazard_update"}
    candidates = [
        u
        for u in updates
        if u["updated_at"] < interval_end
        and u["update_id"] not in applied
        and u["update_id"] not in quarantined
    ]
    lifecycle = defaultdict(list)
    for e in list(existing) + list(new.values()):
        if e.get("status_after"):
            lifecycle[e["hazard_id"]].append(e)
    rejects: list[dict[str, Any]] = []
    cand_by_hazard: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u in candidates:
        cand_by_hazard[u["hazard_id"]].append(u)
    for hid, ups in sorted(cand_by_hazard.items()):
        # At equal times: found before registered before any update.
        items = [
            (e["event_at"], 0, _type_rank(e["event_type"]), e["event_id"], "event", e)
            for e in lifecycle.get(hid, [])
        ]
        items += [(u["updated_at"], 1, 0, u["update_id"], "update", u) for u in ups]
        status: str | None = None
        for *_, what, obj in sorted(items, key=lambda x: x[:4]):
            if what == "event":
                status = obj["status_after"]
                continue
            if hid not in lifecycle:
                reason = f"unknown hazard {hid}"
            else:
                reason = transition_error(status, obj["status"], order, allow_repeat)
            if reason:
                rejects.append({**obj, "reason": reason})
                continue
            status = obj["status"]
            e = _mk(
                hid,
                obj["status"],
                f"{obj['updated_at'].isoformat()}|{obj['update_id']}",
                obj["updated_at"],
                status_after=obj["status"],
                source_kind="hazard_update",
                source_ref=obj["update_id"],
                actor=obj.get("actor"),
                note=obj.get("note"),
                responsible_unit_id=obj.get("responsible_unit_id"),
            )
            add(e)

    # Escalation of unrectified hazards past their deadline, at the deadline crossings.
    esc = cfg["escalation"]
    for hid, s in sorted(fold(list(existing) + list(new.values()), order).items()):
        if s.deadline is None:
            continue
        for step in esc["steps"].get(s.severity, []):
            at = s.deadline + timedelta(days=int(step["after_days"]))
            if at < interval_end and (s.rectified_at is None or s.rectified_at > at):
                label = esc["labels"].get(step["level"], {})
                add(
                    _mk(
                        hid,
                        "escalated",
                        str(step["level"]),
                        at,
                        source_kind="ledger",
                        source_ref=str(step["level"]),
                        actor="pipeline",
                        severity=s.severity,
                        note=f"逾期未整改，升级：{label.get('zh', step['level'])} / overdue: {label.get('en', '')}",
                    )
                )
    return Plan(sorted(new.values(), key=sort_key), rejects)


def ledger_rows(
    states: dict[str, HazardState],
    ledger_end: datetime,
    as_of: date,
    cfg: dict[str, Any],
    rejected: dict[str, int],
    run_id: str,
) -> list[dict[str, Any]]:
    """marts.hazard_ledger rows: state plus overdue, escalation and verification flags."""
    order: list[str] = cfg["lifecycle"]["order"]
    esc = cfg["escalation"]
    rows = []
    for hid, s in sorted(states.items()):
        if s.status is None:
            continue  # only derived events (cannot happen for a registered hazard)
        rectified = order.index(s.status) >= order.index("rectified")
        overdue = bool(s.deadline is not None and not rectified and ledger_end > s.deadline)
        label = esc["labels"].get(s.escalation_level, {}) if s.escalation_level else {}
        rows.append(
            {
                "hazard_id": hid,
                "origin": s.origin,
                "risk_source_id": s.risk_source_id,
                "domain": s.domain,
                "district_id": s.district_id,
                "severity": s.severity,
                "status": s.status,
                "description": s.description,
                "triggers": "; ".join(s.triggers) or None,
                "found_at": s.found_at,
                "registered_at": s.registered_at,
                "responsible_unit_id": s.responsible_unit_id,
                "assigned_at": s.assigned_at,
                "rectified_at": s.rectified_at,
                "verified_at": s.verified_at,
                "closed_at": s.closed_at,
                "last_event_at": s.last_event_at,
                "last_actor": s.last_actor,
                "deadline": s.deadline,
                "overdue": overdue,
                "overdue_days": (ledger_end - s.deadline).days if overdue and s.deadline else None,
                "escalation_level": s.escalation_level,
                "escalated": s.escalation_level >= int(esc["escalated_from_level"]),
                "escalated_to": label.get("zh"),
                "trigger_active": s.trigger_active,
                "needs_verification": bool(
                    s.origin == "auto"
                    and s.trigger_active is False
                    and s.status not in ("verified", "closed")
                ),
                "events": s.events,
                "rejected_updates": rejected.get(hid, 0),
                "as_of_date": as_of,
                "run_id": run_id,
            }
        )
    return rows


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _rule_tables(con: duckdb.DuckDBPyConnection, cfg: dict[str, Any]) -> None:
    trig = cfg["triggers"]
    for name, key, mapping in (
        ("led_level_sev", "level", trig["risk_levels"]),
        ("led_grade_sev", "grade", trig["alarm_grades"]),
        ("led_bgrade_sev", "grade", trig["building_grades"]),
    ):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({key} VARCHAR, severity VARCHAR)")
        if mapping:
            con.executemany(
                f"INSERT INTO {name} VALUES (?, ?)", [[k, v] for k, v in mapping.items()]
            )


#: DuckDB column type -> Arrow type for :func:`_insert_rows` (timestamps keep their offset).
_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP WITH TIME ZONE": pa.timestamp("us", tz="UTC"),
}


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    anti_join_key: str | None = None,
) -> int:
    """Insert ``rows`` into ``table`` with one ``INSERT … SELECT`` over a registered Arrow table.

    Why: ``executemany`` binds and plans one statement per row (minutes at city scale). The
    Arrow schema follows the target table's column types so values arrive exactly as the
    row-by-row binds did. With ``anti_join_key`` rows whose key the table already holds are
    skipped (append-only logs). Returns the number of rows offered.
    """
    schema_name, table_name = table.split(".")
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?",
            [schema_name, table_name],
        ).fetchall()
    )
    for c in columns:
        if c not in types:
            raise KeyError(f"{table} has no column {c}")
        if types[c] not in _ARROW_TYPES:
            raise TypeError(f"{table}.{c}: no Arrow mapping for {types[c]}")
    arrow = pa.table(
        {c: pa.array([r[c] for r in rows], type=_ARROW_TYPES[types[c]]) for c in columns}
    )
    view = f"_insert_{table_name}"
    cols = ", ".join(columns)
    where = (
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} AS t WHERE t.{anti_join_key} = n.{anti_join_key})"
        if anti_join_key
        else ""
    )
    con.register(view, arrow)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view} AS n{where}")
    finally:
        con.unregister(view)
    return len(rows)


def _quarantined(con: duckdb.DuckDBPyConnection, source: str, prefix: str) -> dict[str, str]:
    """update_id -> hazard_id of updates earlier ledger runs quarantined."""
    rows = con.execute(
        "SELECT json_extract_string(raw, '$.update_id'), json_extract_string(raw, '$.hazard_id') "
        "FROM audit.quarantine WHERE source = ? AND starts_with(reason, ?)",
        [source, prefix],
    ).fetchall()
    return {r[0]: r[1] for r in rows if r[0] is not None}


def run_hazard_ledger(ctx: RunContext, cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    """Append the as_of_date's hazard events and rebuild marts.hazard_ledger.

    ``cfg`` overrides config/hazard_ledger.yaml (tests). Returns counts of events appended,
    updates rejected and hazards by status.
    """
    cfg = cfg if cfg is not None else load_config("hazard_ledger")
    rules = load_rules()
    as_of, end = ctx.as_of_date, ctx.interval_end
    qsrc, qprefix = cfg["quarantine"]["source_name"], cfg["quarantine"]["reason_prefix"]
    with warehouse.writer(ctx.paths) as con, warehouse.transaction(con):
        con.execute(f"SET TimeZone = '{LOCAL_TZ_NAME}'")
        prepare_inputs(con, LEDGER_INPUTS)
        _rule_tables(con, cfg)
        params = {
            **ctx.params,
            "tolerance_min": int(rules["decisions"]["alarm_reference_tolerance_minutes"]),
            "field_reports": bool(cfg["triggers"].get("field_reports", True)),
        }
        warehouse.run_sql_file(con, "marts/register/10_alarm_decisions.sql", params)
        warehouse.run_sql_file(con, "marts/register/50_ledger_triggers.sql", params)
        register_ran = (
            con.execute(
                "SELECT count(*) FROM audit.register_runs WHERE as_of_date = ?", [as_of]
            ).fetchone()[0]
            > 0
        )
        if not register_ran:
            log.warning(
                "no risk register for %s: risk triggers are absent and nothing is cleared",
                as_of,
            )
        triggers = _dicts(con, "SELECT * FROM led_triggers")
        existing = _dicts(con, f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit.hazard_events")
        updates = _dicts(
            con,
            "SELECT u.*, r._file AS file, r._line AS line, m.checksum AS checksum "
            "FROM led_in_updates AS u LEFT JOIN (SELECT * FROM led_in_raw_updates "
            "QUALIFY row_number() OVER (PARTITION BY update_id ORDER BY _file, _line) = 1) AS r "
            "USING (update_id) LEFT JOIN audit.load_manifest AS m "
            "ON m.file = r._file AND m.status = 'loaded' WHERE u.updated_at < ?",
            [end],
        )
        quarantined = _quarantined(con, qsrc, qprefix)
        plan = plan_run(
            existing, triggers, updates, set(quarantined), as_of, end, cfg, register_ran
        )
        now = datetime.now(LOCAL_TZ)
        if plan.events:
            # One set-based append; the anti-join on the deterministic id keeps the log
            # append-only even if a concurrent or earlier run already holds an event.
            extra = {"as_of_date": as_of, "run_id": ctx.run_id, "recorded_at": now}
            _insert_rows(
                con,
                "audit.hazard_events",
                [{**e, **extra} for e in plan.events],
                (*EVENT_COLUMNS, *extra),
                anti_join_key="event_id",
            )
        if plan.rejects:
            keys = (
                "update_id",
                "hazard_id",
                "updated_at",
                "status",
                "actor",
                "responsible_unit_id",
                "note",
            )
            q_rows = []
            for r in plan.rejects:
                raw = json.dumps(
                    {k: (r[k].isoformat() if isinstance(r[k], datetime) else r[k]) for k in keys},
                    ensure_ascii=False,
                )
                q_rows.append(
                    {
                        "source": qsrc,
                        "file": r.get("file") or "staging.hazard_updates",
                        "line": r.get("line"),
                        "reason": qprefix + r["reason"],
                        "raw": raw,
                        "checksum": r.get("checksum"),
                        "run_id": ctx.run_id,
                        "quarantined_at": now,
                    }
                )
                quarantined[r["update_id"]] = r["hazard_id"]
            _insert_rows(con, "audit.quarantine", q_rows, tuple(q_rows[0]))
        con.execute("DELETE FROM audit.ledger_runs WHERE as_of_date = ?", [as_of])
        con.execute(
            "INSERT INTO audit.ledger_runs VALUES (?, ?, ?, ?, ?)",
            [as_of, ctx.run_id, len(plan.events), len(plan.rejects), now],
        )
        ledger_as_of = con.execute("SELECT max(as_of_date) FROM audit.ledger_runs").fetchone()[0]
        ledger_end = datetime.combine(
            ledger_as_of + timedelta(days=1), datetime.min.time(), LOCAL_TZ
        )
        events = _dicts(
            con,
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM audit.hazard_events WHERE event_at <= ?",
            [ledger_end],
        )
        rejected: dict[str, int] = defaultdict(int)
        for hid in quarantined.values():
            rejected[hid] += 1
        rows = ledger_rows(
            fold(events, cfg["lifecycle"]["order"]),
            ledger_end,
            ledger_as_of,
            cfg,
            rejected,
            ctx.run_id,
        )
        con.execute("DELETE FROM marts.hazard_ledger")
        if rows:
            _insert_rows(con, "marts.hazard_ledger", rows, tuple(rows[0]))
    statuses: dict[str, int] = defaultdict(int)
    for r in rows:
        statuses[r["status"]] += 1
    result = {
        "as_of_date": as_of.isoformat(),
        "ledger_as_of": ledger_as_of.isoformat(),
        "events_added": len(plan.events),
        "updates_rejected": len(plan.rejects),
        "hazards": len(rows),
        "statuses": dict(sorted(statuses.items())),
        "overdue": sum(r["overdue"] for r in rows),
        "escalated": sum(r["escalated"] for r in rows),
        "needs_verification": sum(r["needs_verification"] for r in rows),
    }
    log.info("hazard ledger %s: %s", as_of, result)
    return result
