"""Episode logic on one day of hand-made methane readings: open after N consecutive readings,
escalate to the highest grade held, close with hysteresis, longer persistence for grade III,
and a frozen transmitter raises nothing."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.lifeline import run_lifeline
from pipelines.settings import get_paths

from .ll_helpers import T0, add_readings, add_sensors, day_ctx, noisy, query, series

GAS = {"domain": "gas", "measure": "methane_lel", "location_type": "adjacent_space"}


def methane(spikes: dict[int, float], seed: int = 1) -> list[float]:
    vals = noisy(1.0, 288, 0.2, seed)
    for i, v in spikes.items():
        vals[i] = v + 0.01 * (i % 7)  # varying, so never mistaken for a flat-line
    return vals


SCENARIO = {
    "GM-1": {50: 30, 51: 30},  # two readings >= 25: below N = 3, nothing
    "GM-2": {50: 30, 51: 30, 52: 30},  # three readings: grade II
    "GM-3": {i: 30 for i in range(100, 110)} | {i: 60 for i in range(110, 114)},  # escalates to I
    "GM-4": {i: 30 for i in range(100, 110)} | {105: 70},  # one spike to 70 does not escalate
    "GM-5": {i: 30 for i in range(100, 106)} | {i: 4 for i in range(106, 118)},  # hysteresis
    "GM-6": {i: 8 for i in range(60, 65)},  # 25 min at 8 %LEL: not sustained
    "GM-7": {i: 8 for i in range(60, 66)},  # 30 min at 8 %LEL: grade III
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    paths = get_paths(data_dir=tmp_path_factory.mktemp("episodes")).ensure()
    with warehouse.writer(paths) as con:
        add_sensors(
            con, [{**GAS, "sensor_id": s, "asset_id": "MH-" + s} for s in [*SCENARIO, "GM-8"]]
        )
        for s, spikes in SCENARIO.items():
            add_readings(con, series(s, T0, methane(spikes, seed=int(s[-1]))))
        stuck = methane({}, seed=8)
        stuck[120:160] = [30.0] * 40  # frozen at an alarming value for 3 h 20 min
        add_readings(con, series("GM-8", T0, stuck))
    counts = run_lifeline(day_ctx(paths, 0))
    return paths, counts, query(paths, "SELECT * FROM marts.lifeline_alarms ORDER BY sensor_id")


def one(alarms: pd.DataFrame, sensor: str) -> pd.Series:
    rows = alarms[alarms["sensor_id"] == sensor]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def at(i: int) -> pd.Timestamp:
    return pd.Timestamp(T0 + timedelta(minutes=5 * i))


def test_opens_after_n_consecutive_not_on_short_runs(run) -> None:
    _, _, alarms = run
    assert "GM-1" not in set(alarms["sensor_id"])
    row = one(alarms, "GM-2")
    assert row["grade"] == "II" and row["base_grade"] == "II"
    assert row["opened_at"] == at(50) and row["confirmed_at"] == at(52)
    assert row["closed_at"] == at(53)  # first of the M clear readings
    assert row["status"] == "closed" and row["duration_minutes"] == 15
    assert row["detection_type"] == "gas_leak_adjacent_space" and row["asset_id"] == "MH-GM-2"
    assert "GB/T 50493" in row["reason"] and pd.isna(row["compound_reason"])


def test_escalates_to_highest_held_grade_in_one_episode(run) -> None:
    row = one(run[2], "GM-3")
    assert row["grade"] == "I"
    assert row["peak_value"] >= 60 and row["peak_at"] >= at(110)
    assert row["opened_at"] == at(100)


def test_single_spike_does_not_escalate(run) -> None:
    row = one(run[2], "GM-4")
    assert row["grade"] == "II" and row["peak_value"] >= 70


def test_hysteresis_keeps_episode_open_until_below_close(run) -> None:
    # 4 %LEL is below grade III (5) but above the close threshold (3): still open
    assert one(run[2], "GM-5")["closed_at"] == at(118)


def test_grade_iii_needs_sustained_rise(run) -> None:
    alarms = run[2]
    assert "GM-6" not in set(alarms["sensor_id"])
    row = one(alarms, "GM-7")
    assert row["grade"] == "III" and row["opened_at"] == at(60)


def test_frozen_sensor_raises_no_alarm_and_is_stuck(run) -> None:
    paths, counts, alarms = run
    assert "GM-8" not in set(alarms["sensor_id"])
    assert counts["voided_episodes"] == 1
    h = query(paths, "SELECT * FROM marts.sensor_health WHERE sensor_id = 'GM-8'").iloc[0]
    assert h["fault_type"] == "stuck"
    assert h["fault_since"] == at(120) and h["fault_until"] == at(159)


def test_rerun_changes_nothing(run) -> None:
    paths, _, alarms = run
    health = query(paths, "SELECT * EXCLUDE (run_id) FROM marts.sensor_health ORDER BY sensor_id")
    run_lifeline(day_ctx(paths, 0))
    after = query(paths, "SELECT * FROM marts.lifeline_alarms ORDER BY sensor_id")
    pd.testing.assert_frame_equal(after, alarms)
    pd.testing.assert_frame_equal(
        query(paths, "SELECT * EXCLUDE (run_id) FROM marts.sensor_health ORDER BY sensor_id"),
        health,
    )
