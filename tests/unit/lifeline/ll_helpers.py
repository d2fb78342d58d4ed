"""Helpers building small hand-made staging data for the lifeline tests (no generator, no ingestion)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.settings import LOCAL_TZ, Paths

T0 = datetime(2025, 11, 3, tzinfo=LOCAL_TZ)  # a Monday in the heating season

SENSOR_DEFAULTS: dict[str, Any] = {
    "unit": None,
    "location_type": None,
    "asset_id": None,
    "dma_id": None,
    "district_id": "220102",
    "lon": 125.32,
    "lat": 43.88,
    "depth_m": None,
    "pressure_class": None,
    "nominal_value": None,
    "sampling_interval_s": 300,
    "installed_on": "2024-01-01",
}
SENSOR_COLUMNS = ["sensor_id", "domain", "measure", *SENSOR_DEFAULTS]


def series(
    sensor_id: str, start: datetime, values: Sequence[float], step_s: int = 300
) -> pd.DataFrame:
    """Readings of one sensor every ``step_s`` seconds from ``start``."""
    return pd.DataFrame(
        {
            "sensor_id": sensor_id,
            "measured_at": [start + timedelta(seconds=i * step_s) for i in range(len(values))],
            "value": [float(v) for v in values],
        }
    )


def noisy(base: float, n: int, amp: float, seed: int = 0) -> list[float]:
    """A deterministic varying signal (so that it is never mistaken for a stuck sensor)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return list(np.round(base + amp * rng.standard_normal(n), 3))


def add_sensors(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    full = [{**SENSOR_DEFAULTS, **r} for r in rows]
    df = pd.DataFrame(full)[SENSOR_COLUMNS]
    con.register("new_sensors", df)
    con.execute(
        f"""
        INSERT INTO staging.sensors BY NAME
        SELECT {", ".join(SENSOR_COLUMNS[:-1])}, installed_on::DATE AS installed_on,
            ST_Point(lon, lat) AS geometry,
            ST_Transform(ST_Point(lon, lat), 'EPSG:4326', 'EPSG:4551', always_xy := true) AS geom_m
        FROM new_sensors
        """
    )
    con.unregister("new_sensors")


def _readings_table(con: duckdb.DuckDBPyConnection) -> str:
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables "
        "WHERE table_schema = 'staging' AND table_name = 'readings'"
    ).fetchone()
    return "raw.readings" if kind and kind[0] == "VIEW" else "staging.readings"


def add_readings(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> None:
    con.register("new_readings", df)
    con.execute(
        f"INSERT INTO {_readings_table(con)} BY NAME "
        "SELECT sensor_id, measured_at::TIMESTAMPTZ AS measured_at, value FROM new_readings"
    )
    con.unregister("new_readings")


def delete_readings(con: duckdb.DuckDBPyConnection, after: datetime) -> None:
    con.execute(f"DELETE FROM {_readings_table(con)} WHERE measured_at >= ?", [after])


def add_buildings(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    df = pd.DataFrame(rows)
    con.register("new_b", df)
    con.execute(
        """
        INSERT INTO staging.buildings BY NAME
        SELECT building_id, name, district_id, lon, lat, use,
            ST_Point(lon, lat) AS geometry,
            ST_Transform(ST_Point(lon, lat), 'EPSG:4326', 'EPSG:4551', always_xy := true) AS geom_m
        FROM new_b
        """
    )
    con.unregister("new_b")


def day_ctx(paths: Paths, day_index: int, run_id: str | None = None) -> RunContext:
    start = T0 + timedelta(days=day_index)
    return RunContext(start, start + timedelta(days=1), run_id or f"test_{day_index}", paths)


def query(paths: Paths, sql: str, params: Any = None) -> pd.DataFrame:
    """Read results back (timestamps as pandas, no pytz needed)."""
    c = warehouse.connect(paths.warehouse, read_only=True)
    try:
        return c.execute(sql, params or []).df()
    finally:
        c.close()


def add_dmas(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    df = pd.DataFrame(rows)
    con.register("new_dmas", df)
    con.execute("INSERT INTO staging.dmas BY NAME SELECT * FROM new_dmas")
    con.unregister("new_dmas")
