"""The plain pandas implementation and the SQL stage find the same episodes."""

from __future__ import annotations

import pandas as pd

from pipelines import warehouse
from pipelines.lifeline.pandas_reference import EPISODE_COLUMNS, detect_episodes_pandas
from pipelines.lifeline.rules import load_rules
from pipelines.lifeline.stage import run_lifeline

from .ll_helpers import (
    SENSOR_DEFAULTS,
    T0,
    add_readings,
    add_sensors,
    day_ctx,
    noisy,
    query,
    series,
)

SENSORS = [
    {"sensor_id": "GM-1", "domain": "gas", "measure": "methane_lel", "location_type": "adjacent_space"},
    {"sensor_id": "GT-1", "domain": "gas", "measure": "methane_lel", "location_type": "utility_tunnel"},
    {"sensor_id": "WP-1", "domain": "water", "measure": "water_pressure", "location_type": "pipeline",
     "nominal_value": 28.0},
    {"sensor_id": "HP-1", "domain": "heating", "measure": "heating_pressure", "location_type": "substation",
     "nominal_value": 0.8},
    {"sensor_id": "DL-1", "domain": "drainage", "measure": "drainage_level", "location_type": "manhole",
     "depth_m": 3.0},
]  # fmt: skip


def data() -> pd.DataFrame:
    gm = noisy(1.0, 288, 0.2, 1)
    for i, v in enumerate([6, 7, 9, 12, 20, 27, 31, 40, 52, 55, 51, 30, 8, 6, 5, 2], start=100):
        gm[i] = v
    for i in range(200, 206):
        gm[i] = 5.5 + 0.1 * (i % 3)
    gt = noisy(1.0, 288, 0.2, 2)
    for i in range(50, 70):
        gt[i] = 22 + (i % 4)
    wp = noisy(32.0, 288, 0.15, 3)
    for i in range(150, 190):
        wp[i] = round(wp[i] * (0.62 if i < 170 else 0.45), 3)
    hp = noisy(0.8, 288, 0.004, 4)
    for i in range(60, 90):
        hp[i] = round(hp[i] * 0.8, 4)
    dl = noisy(0.5, 288, 0.01, 5)
    for i, v in enumerate([2.0, 2.5, 2.8, 3.05, 3.2, 3.1, 2.95, 2.6, 2.0, 1.5], start=180):
        dl[i] = v
    return pd.concat(
        [
            series(s, T0, v)
            for s, v in zip(
                ["GM-1", "GT-1", "WP-1", "HP-1", "DL-1"], [gm, gt, wp, hp, dl], strict=True
            )
        ],
        ignore_index=True,
    )


def test_pandas_reference_equals_sql(paths) -> None:
    readings = data()
    with warehouse.writer(paths) as con:
        add_sensors(con, SENSORS)
        add_readings(con, readings)
    run_lifeline(day_ctx(paths, 0))
    sql = query(
        paths,
        "SELECT sensor_id, channel, base_grade AS grade, opened_at, confirmed_at, closed_at, "
        "peak_value, peak_at FROM marts.lifeline_alarms ORDER BY sensor_id, channel, opened_at",
    )
    sensors = pd.DataFrame([{**SENSOR_DEFAULTS, **s} for s in SENSORS])
    ref = detect_episodes_pandas(readings, sensors, load_rules())
    assert set(sql["channel"]) >= {
        "methane_adjacent_space",
        "methane_utility_tunnel",
        "water_pressure_low",
        "heating_pressure_drop",
        "drainage_level",
    }
    assert len(sql) >= 6
    for col in ("opened_at", "confirmed_at", "closed_at", "peak_at"):
        sql[col] = pd.to_datetime(sql[col], utc=True)
        ref[col] = pd.to_datetime(ref[col], utc=True)
    pd.testing.assert_frame_equal(sql[EPISODE_COLUMNS], ref[EPISODE_COLUMNS], check_dtype=False)
