"""Input tables of the register and ledger, as temp views with fixed columns.

Other stages build the marts and ingestion builds staging. When a table (or a column) does not
exist yet its domain has no rows: the stage logs a warning and reads an empty stand-in, so the
register for the other domains is still produced and the run record names what was missing.
"""

from __future__ import annotations

import logging

import duckdb

log = logging.getLogger(__name__)

#: temp view name -> (source table, {column: DuckDB type}). Only these columns are read.
INPUTS: dict[str, tuple[str, dict[str, str]]] = {
    "reg_in_pipe_risk": (
        "marts.pipe_risk",
        {
            "as_of_date": "DATE",
            "segment_id": "VARCHAR",
            "network": "VARCHAR",
            "material": "VARCHAR",
            "diameter_mm": "DOUBLE",
            "likelihood_per_km_year": "DOUBLE",
            "consequence_score": "DOUBLE",
            "risk_level": "VARCHAR",
            "drivers": "VARCHAR",
            "responsible_unit_id": "VARCHAR",
            "district_id": "VARCHAR",
            "geometry": "GEOMETRY",
        },
    ),
    "reg_in_building_risk": (
        "marts.building_risk",
        {
            "as_of_date": "DATE",
            "building_id": "VARCHAR",
            "name": "VARCHAR",
            "likelihood": "INTEGER",
            "consequence": "INTEGER",
            "risk_level": "VARCHAR",
            "latest_grade": "VARCHAR",
            "latest_inspected_at": "TIMESTAMPTZ",
            "drivers": "VARCHAR",
            "responsible_unit_id": "VARCHAR",
            "district_id": "VARCHAR",
            "lon": "DOUBLE",
            "lat": "DOUBLE",
        },
    ),
    "reg_in_alarms": (
        "marts.lifeline_alarms",
        {
            "episode_id": "VARCHAR",
            "sensor_id": "VARCHAR",
            "asset_id": "VARCHAR",
            "domain": "VARCHAR",
            "measure": "VARCHAR",
            "grade": "VARCHAR",
            "opened_at": "TIMESTAMPTZ",
            "closed_at": "TIMESTAMPTZ",
            "status": "VARCHAR",
            "district_id": "VARCHAR",
            "lon": "DOUBLE",
            "lat": "DOUBLE",
            "reason": "VARCHAR",
            "compound_reason": "VARCHAR",
        },
    ),
    "reg_in_facilities": (
        "staging.hazardous_facilities",
        {
            "facility_id": "VARCHAR",
            "name": "VARCHAR",
            "kind": "VARCHAR",
            "district_id": "VARCHAR",
            "lon": "DOUBLE",
            "lat": "DOUBLE",
            "substance": "VARCHAR",
            "stored_tonnes": "DOUBLE",
            "threshold_tonnes": "DOUBLE",
            "responsible_unit_id": "VARCHAR",
        },
    ),
    "reg_in_decisions": (
        "staging.officer_decisions",
        {
            "decision_id": "VARCHAR",
            "kind": "VARCHAR",
            "target_id": "VARCHAR",
            "decided_at": "TIMESTAMPTZ",
            "officer": "VARCHAR",
            "reason": "VARCHAR",
            "new_level": "VARCHAR",
        },
    ),
    "reg_in_units": (
        "staging.responsible_units",
        {"unit_id": "VARCHAR", "name_zh": "VARCHAR", "domain": "VARCHAR", "district_id": "VARCHAR"},
    ),
    "reg_in_districts": ("staging.districts", {"district_id": "VARCHAR", "name_zh": "VARCHAR"}),
    "led_in_reports": (
        "staging.hazard_reports",
        {
            "report_id": "VARCHAR",
            "reported_at": "TIMESTAMPTZ",
            "domain": "VARCHAR",
            "source_id": "VARCHAR",
            "district_id": "VARCHAR",
            "severity": "VARCHAR",
            "description": "VARCHAR",
            "reporter": "VARCHAR",
        },
    ),
    "led_in_updates": (
        "staging.hazard_updates",
        {
            "update_id": "VARCHAR",
            "hazard_id": "VARCHAR",
            "updated_at": "TIMESTAMPTZ",
            "status": "VARCHAR",
            "actor": "VARCHAR",
            "responsible_unit_id": "VARCHAR",
            "note": "VARCHAR",
        },
    ),
    "led_in_raw_updates": (
        "raw.hazard_updates",
        {"update_id": "VARCHAR", "_file": "VARCHAR", "_line": "BIGINT"},
    ),
}


def _existing_columns(con: duckdb.DuckDBPyConnection, qualified: str) -> set[str] | None:
    schema, table = qualified.split(".", 1)
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "AND database_name = current_database()",
        [schema, table],
    ).fetchall()
    return {r[0] for r in rows} or None


def prepare_inputs(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[str]:
    """Create temp views ``names`` over their source tables; return the sources that were missing.

    A missing column reads as NULL (logged), a missing table as an empty view with the columns.
    """
    missing: list[str] = []
    for name in names:
        source, columns = INPUTS[name]
        present = _existing_columns(con, source)
        if present is None:
            log.warning("%s does not exist yet: its domain counts as having no rows", source)
            missing.append(source)
            select = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in columns.items())
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {select} WHERE false")
            continue
        absent = [c for c in columns if c not in present]
        if absent:
            log.warning("%s lacks columns %s: read as NULL", source, ", ".join(absent))
        select = ", ".join(
            c if c in present else f"CAST(NULL AS {t}) AS {c}" for c, t in columns.items()
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {select} FROM {source}")
    return missing
