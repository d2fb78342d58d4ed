"""Sensor faults go to marts.sensor_health, not into alarms."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.lifeline import run_lifeline
from pipelines.settings import get_paths

from .ll_helpers import T0, add_readings, add_sensors, day_ctx, noisy, query, series

WATER = {
    "domain": "water",
    "measure": "water_pressure",
    "location_type": "pipeline",
    "nominal_value": 28.0,
}


@pytest.fixture(scope="module")
def health(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = get_paths(data_dir=tmp_path_factory.mktemp("faults")).ensure()
    with warehouse.writer(paths) as con:
        add_sensors(
            con,
            [{**WATER, "sensor_id": s} for s in ("OK-1", "GAP-1", "NEVER-1", "BAD-1", "FLAT-1")],
        )
        add_readings(con, series("OK-1", T0, noisy(31, 288, 0.2, 1)))
        gap = series("GAP-1", T0, noisy(31, 288, 0.2, 2))
        add_readings(con, gap[(gap.index < 100) | (gap.index >= 130)])  # silent 08:20-10:50
        bad = noisy(31, 288, 0.2, 3)
        bad[50:54] = [-5.0, -5.0, -6.0, -5.5]  # impossible negative pressure (would be grade I)
        add_readings(con, series("BAD-1", T0, bad))
        flat = noisy(31, 288, 0.2, 4)
        flat[200:230] = [30.55] * 30  # frozen for 2 h 25 min at a normal value
        add_readings(con, series("FLAT-1", T0, flat))
    run_lifeline(day_ctx(paths, 0))
    h = query(paths, "SELECT * FROM marts.sensor_health").set_index("sensor_id")
    return h, query(paths, "SELECT * FROM marts.lifeline_alarms")


def at(i: int) -> pd.Timestamp:
    return pd.Timestamp(T0 + timedelta(minutes=5 * i))


def test_healthy_sensor(health) -> None:
    row = health[0].loc["OK-1"]
    assert row["fault_type"] == "none" and row["completeness"] == 1.0
    assert row["readings_expected"] == 288 and row["readings_received"] == 288
    assert row["last_seen"] == at(287)


def test_offline_gap_and_never_seen(health) -> None:
    h = health[0]
    gap = h.loc["GAP-1"]
    assert gap["fault_type"] == "offline"
    assert gap["fault_since"] == at(99) and gap["fault_until"] == at(130)
    assert gap["readings_received"] == 258 and gap["completeness"] == pytest.approx(258 / 288)
    never = h.loc["NEVER-1"]
    assert never["fault_type"] == "offline" and never["readings_received"] == 0
    assert never["fault_since"] == pd.Timestamp(T0) and pd.isna(never["fault_until"])


def test_out_of_range_and_stuck(health) -> None:
    h = health[0]
    bad = h.loc["BAD-1"]
    assert bad["fault_type"] == "out_of_range" and bad["readings_out_of_range"] == 4
    assert bad["fault_since"] == at(50) and bad["fault_until"] == at(53)
    flat = h.loc["FLAT-1"]
    assert flat["fault_type"] == "stuck"
    assert flat["fault_since"] == at(200) and flat["fault_until"] == at(229)


def test_faulty_sensors_raise_no_alarms(health) -> None:
    assert health[1].empty
