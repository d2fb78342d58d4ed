"""A small warehouse with every input of the report, built through the real DDL.

Rows name only the columns the report cares about; other NOT NULL columns get a neutral value
of their type, so the fixture keeps working while other stages add columns. Input text carries
markup and formula-looking values on purpose.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from pipelines import warehouse
from pipelines.settings import LOCAL_TZ

DAY1 = date(2025, 11, 4)
DAY2 = date(2025, 11, 5)
EVIL_DRIVER = '<script>alert("x")</script> pressure <b>drop</b> & leak'
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'

DISTRICTS = [
    ("220102", "南关区", "Nanguan", (125.30, 43.80, 125.40, 43.90)),
    ("220104", "朝阳区", "Chaoyang", (125.20, 43.80, 125.30, 43.90)),
    ("220106", "绿园区", "Lvyuan", (125.20, 43.90, 125.40, 43.98)),
]


def _default(dtype: str) -> Any:
    dtype = dtype.upper()
    if dtype.startswith(("VARCHAR", "STRUCT")):
        return "x"
    if dtype == "BOOLEAN":
        return False
    if dtype == "DATE":
        return DAY2
    if dtype.startswith("TIMESTAMP"):
        return datetime(2025, 11, 5, 12, tzinfo=LOCAL_TZ)
    return 0


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert dicts; geometry values are WKT; missing NOT NULL columns get type defaults."""
    schema, name = table.split(".")
    meta = con.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, name],
    ).fetchall()
    assert meta, f"{table} does not exist"
    for row in rows:
        cols, marks, values = [], [], []
        for col, dtype, nullable in meta:
            if col in row:
                value = row[col]
            elif not nullable:
                value = _default(dtype)
            else:
                continue
            cols.append(f'"{col}"')
            marks.append("ST_GeomFromText(?)" if dtype == "GEOMETRY" and value is not None else "?")
            values.append(value)
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(marks)})", values)


def _square(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


def snapshot_rows() -> list[dict[str, Any]]:
    """Two dates: day 2 has a new red, an escalation, a de-escalation and a resolved source."""
    base = [
        # id, domain, district, day1 level, day2 level, score, lon, lat
        ("gas:G1", "gas", "220102", "orange", "red", 20, 125.35, 43.85),
        ("gas:G2", "gas", "220104", "yellow", "yellow", 9, 125.25, 43.85),
        ("water:W1", "water", "220104", "red", "orange", 16, 125.22, 43.82),
        ("building:B1", "building", "220106", None, "red", 25, 125.30, 43.95),
        ("building:B2", "building", "220106", "blue", "blue", 2, 125.31, 43.94),
        ("heating:H1", "heating", "220102", "yellow", None, 8, 125.33, 43.83),
        ("water:W2", "water", "220102", "blue", "blue", 3, 125.36, 43.88),
        ("drainage:D1", "drainage", "220106", "yellow", "yellow", 6, 125.25, 43.93),
    ]
    rank = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
    rows = []
    for rid, dom, dist, l1, l2, score, lon, lat in base:
        for day, level in ((DAY1, l1), (DAY2, l2)):
            if level is None:
                continue
            rows.append(
                {
                    "risk_source_id": rid,
                    "as_of_date": day,
                    "domain": dom,
                    "source_type": dom,
                    "source_name": FORMULA_NAME if rid == "gas:G1" else f"{rid} 名称",
                    "likelihood": rank[level],
                    "consequence": 5,
                    "score": float(score if day == DAY2 else score - 1),
                    "computed_level": level,
                    "risk_level": level,
                    "method": "matrix_5x5",
                    "drivers": EVIL_DRIVER if rid == "gas:G1" else f"{dom} 驱动因素 {rid}",
                    "recommended_action": "立即处置 immediate action"
                    if level == "red"
                    else "加强监测",
                    "responsible_unit": "U1",
                    "responsible_unit_name": "长春燃气公司",
                    "district_id": dist,
                    "district_name": next(d[1] for d in DISTRICTS if d[0] == dist),
                    "lon": lon,
                    "lat": lat,
                    "in_register": True,
                    "assessment_hash": f"{rid}-{level}-{score}",
                }
            )
    # an assessed-only source (not in the register): counted in the spectrum, not the headline
    rows.append(
        {**rows[-1], "risk_source_id": "water:W9", "in_register": False, "risk_level": "blue"}
    )
    return rows


def build_fixture(path: Path) -> Path:
    """Create the warehouse at ``path`` with two assessed dates and every report input."""
    con = warehouse.connect(path)
    try:
        warehouse.ensure_schema(con)
        insert(
            con,
            "staging.districts",
            [
                {"district_id": i, "name_zh": zh, "name_en": en, "geometry": _square(*bbox)}
                for i, zh, en, bbox in DISTRICTS
            ],
        )
        insert(con, "audit.register_runs", [{"as_of_date": DAY1}, {"as_of_date": DAY2}])
        insert(con, "marts.risk_snapshot", snapshot_rows())
        pipes = [
            ("P1", "red", "LINESTRING(125.21 43.81, 125.26 43.86, 125.29 43.87)"),
            ("P2", "orange", "LINESTRING(125.31 43.81, 125.38 43.84)"),
            ("P3", "yellow", "LINESTRING(125.32 43.91, 125.38 43.96)"),
        ]
        insert(
            con,
            "marts.pipe_risk",
            [
                {
                    "as_of_date": DAY2,
                    "segment_id": sid,
                    "network": "water",
                    "risk_level": lv,
                    "risk_score": 10.0 - i,
                    "drivers": EVIL_DRIVER if sid == "P1" else "old cast iron",
                    "geometry": wkt,
                }
                for i, (sid, lv, wkt) in enumerate(pipes)
            ],
        )
        now = datetime(2025, 11, 5, 18, tzinfo=LOCAL_TZ)
        insert(
            con,
            "marts.hazard_ledger",
            [
                {
                    "hazard_id": "HZ-OK",
                    "origin": "risk",
                    "severity": "general",
                    "status": "assigned",
                    "deadline": now + timedelta(days=10),
                    "overdue": False,
                    "domain": "water",
                    "description": "阀门井积水",
                    "district_id": "220104",
                    "as_of_date": DAY2,
                },
                {
                    "hazard_id": "HZ-LATE",
                    "origin": "field_report",
                    "severity": "major",
                    "status": "rectifying",
                    "deadline": now - timedelta(days=3),
                    "overdue": True,
                    "overdue_days": 3,
                    "domain": "gas",
                    "description": EVIL_DRIVER,
                    "district_id": "220102",
                    "as_of_date": DAY2,
                },
                {
                    "hazard_id": "HZ-CLOSED",
                    "origin": "risk",
                    "severity": "general",
                    "status": "closed",
                    "deadline": now - timedelta(days=5),
                    "overdue": False,
                    "domain": "building",
                    "description": "已销号",
                    "district_id": "220106",
                    "as_of_date": DAY2,
                },
            ],
        )
        insert(
            con,
            "marts.lifeline_alarms",
            [
                {
                    "episode_id": "E1",
                    "sensor_id": "S1",
                    "domain": "gas",
                    "measure": "methane_lel",
                    "channel": "hi",
                    "grade": "I",
                    "base_grade": "II",
                    "opened_at": now - timedelta(hours=5),
                    "confirmed_at": now - timedelta(hours=5),
                    "peak_value": 25.0,
                    "unit": "%LEL",
                    "status": "open",
                    "district_id": "220102",
                    "reason": "-2+3 cmd|' /C calc'!A0",
                },
                {
                    "episode_id": "E0",
                    "sensor_id": "S2",
                    "domain": "water",
                    "measure": "pressure",
                    "channel": "lo",
                    "grade": "III",
                    "base_grade": "III",
                    "opened_at": now - timedelta(days=3),
                    "confirmed_at": now - timedelta(days=3),
                    "closed_at": now - timedelta(days=2),
                    "status": "closed",
                    "district_id": "220104",
                    "reason": "old",
                },
            ],
        )
        start = datetime(2025, 11, 5, tzinfo=LOCAL_TZ)
        insert(
            con,
            "audit.quality_results",
            [
                {
                    "run_id": "r",
                    "interval_start": start,
                    "interval_end": start + timedelta(days=1),
                    "as_of_date": DAY2,
                    "table_name": t,
                    "suite": t,
                    "expectation_index": i,
                    "expectation_type": e,
                    "column_name": c,
                    "severity": sev,
                    "mode": "batch",
                    "success": ok,
                    "validated_at": now,
                }
                for i, (t, e, c, sev, ok) in enumerate(
                    [
                        (
                            "staging.readings",
                            "expect_column_values_to_not_be_null",
                            "value",
                            "critical",
                            True,
                        ),
                        (
                            "staging.readings",
                            "expect_column_values_to_be_between",
                            "value",
                            "warning",
                            False,
                        ),
                        (
                            "staging.sensors",
                            "expect_column_values_to_be_unique",
                            "sensor_id",
                            "critical",
                            True,
                        ),
                    ]
                )
            ],
        )
        insert(
            con,
            "audit.load_manifest",
            [
                {
                    "file": "readings/gas_2025-11-05.csv",
                    "source": "readings",
                    "checksum": "a",
                    "rows_in": 100,
                    "rows_loaded": 98,
                    "rows_quarantined": 2,
                    "ts_min": start,
                    "ts_max": start + timedelta(hours=23, minutes=59),
                    "loaded_at": now,
                    "run_id": "r",
                    "status": "loaded",
                },
                {
                    "file": "districts/districts.geojson",
                    "source": "districts",
                    "checksum": "b",
                    "rows_in": 3,
                    "rows_loaded": 3,
                    "rows_quarantined": 0,
                    "loaded_at": now,
                    "run_id": "r",
                    "status": "loaded",
                },
                {
                    "file": "pipe_breaks/old.csv",
                    "source": "pipe_breaks",
                    "checksum": "c",
                    "rows_in": 1,
                    "rows_loaded": 1,
                    "rows_quarantined": 0,
                    "ts_min": start - timedelta(days=9),
                    "ts_max": start - timedelta(days=8),
                    "loaded_at": now,
                    "run_id": "r",
                    "status": "loaded",
                },
            ],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path
