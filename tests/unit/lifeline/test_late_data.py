"""Episodes, faults and health that span runs, and late data: recomputing from the re-opened
interval gives exactly what on-time data gives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.lifeline import run_lifeline
from pipelines.settings import Paths, get_paths

from .ll_helpers import T0, add_readings, add_sensors, day_ctx, noisy, query, series

SENSORS = [
    {"sensor_id": "GM-1", "domain": "gas", "measure": "methane_lel", "location_type": "adjacent_space"},
    {"sensor_id": "WP-1", "domain": "water", "measure": "water_pressure", "location_type": "pipeline",
     "nominal_value": 28.0},
    {"sensor_id": "WP-2", "domain": "water", "measure": "water_pressure", "location_type": "pipeline",
     "nominal_value": 28.0},
    {"sensor_id": "HP-1", "domain": "heating", "measure": "heating_pressure", "location_type": "substation",
     "nominal_value": 0.8},
]  # fmt: skip


def readings() -> pd.DataFrame:
    n = 2 * 288
    gas = noisy(1.0, n, 0.2, 1)
    for i in range(270, 300):  # 22:30 day 0 .. 01:00 day 1: one episode across midnight
        gas[i] = 30 + 0.1 * (i % 5)
    wp1 = noisy(32.0, n, 0.15, 2)
    for i in range(288 + 120, 288 + 150):  # burst 10:00-12:30 on day 1: pressure halves
        wp1[i] = round(wp1[i] * 0.5, 3)
    wp2 = noisy(31.0, n, 0.15, 3)
    hp1 = noisy(0.8, n, 0.004, 4)
    hp1[270:310] = [0.812] * 40  # frozen 22:30 day 0 .. 01:50 day 1
    frames = [series("GM-1", T0, gas), series("WP-1", T0, wp1), series("HP-1", T0, hp1)]
    wp2_df = series("WP-2", T0, wp2)
    offline = (wp2_df["measured_at"] >= T0 + timedelta(hours=23)) & (
        wp2_df["measured_at"] < T0 + timedelta(hours=25, minutes=30)
    )
    frames.append(wp2_df[~offline])  # offline 23:00 day 0 .. 01:30 day 1
    return pd.concat(frames, ignore_index=True)


def setup(base: Path, name: str, keep: pd.Series | None = None) -> tuple[Paths, pd.DataFrame]:
    paths = get_paths(data_dir=base / name).ensure()
    data = readings()
    with warehouse.writer(paths) as con:
        add_sensors(con, SENSORS)
        add_readings(con, data if keep is None else data[keep])
    return paths, data


def tables(paths: Paths) -> dict[str, pd.DataFrame]:
    return {
        "alarms": query(
            paths, "SELECT * EXCLUDE (run_id) FROM marts.lifeline_alarms ORDER BY episode_id"
        ),
        "faults": query(
            paths,
            "SELECT * EXCLUDE (run_id) FROM audit.lifeline_fault_episodes "
            "ORDER BY sensor_id, fault_type, fault_since",
        ),
        "health": query(
            paths,
            "SELECT * EXCLUDE (run_id) FROM marts.sensor_health ORDER BY as_of_date, sensor_id",
        ),
    }


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture(scope="module")
def on_time(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, pd.DataFrame], dict]:
    """The reference: every reading on time, one run per day."""
    paths, _ = setup(tmp_path_factory.mktemp("late"), "on_time")
    first = run_lifeline(day_ctx(paths, 0))
    run_lifeline(day_ctx(paths, 1))
    return tables(paths), first


def test_on_time_runs_span_boundaries_and_equal_one_run(tmp_path: Path, on_time) -> None:
    t, first = on_time
    assert first["open_episodes"] == 1  # methane still high at midnight
    alarms = t["alarms"].set_index("sensor_id")
    assert len(t["alarms"]) == 2
    gas = alarms.loc["GM-1"]
    assert gas["opened_at"] == T0 + timedelta(minutes=270 * 5) and gas["status"] == "closed"
    assert gas["closed_at"] == T0 + timedelta(minutes=300 * 5)
    burst = alarms.loc["WP-1"]
    assert burst["detection_type"] == "water_main_burst" and burst["base_grade"] in ("I", "II")
    faults = t["faults"].set_index(["sensor_id", "fault_type"])
    assert faults.loc[("WP-2", "offline"), "fault_since"] == T0 + timedelta(hours=22, minutes=55)
    assert faults.loc[("WP-2", "offline"), "fault_until"] == T0 + timedelta(hours=25, minutes=30)
    assert faults.loc[("HP-1", "stuck"), "fault_since"] == T0 + timedelta(minutes=270 * 5)
    assert faults.loc[("HP-1", "stuck"), "fault_until"] == T0 + timedelta(minutes=309 * 5)

    one_run, _ = setup(tmp_path, "one_run")
    run_lifeline(RunContext(T0, T0 + timedelta(days=2), "both", one_run))
    assert_same(tables(one_run), t)


def test_late_rows_of_last_day_via_dirty_interval(tmp_path: Path, on_time) -> None:
    data = readings()
    late = (data["measured_at"] >= T0 + timedelta(hours=33)) & (
        data["measured_at"] < T0 + timedelta(hours=37)
    )
    paths, _ = setup(tmp_path, "late", keep=~late)
    run_lifeline(day_ctx(paths, 0))
    run_lifeline(day_ctx(paths, 1))
    assert "WP-1" not in set(tables(paths)["alarms"]["sensor_id"])  # the burst rows are late
    with warehouse.writer(paths) as con:
        add_readings(con, data[late])
        con.execute(
            "INSERT INTO audit.interval_status VALUES ('readings', ?, ?, 'dirty', ?, 'ingest', now(), 'late file')",
            [T0 + timedelta(days=1), T0 + timedelta(days=2), int(late.sum())],
        )
    again = run_lifeline(day_ctx(paths, 1, run_id="rerun"))
    assert again["segments"] == 1
    assert_same(tables(paths), on_time[0])
    status = query(paths, "SELECT status FROM audit.interval_status")
    assert list(status["status"]) == ["reprocessed"]


def test_late_rows_of_earlier_day_recompute_later_days(tmp_path: Path, on_time) -> None:
    data = readings()
    late = (data["measured_at"] >= T0 + timedelta(hours=20)) & (
        data["measured_at"] < T0 + timedelta(days=1)
    )
    paths, _ = setup(tmp_path, "late", keep=~late)
    run_lifeline(day_ctx(paths, 0))
    run_lifeline(day_ctx(paths, 1))
    with warehouse.writer(paths) as con:
        add_readings(con, data[late])
    again = run_lifeline(day_ctx(paths, 1, run_id="rerun"), recompute_from=T0 + timedelta(hours=20))
    assert again["segments"] == 2  # day 0 from its start state, then day 1
    assert_same(tables(paths), on_time[0])
