"""Compound risk: a gas alarm near a burst water main or a school is raised one grade."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.lifeline import run_lifeline
from pipelines.settings import get_paths

from .ll_helpers import T0, add_buildings, add_readings, add_sensors, day_ctx, noisy, query, series

GAS = {"domain": "gas", "measure": "methane_lel", "location_type": "adjacent_space"}
WATER = {
    "domain": "water",
    "measure": "water_pressure",
    "location_type": "pipeline",
    "nominal_value": 28.0,
}
# 0.001 degree of latitude is about 111 m
SITES = {"GM-SCHOOL": (125.30, 43.80), "GM-FAR": (125.40, 43.90), "GM-BURST": (125.50, 43.70),
         "WP-BURST": (125.50, 43.7015), "GM-LATER": (125.60, 43.60), "WP-LATER": (125.60, 43.6010)}  # fmt: skip


def methane(start: int, level: float, n: int = 12, seed: int = 0) -> list[float]:
    vals = noisy(1.0, 288, 0.2, seed)
    for i in range(start, start + n):
        vals[i] = level + 0.01 * (i % 5)
    return vals


def burst(start: int, seed: int) -> list[float]:
    vals = noisy(32.0, 288, 0.15, seed)
    for i in range(start, start + 30):
        vals[i] = round(vals[i] * 0.5, 3)
    return vals


@pytest.fixture(scope="module")
def alarms(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    paths = get_paths(data_dir=tmp_path_factory.mktemp("compound")).ensure()
    with warehouse.writer(paths) as con:
        add_sensors(con, [
            {**(WATER if s.startswith("WP") else GAS), "sensor_id": s, "lon": lon, "lat": lat}
            for s, (lon, lat) in SITES.items()
        ])  # fmt: skip
        add_buildings(con, [
            {"building_id": "B-SCHOOL", "name": "第一小学", "district_id": "220102", "lon": 125.30,
             "lat": 43.8012, "use": "school"},
            {"building_id": "B-SHOP", "name": "商场", "district_id": "220102", "lon": 125.40,
             "lat": 43.9005, "use": "commercial"},
        ])  # fmt: skip
        add_readings(con, series("GM-SCHOOL", T0, methane(100, 8.0, seed=1)))  # grade III
        add_readings(con, series("GM-FAR", T0, methane(100, 8.0, seed=2)))  # grade III, shop only
        add_readings(con, series("GM-BURST", T0, methane(100, 30.0, seed=3)))  # grade II
        add_readings(con, series("WP-BURST", T0, burst(95, seed=4)))  # burst at the same time
        add_readings(con, series("GM-LATER", T0, methane(100, 30.0, seed=5)))
        add_readings(con, series("WP-LATER", T0, burst(200, seed=6)))  # burst 8 h later
    run_lifeline(day_ctx(paths, 0))
    return query(paths, "SELECT * FROM marts.lifeline_alarms").set_index("sensor_id")


def test_school_within_distance_raises_one_grade(alarms: pd.DataFrame) -> None:
    row = alarms.loc["GM-SCHOOL"]
    assert row["base_grade"] == "III" and row["grade"] == "II"
    assert "school B-SCHOOL" in row["compound_reason"]


def test_burst_nearby_at_the_same_time_raises_one_grade(alarms: pd.DataFrame) -> None:
    row = alarms.loc["GM-BURST"]
    assert row["base_grade"] == "II" and row["grade"] == "I"
    assert "water main burst alarm at WP-BURST" in row["compound_reason"]


def test_no_escalation_without_cause(alarms: pd.DataFrame) -> None:
    for s in ("GM-FAR", "GM-LATER"):
        row = alarms.loc[s]
        assert row["grade"] == row["base_grade"] and pd.isna(row["compound_reason"])
    # the burst alarms themselves are water alarms: never escalated
    assert (
        alarms.loc[["WP-BURST", "WP-LATER"], "grade"]
        == alarms.loc[["WP-BURST", "WP-LATER"], "base_grade"]
    ).all()
