"""Everything the report and the workbook show, read from the warehouse in a few SQL queries.

Aggregation happens in DuckDB: at city scale (a million pipe segments) only red and orange
items, the top of the lists and per-district aggregates travel to Python. Input tables are
built by other stages; columns are picked by name from what the table actually has, so a
renamed optional column shows as empty instead of breaking the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from pipelines.settings import LOCAL_TZ

#: Rendering limits (not risk thresholds): keep the HTML small and readable at city scale.
MAP_MAX_POINTS = 20_000
MAP_MAX_PIPES = 20_000
TOP_RISKS = 50
HTML_MAX_LEDGER = 200
HTML_MAX_ALARMS = 100
#: District outline simplification tolerance in degrees (about 50 m at Changchun's latitude).
OUTLINE_TOLERANCE_DEG = 0.0005

LEVEL_ORDER_SQL = "CASE risk_level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 WHEN 'blue' THEN 3 ELSE 4 END"

#: Register columns shown, each with candidate source column names in the input tables.
REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "risk_source_id": ("risk_source_id",),
    "source_name": ("source_name",),
    "domain": ("domain",),
    "risk_level": ("risk_level",),
    "score": ("score", "risk_score"),
    "likelihood": ("likelihood",),
    "consequence": ("consequence",),
    "method": ("method",),
    "computed_level": ("computed_level",),
    "override_by": ("override_by",),
    "override_reason": ("override_reason",),
    "drivers": ("drivers",),
    "recommended_action": ("recommended_action",),
    "responsible_unit": ("responsible_unit_name", "responsible_unit", "responsible_unit_id"),
    "district": ("district_id", "district"),
    "district_name": ("district_name", "district"),
    "first_seen": ("first_seen",),
    "last_changed": ("last_changed",),
}
LEDGER_COLUMNS: dict[str, tuple[str, ...]] = {
    "hazard_id": ("hazard_id",),
    "severity": ("severity",),
    "status": ("status",),
    "deadline": ("deadline",),
    "overdue": ("overdue",),
    "days_overdue": ("overdue_days", "days_overdue"),
    "domain": ("domain",),
    "description": ("description", "title", "drivers"),
    "risk_source_id": ("risk_source_id", "source_id"),
    "district": ("district", "district_id"),
    "responsible_unit": ("responsible_unit", "responsible_unit_id"),
}
ALARM_COLUMNS: dict[str, tuple[str, ...]] = {
    "episode_id": ("episode_id",),
    "grade": ("grade",),
    "domain": ("domain",),
    "sensor_id": ("sensor_id",),
    "measure": ("measure",),
    "opened_at": ("opened_at",),
    "peak_value": ("peak_value",),
    "unit": ("unit",),
    "status": ("status",),
    "district": ("district_id", "district"),
    "reason": ("reason",),
}


class ReportDataError(LookupError):
    """The warehouse cannot produce a report (missing tables, unknown date)."""


@dataclass
class ReportData:
    """All inputs of one report, small enough to hold in memory at city scale."""

    as_of_date: date
    previous_date: date | None
    dates: list[date]
    counts: dict[str, int]
    previous_counts: dict[str, int]
    changes: dict[str, int]
    register: list[dict[str, Any]]  # top risks (HTML)
    register_total: int  # rows of the register at the date, resolved ones included
    districts: list[dict[str, Any]]  # id, name_zh, name_en, geometry (GeoJSON dict), levels
    points: list[dict[str, Any]]
    points_total: int
    pipes: list[dict[str, Any]]
    pipes_total: int
    ledger: list[dict[str, Any]]
    ledger_total: int
    ledger_overdue: int
    spectrum: list[dict[str, Any]]
    alarms: list[dict[str, Any]]
    alarms_total: int
    alarm_grades: dict[str, int]
    quality: list[dict[str, Any]]
    freshness: list[dict[str, Any]]
    missing_tables: list[str] = field(default_factory=list)
    generated_at: datetime = field(default_factory=lambda: datetime.now(LOCAL_TZ))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params) if params is not None else con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def table_columns(con: duckdb.DuckDBPyConnection, qualified: str) -> set[str]:
    """Column names of ``schema.table`` (empty set when it does not exist)."""
    schema, table = qualified.split(".")
    return {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
            [schema, table],
        ).fetchall()
    }


def select_list(columns: set[str], wanted: dict[str, tuple[str, ...]], alias: str = "") -> str:
    """``col AS key`` for the first candidate present, ``NULL AS key`` otherwise."""
    prefix = f"{alias}." if alias else ""
    parts = []
    for key, candidates in wanted.items():
        found = next((c for c in candidates if c in columns), None)
        parts.append(f'{prefix}"{found}" AS "{key}"' if found else f'NULL AS "{key}"')
    return ", ".join(parts)


def available_dates(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Assessment dates in ``marts.risk_snapshot``; raises when the register was never built."""
    if not table_columns(con, "marts.risk_snapshot"):
        raise ReportDataError(
            "the warehouse has no marts.risk_snapshot; run the risk register stage first"
        )
    return [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT as_of_date FROM marts.risk_snapshot ORDER BY 1"
        ).fetchall()
    ]


def resolve_date(
    con: duckdb.DuckDBPyConnection, wanted: date | None
) -> tuple[date, date | None, list[date]]:
    """(as_of_date, previous assessed date, all dates); default: the last assessed date."""
    dates = available_dates(con)
    if not dates:
        raise ReportDataError("marts.risk_snapshot is empty; run the risk register stage first")
    day = wanted or dates[-1]
    if day not in dates:
        raise ReportDataError(
            f"no risk assessment for {day.isoformat()}; assessed dates: "
            f"{dates[0].isoformat()} .. {dates[-1].isoformat()} ({len(dates)} dates)"
        )
    earlier = [d for d in dates if d < day]
    return day, (earlier[-1] if earlier else None), dates


def _in_register(con: duckdb.DuckDBPyConnection, alias: str = "") -> str:
    """Filter to sources in the register (the snapshot also holds assessed-only sources)."""
    prefix = f"{alias}." if alias else ""
    return (
        f" AND {prefix}in_register"
        if "in_register" in table_columns(con, "marts.risk_snapshot")
        else ""
    )


def _level_counts(con: duckdb.DuckDBPyConnection, day: date | None) -> dict[str, int]:
    if day is None:
        return {}
    return dict(
        con.execute(
            "SELECT risk_level, count(*) FROM marts.risk_snapshot "
            f"WHERE as_of_date = ?{_in_register(con)} GROUP BY 1",
            [day],
        ).fetchall()
    )


RANK_SQL = "CASE {c} WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 WHEN 'blue' THEN 1 ELSE 0 END"


def _has_daily(con: duckdb.DuckDBPyConnection) -> bool:
    return {"as_of_date", "change", "risk_source_id"} <= table_columns(
        con, "marts.risk_register_daily"
    )


def _changes(con: duckdb.DuckDBPyConnection, day: date, prev: date | None) -> dict[str, int]:
    """Change classes at ``day``: from the register's own daily view when it exists."""
    if prev is None:
        return {}
    if _has_daily(con):
        return dict(
            con.execute(
                "SELECT change, count(*) FROM marts.risk_register_daily WHERE as_of_date = ? GROUP BY 1",
                [day],
            ).fetchall()
        )
    flt = _in_register(con)
    sql = f"""
        WITH cur AS (SELECT risk_source_id, {RANK_SQL.format(c="risk_level")} AS r
                     FROM marts.risk_snapshot WHERE as_of_date = $d{flt}),
             prv AS (SELECT risk_source_id, {RANK_SQL.format(c="risk_level")} AS r
                     FROM marts.risk_snapshot WHERE as_of_date = $p{flt})
        SELECT CASE WHEN prv.risk_source_id IS NULL THEN 'new'
                    WHEN cur.risk_source_id IS NULL THEN 'resolved'
                    WHEN cur.r > prv.r THEN 'escalated'
                    WHEN cur.r < prv.r THEN 'de-escalated'
                    ELSE 'unchanged' END AS change, count(*)
        FROM cur FULL OUTER JOIN prv USING (risk_source_id)
        GROUP BY 1
    """
    return dict(con.execute(sql, {"d": day, "p": prev}).fetchall())


def register_query(con: duckdb.DuckDBPyConnection, day: date, prev: date | None) -> str:
    """SQL (parameters from ``register_params``) for the register at ``day`` with its change
    class: most severe first, resolved sources last. Used for the top of the HTML list and
    streamed whole into the workbook."""
    if _has_daily(con):
        cols = table_columns(con, "marts.risk_register_daily")
        score = next((c for c in ("score", "risk_score") if c in cols), None)
        order_score = f'"{score}" DESC NULLS LAST, ' if score else ""
        return f"""
            SELECT {select_list(cols, REGISTER_COLUMNS)}, change AS "change"
            FROM marts.risk_register_daily WHERE as_of_date = $d
            ORDER BY change = 'resolved', {RANK_SQL.format(c="risk_level")} DESC, {order_score}risk_source_id
        """
    cols = table_columns(con, "marts.risk_snapshot")
    score = next((c for c in ("score", "risk_score") if c in cols), None)
    order_score = f's."{score}" DESC NULLS LAST, ' if score else ""
    prev_join = (
        "LEFT JOIN (SELECT risk_source_id, risk_level AS prev_level FROM marts.risk_snapshot "
        f"WHERE as_of_date = $p{_in_register(con)}) p USING (risk_source_id)"
    )
    cur, old = RANK_SQL.format(c="s.risk_level"), RANK_SQL.format(c="p.prev_level")
    change = (
        f"CASE WHEN p.prev_level IS NULL THEN 'new' WHEN {cur} > {old} THEN 'escalated' "
        f"WHEN {cur} < {old} THEN 'de-escalated' ELSE 'unchanged' END"
    )
    if prev is None:
        prev_join, change = "", "'new'"
    return f"""
        SELECT {select_list(cols, REGISTER_COLUMNS, "s")}, {change} AS "change"
        FROM marts.risk_snapshot s {prev_join}
        WHERE s.as_of_date = $d{_in_register(con, "s")}
        ORDER BY {cur} DESC, {order_score}s.risk_source_id
    """


def register_params(con: duckdb.DuckDBPyConnection, day: date, prev: date | None) -> dict[str, Any]:
    return {"d": day, "p": prev} if prev is not None and not _has_daily(con) else {"d": day}


def _districts(con: duckdb.DuckDBPyConnection, day: date) -> list[dict[str, Any]]:
    """District outlines (simplified GeoJSON) with their level counts at ``day``."""
    if not table_columns(con, "staging.districts"):
        return []
    snap_cols = table_columns(con, "marts.risk_snapshot")
    dcol = next((c for c in ("district_id", "district") if c in snap_cols), None)
    counts: dict[str, dict[str, int]] = {}
    if dcol:
        for key, level, n in con.execute(
            f'SELECT "{dcol}", risk_level, count(*) FROM marts.risk_snapshot '
            f"WHERE as_of_date = ?{_in_register(con)} GROUP BY ALL",
            [day],
        ).fetchall():
            counts.setdefault(str(key), {})[level] = n
    rows = _rows(
        con,
        "SELECT district_id, name_zh, name_en, "
        "ST_AsGeoJSON(ST_SimplifyPreserveTopology(geometry, ?)) AS geojson "
        "FROM staging.districts WHERE geometry IS NOT NULL ORDER BY district_id",
        [OUTLINE_TOLERANCE_DEG],
    )
    for row in rows:
        row["geometry"] = json.loads(row.pop("geojson")) if row["geojson"] else None
        row["levels"] = counts.get(str(row["district_id"])) or counts.get(str(row["name_zh"])) or {}
    return rows


def _points(con: duckdb.DuckDBPyConnection, day: date) -> tuple[list[dict[str, Any]], int]:
    cols = table_columns(con, "marts.risk_snapshot")
    if not {"lon", "lat"} <= cols:
        return [], 0
    where = (
        "as_of_date = $d AND risk_level IN ('red', 'orange') AND lon IS NOT NULL AND lat IS NOT NULL"
        + _in_register(con)
    )
    total = con.execute(
        f"SELECT count(*) FROM marts.risk_snapshot WHERE {where}", {"d": day}
    ).fetchone()[0]
    wanted = {
        k: REGISTER_COLUMNS[k]
        for k in ("risk_source_id", "source_name", "domain", "risk_level", "score", "drivers")
    }
    score = next((c for c in ("score", "risk_score") if c in cols), "risk_source_id")
    rows = _rows(
        con,
        f"SELECT {select_list(cols, wanted)}, lon, lat FROM marts.risk_snapshot WHERE {where} "
        f'ORDER BY {LEVEL_ORDER_SQL}, "{score}" DESC NULLS LAST LIMIT {MAP_MAX_POINTS}',
        {"d": day},
    )
    return rows, total


def _pipes(con: duckdb.DuckDBPyConnection, day: date) -> tuple[list[dict[str, Any]], int]:
    """Red and orange pipe segments of the latest pipe assessment on or before ``day``."""
    cols = table_columns(con, "marts.pipe_risk")
    if not {"geometry", "risk_level", "as_of_date"} <= cols:
        return [], 0
    pipe_day = con.execute(
        "SELECT max(as_of_date) FROM marts.pipe_risk WHERE as_of_date <= ?", [day]
    ).fetchone()[0]
    if pipe_day is None:
        return [], 0
    where = "as_of_date = $d AND risk_level IN ('red', 'orange') AND geometry IS NOT NULL"
    total = con.execute(
        f"SELECT count(*) FROM marts.pipe_risk WHERE {where}", {"d": pipe_day}
    ).fetchone()[0]
    wanted = {
        "segment_id": ("segment_id",),
        "network": ("network",),
        "risk_level": ("risk_level",),
        "score": ("risk_score", "score"),
        "drivers": ("drivers",),
    }
    rows = _rows(
        con,
        f"SELECT {select_list(cols, wanted)}, ST_AsGeoJSON(geometry) AS geojson "
        f"FROM marts.pipe_risk WHERE {where} "
        f'ORDER BY {LEVEL_ORDER_SQL}, "score" DESC NULLS LAST LIMIT {MAP_MAX_PIPES}',
        {"d": pipe_day},
    )
    for row in rows:
        row["geometry"] = json.loads(row.pop("geojson"))
    return rows, total


def ledger_query(con: duckdb.DuckDBPyConnection) -> str | None:
    """SQL for open hazards, overdue first then by deadline; None without a ledger."""
    cols = table_columns(con, "marts.hazard_ledger")
    if not cols:
        return None
    where = "WHERE status IS DISTINCT FROM 'closed'" if "status" in cols else ""
    overdue = '"overdue" DESC NULLS LAST, ' if "overdue" in cols else ""
    deadline = '"deadline" ASC NULLS LAST, ' if "deadline" in cols else ""
    return (
        f"SELECT {select_list(cols, LEDGER_COLUMNS)} FROM marts.hazard_ledger {where} "
        f'ORDER BY {overdue}{deadline}"hazard_id"'
    )


def _spectrum(con: duckdb.DuckDBPyConnection, day: date, prev: date | None) -> list[dict[str, Any]]:
    """District x domain level counts at ``day`` with the change of red + orange since the
    previous date: pivoted from ``marts.district_risk_spectrum`` (every assessed source), or
    counted from the snapshot when that view is absent."""
    names = "NULL::VARCHAR AS name_en"
    join = ""
    if table_columns(con, "staging.districts"):
        names = "d.name_en"
        join = "LEFT JOIN staging.districts d ON d.district_id = s.district"
    pivot = """
        sum({n}) FILTER (risk_level = 'red') AS red, sum({n}) FILTER (risk_level = 'orange') AS orange,
        sum({n}) FILTER (risk_level = 'yellow') AS yellow, sum({n}) FILTER (risk_level = 'blue') AS blue,
        sum({n}) AS total"""
    spec_cols = table_columns(con, "marts.district_risk_spectrum")
    if {"as_of_date", "district_id", "domain", "risk_level", "sources", "delta"} <= spec_cols:
        name_col = "district_name" if "district_name" in spec_cols else "district_id"
        cur = f"""
            SELECT district_id AS district, any_value({name_col}) AS name_zh, domain,
                   {pivot.format(n="sources")},
                   sum(delta) FILTER (risk_level IN ('red', 'orange')) AS trend
            FROM marts.district_risk_spectrum WHERE as_of_date = $d GROUP BY ALL"""
        params: dict[str, Any] = {"d": day}
    else:
        cols = table_columns(con, "marts.risk_snapshot")
        dcol = next((c for c in ("district_id", "district") if c in cols), None)
        if dcol is None:
            return []
        cur = f"""
            WITH prv AS (
                SELECT "{dcol}" AS district, domain,
                       count(*) FILTER (risk_level IN ('red', 'orange')) AS prev_high
                FROM marts.risk_snapshot WHERE as_of_date = $p GROUP BY ALL),
            now AS (
                SELECT "{dcol}" AS district, NULL::VARCHAR AS name_zh, domain, {pivot.format(n="1")}
                FROM marts.risk_snapshot WHERE as_of_date = $d GROUP BY ALL)
            SELECT now.*, CASE WHEN $p IS NULL THEN NULL
                               ELSE now.red + now.orange - coalesce(prv.prev_high, 0) END AS trend
            FROM now LEFT JOIN prv USING (district, domain)"""
        params = {"d": day, "p": prev}
    sql = f"""
        SELECT s.district, coalesce(s.name_zh, s.district) AS name_zh, {names}, s.domain,
               coalesce(s.red, 0) AS red, coalesce(s.orange, 0) AS orange,
               coalesce(s.yellow, 0) AS yellow, coalesce(s.blue, 0) AS blue, s.total,
               4 * coalesce(s.red, 0) + 3 * coalesce(s.orange, 0) + 2 * coalesce(s.yellow, 0)
                   + coalesce(s.blue, 0) AS risk_index,
               s.trend
        FROM ({cur}) s {join}
        WHERE s.total > 0
        ORDER BY s.district, s.domain
    """
    return _rows(con, sql, params)


def alarms_query(con: duckdb.DuckDBPyConnection) -> str | None:
    """Alarm episodes open during the local day ``$start .. $end``, most severe first."""
    cols = table_columns(con, "marts.lifeline_alarms")
    if not {"opened_at", "grade"} <= cols:
        return None
    closed = "(closed_at IS NULL OR closed_at >= $start)" if "closed_at" in cols else "TRUE"
    return (
        f"SELECT {select_list(cols, ALARM_COLUMNS)} FROM marts.lifeline_alarms "
        f"WHERE opened_at < $end AND {closed} "
        "ORDER BY CASE grade WHEN 'I' THEN 1 WHEN 'II' THEN 2 WHEN 'III' THEN 3 ELSE 4 END, "
        "opened_at DESC"
    )


def day_bounds(day: date) -> dict[str, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
    return {"start": start, "end": start + timedelta(days=1)}


def _quality(con: duckdb.DuckDBPyConnection, day: date) -> list[dict[str, Any]]:
    if not table_columns(con, "audit.quality_results"):
        return []
    return _rows(
        con,
        """
        SELECT table_name, count(*) AS expectations,
               count(*) FILTER (success) AS passed,
               count(*) FILTER (NOT success) AS failed,
               count(*) FILTER (NOT success AND severity = 'critical') AS failed_critical,
               string_agg(expectation_type || coalesce(' (' || nullif(column_name, '') || ')', ''),
                          '; ' ORDER BY expectation_index) FILTER (NOT success) AS failed_names
        FROM audit.quality_results WHERE as_of_date = ?
        GROUP BY table_name ORDER BY failed_critical DESC, failed DESC, table_name
        """,
        [day],
    )


def _freshness(con: duckdb.DuckDBPyConnection, day: date) -> list[dict[str, Any]]:
    """Per source: files and rows loaded, last load, latest data time and its lag behind the
    end of the day; ``fresh`` when the source has data inside the day (event sources) or was
    loaded at all (reference sources without timestamps)."""
    if not table_columns(con, "audit.load_manifest"):
        return []
    return _rows(
        con,
        """
        SELECT source,
               count(*) AS files,
               sum(rows_loaded) AS rows_loaded,
               sum(rows_quarantined) AS rows_quarantined,
               max(loaded_at) AS last_loaded_at,
               max(ts_max) FILTER (ts_max < $end) AS latest_data_at,
               round(date_diff('minute', max(ts_max) FILTER (ts_max < $end), $end) / 60.0, 1)
                   AS lag_hours,
               CASE WHEN max(ts_max) IS NULL THEN count(*) FILTER (status = 'loaded') > 0
                    ELSE coalesce(max(ts_max) FILTER (ts_max < $end) >= $start, FALSE) END AS fresh
        FROM audit.load_manifest
        WHERE status <> 'replaced' AND (ts_min IS NULL OR ts_min < $end)
        GROUP BY source ORDER BY fresh, source
        """,
        day_bounds(day),
    )


def load_report_data(con: duckdb.DuckDBPyConnection, wanted: date | None = None) -> ReportData:
    """Read everything for one date (default: the last assessed date)."""
    day, prev, dates = resolve_date(con, wanted)
    missing = [
        t
        for t in (
            "staging.districts",
            "marts.pipe_risk",
            "marts.hazard_ledger",
            "marts.lifeline_alarms",
            "audit.quality_results",
            "audit.load_manifest",
        )
        if not table_columns(con, t)
    ]
    reg_sql = register_query(con, day, prev)
    reg_params = register_params(con, day, prev)
    counts = _level_counts(con, day)
    changes = _changes(con, day, prev)
    register_total = sum(counts.values()) + changes.get("resolved", 0)  # rows of reg_sql
    top = _rows(con, reg_sql + f" LIMIT {TOP_RISKS}", reg_params)

    points, points_total = _points(con, day)
    pipes, pipes_total = _pipes(con, day)
    ledger: list[dict[str, Any]] = []
    ledger_total = ledger_overdue = 0
    lq = ledger_query(con)
    if lq:
        ledger = _rows(con, lq + f" LIMIT {HTML_MAX_LEDGER}")
        ledger_total, ledger_overdue = con.execute(
            f"SELECT count(*), count(*) FILTER (overdue IS TRUE) FROM ({lq})"
        ).fetchone()
    alarms: list[dict[str, Any]] = []
    alarms_total = 0
    grades: dict[str, int] = {}
    aq = alarms_query(con)
    if aq:
        bounds = day_bounds(day)
        alarms = _rows(con, aq + f" LIMIT {HTML_MAX_ALARMS}", bounds)
        grades = dict(
            con.execute(f"SELECT grade, count(*) FROM ({aq}) GROUP BY 1", bounds).fetchall()
        )
        alarms_total = sum(grades.values())
    return ReportData(
        as_of_date=day,
        previous_date=prev,
        dates=dates,
        counts=counts,
        previous_counts=_level_counts(con, prev),
        changes=changes,
        register=top,
        register_total=register_total,
        districts=_districts(con, day),
        points=points,
        points_total=points_total,
        pipes=pipes,
        pipes_total=pipes_total,
        ledger=ledger,
        ledger_total=ledger_total,
        ledger_overdue=ledger_overdue,
        spectrum=_spectrum(con, day, prev),
        alarms=alarms,
        alarms_total=alarms_total,
        alarm_grades=grades,
        quality=_quality(con, day),
        freshness=_freshness(con, day),
        missing_tables=missing,
    )
