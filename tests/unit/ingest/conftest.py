"""Small fixture city: two districts, one DMA, three sensors, readings with injected faults."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.settings import SQL_DIR, Paths, get_paths

#: The schema files ingestion owns (other stages' schemas are tested by their own packages).
INGEST_SCHEMAS = ("00_schemas.sql", "10_audit_ingest.sql", "20_raw.sql", "30_staging.sql")

DAY = date(2024, 3, 1)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def square(x: float, y: float, d: float = 0.1) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]],
    }


def write_registries(landing: Path) -> None:
    feats = [
        {
            "type": "Feature",
            "properties": {
                "district_id": "220102",
                "name_zh": "南关区",
                "population": 500000,
                "area_km2": 497.0,
            },
            "geometry": square(125.3, 43.8),
        },
        {
            "type": "Feature",
            "properties": {
                "district_id": "220103",
                "name_zh": "宽城区",
                "population": 400000,
                "area_km2": 200.0,
            },
            "geometry": square(125.3, 43.9),
        },
    ]
    write(
        landing / "districts" / "districts.geojson",
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False),
    )
    dmas = [
        {
            "type": "Feature",
            "properties": {
                "dma_id": "DMA01",
                "district_id": "220102",
                "name": "A",
                "mains_length_km": 10,
                "service_connections": 3000,
                "private_pipe_km": 2,
                "avg_pressure_m": 30,
            },
            "geometry": square(125.31, 43.81, 0.02),
        }
    ]
    write(
        landing / "dmas" / "dmas.geojson",
        json.dumps({"type": "FeatureCollection", "features": dmas}),
    )
    write(
        landing / "sensors" / "sensors.csv",
        "sensor_id,domain,measure,unit,location_type,asset_id,dma_id,district_id,lon,lat,depth_m,pressure_class,nominal_value,sampling_interval_s,installed_on\n"
        "G001,gas,methane_lel,%LEL,adjacent_space,,,220102,125.32,43.82,,,,60,2020-01-01\n"
        "W001,water,water_pressure,m,dma_inlet,,DMA01,220102,125.33,43.83,,,28,300,2021-05-01\n"
        "W002,water,dma_inflow,m3/h,dma_inlet,,DMA01,220103,125.34,43.93,,,,300,2021-05-01\n",
    )


def readings_lines(day: str = "2024-03-01") -> list[str]:
    return [
        "sensor_id,measured_at,value",
        f"G001,{day}T00:00:00+08:00,1.5",
        f"W001,{day}T00:00:00+08:00,28.1",
        f"W002,{day}T00:05:00+08:00,120",
        f"G001,{day}T00:05:00+08:00,2.0",
    ]


@pytest.fixture(scope="session")
def ingest_sql_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sql")
    (root / "schemas").mkdir()
    for name in INGEST_SCHEMAS:
        shutil.copy(SQL_DIR / "schemas" / name, root / "schemas" / name)
    shutil.copytree(SQL_DIR / "staging", root / "staging")
    return root


@pytest.fixture(autouse=True)
def only_ingest_schemas(ingest_sql_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply only ingestion's schema files, so other stages' work in progress cannot interfere."""
    monkeypatch.setattr(warehouse, "SQL_DIR", ingest_sql_dir)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return get_paths(data_dir=tmp_path / "data").ensure()


@pytest.fixture
def ctx(paths: Paths) -> RunContext:
    write_registries(paths.landing)
    return RunContext.for_local_day(DAY, run_id="test__2024-03-01", paths=paths)
