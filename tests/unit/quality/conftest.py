"""Shared fixtures: staging tables built from config/contracts.yaml in a tmp warehouse.

The GX context is created once per test session in a tmp data dir (GX import and context
creation are the slow part); tests write their own staging rows and run the gate.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.settings import LOCAL_TZ, Paths, get_paths, load_config

DAY = date(2024, 3, 1)
DAY_START = datetime(2024, 3, 1, tzinfo=LOCAL_TZ)


def create_staging(con, source: str) -> None:
    """A fresh staging.<source> table: the contract's columns, plus ``geometry`` (a point from
    lon/lat) and ``geom_m`` (EPSG:4551) for geo sources, as docs/architecture.md describes.

    Whatever the ingest package's DDL created under that name (table or view) is dropped first,
    so these tests depend only on the contract.
    """
    is_view = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'staging' AND view_name = ?",
        [source],
    ).fetchone()[0]
    con.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS staging.{source}")
    contract = load_config("contracts")["sources"][source]
    cols = [f'"{c["name"]}" {c["type"]}' for c in contract["columns"]]
    names = {c["name"] for c in contract["columns"]}
    if {"lon", "lat"} <= names and "geometry" not in names:
        cols.append("geometry GEOMETRY")  # staging derives a WGS84 point from lon/lat
    if "geometry" in names or {"lon", "lat"} <= names:
        cols.append("geom_m GEOMETRY")
    con.execute(f"CREATE TABLE staging.{source} ({', '.join(cols)})")


def make_readings(con, sensors: int, per_sensor: int, step_s: int = 60) -> None:
    """Readings of ``sensors`` sensors, ``per_sensor`` each, every ``step_s`` seconds from DAY."""
    create_staging(con, "readings")
    con.execute(
        """
        INSERT INTO staging.readings
        SELECT 'S' || lpad(s::VARCHAR, 5, '0'),
               $start + to_seconds(i * $step),
               (s % 7) + (i % 13) * 0.5
        FROM range($sensors) t(s), range($per) u(i)
        """,
        {"start": DAY_START, "step": step_s, "sensors": sensors, "per": per_sensor},
    )


def make_sensors(con, sensors: int, sampling_interval_s: int = 60) -> None:
    create_staging(con, "sensors")
    con.execute(
        """
        INSERT INTO staging.sensors (sensor_id, domain, measure, unit, location_type, district_id,
                                     lon, lat, depth_m, sampling_interval_s, geom_m)
        SELECT 'S' || lpad(s::VARCHAR, 5, '0'), 'water', 'water_pressure', 'm', 'pipeline',
               '220102', 125.3 + s * 0.0001, 43.9, 1.5, $interval,
               ST_Point(500000 + s, 4860000)
        FROM range($sensors) t(s)
        """,
        {"sensors": sensors, "interval": sampling_interval_s},
    )


def make_buildings(con, n: int) -> None:
    create_staging(con, "buildings")
    con.execute(
        """
        INSERT INTO staging.buildings (building_id, name, district_id, lon, lat, structure_type,
                                       year_built, floors, height_m, use, occupancy,
                                       fortification_intensity, geom_m)
        SELECT 'B' || lpad(b::VARCHAR, 5, '0'), '楼' || b, '220102', 125.3, 43.9, 'rc_frame',
               1960 + b % 60, 1 + b % 30, 3.0 * (1 + b % 30), 'residential', 100, 7,
               ST_Point(500000 + b, 4860000)
        FROM range($n) t(b)
        """,
        {"n": n},
    )


@pytest.fixture(scope="session")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """One data dir (and so one GX file context) shared by the session's tests."""
    return get_paths(data_dir=tmp_path_factory.mktemp("quality_data")).ensure()


@pytest.fixture
def ctx(paths: Paths) -> RunContext:
    return RunContext.for_local_day(DAY, run_id="test__2024-03-01", paths=paths)


@pytest.fixture
def con(paths: Paths) -> Iterator:
    """A writer connection for setting up staging rows; closed before the gate runs."""
    with warehouse.writer(paths) as c:
        yield c


def results(paths: Paths, table: str) -> list[dict]:
    """Recorded rows of ``table`` (read-only open: no schema pass, faster than a writer)."""
    con = warehouse.connect(paths.warehouse, read_only=True)
    try:
        cur = con.execute(
            "SELECT * EXCLUDE (interval_start, interval_end, validated_at) "
            "FROM audit.quality_results WHERE table_name = ? ORDER BY expectation_index",
            [table],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def docs_index(paths: Paths) -> Path:
    return paths.quality / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
