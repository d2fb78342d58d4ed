"""Minimum night flow: a DMA's night flow above its own baseline is a hidden leak."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.lifeline import run_lifeline
from pipelines.settings import get_paths

from .ll_helpers import T0, add_dmas, add_readings, add_sensors, day_ctx, query, series

DMAS = ["DMA-1", "DMA-2", "DMA-3"]
# night-to-night variation of a stable DMA: a few percent (deterministic)
HISTORY = [
    100.0,
    101.5,
    98.8,
    100.7,
    99.2,
    102.0,
    99.6,
    100.3,
    98.5,
    101.1,
    100.9,
    99.0,
    100.1,
    101.7,
]


def night(dma_index: int, day: int, level: float, stuck: bool = False) -> pd.DataFrame:
    """24 readings of 02:00-04:00 local on day ``day`` around ``level`` m3/h."""
    rng = np.random.default_rng(100 * dma_index + day + 50)
    vals = (
        [level] * 24 if stuck else list(np.round(level * (1 + 0.01 * rng.standard_normal(24)), 2))
    )
    return series(f"WF-{dma_index}", T0 + timedelta(days=day, hours=2), vals)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    paths = get_paths(data_dir=tmp_path_factory.mktemp("night")).ensure()
    with warehouse.writer(paths) as con:
        add_dmas(con, [
            {"dma_id": d, "district_id": "220102", "mains_length_km": 40.0, "service_connections": 6000,
             "private_pipe_km": 5.0, "avg_pressure_m": 30.0}
            for d in DMAS
        ])  # fmt: skip
        add_sensors(con, [
            {"sensor_id": f"WF-{i}", "domain": "water", "measure": "dma_inflow", "location_type": "dma_inlet",
             "dma_id": d, "nominal_value": 200.0}
            for i, d in enumerate(DMAS, start=1)
        ])  # fmt: skip
        frames = []
        for k, level in enumerate(HISTORY):  # 14 nights before the pipeline ran
            for i in (1, 2, 3):
                frames.append(night(i, k - len(HISTORY), level))
        for day in (0, 1):
            frames.append(night(1, day, 100.0 + 15.0))  # DMA-1: a 15 m3/h leak from night 0
            frames.append(night(2, day, 100.4))  # DMA-2: normal
            frames.append(night(3, day, 100.0, stuck=day == 0))  # DMA-3: frozen meter on night 0
        add_readings(con, pd.concat(frames, ignore_index=True))
    run_lifeline(day_ctx(paths, 0))
    run_lifeline(day_ctx(paths, 1))
    return query(paths, "SELECT * FROM marts.dma_night_flow ORDER BY night_date, dma_id").set_index(
        ["night_date", "dma_id"]
    )


def test_leak_flagged_with_excess_and_ili(nights: pd.DataFrame) -> None:
    d0 = T0.date()
    row = nights.loc[(pd.Timestamp(d0), "DMA-1")]
    assert bool(row["leak_flag"]) and row["data_ok"]
    assert row["baseline_nights"] == 14
    assert row["baseline_m3h"] == pytest.approx(100.2, abs=0.5)
    assert row["excess_m3h"] == pytest.approx(15.0, abs=1.0)
    assert row["excess_m3h"] > row["threshold_m3h"]
    # UARL = (18*40 + 0.8*6000 + 25*5) * 30 L/day; CARL from MNF minus 1.7 L/h per connection
    assert row["uarl_l_day"] == pytest.approx((18 * 40 + 0.8 * 6000 + 25 * 5) * 30)
    carl = (row["mnf_m3h"] - 6000 * 1.7 / 1000) * 1000 * 24
    assert row["ili"] == pytest.approx(carl / row["uarl_l_day"])
    assert bool(row["ili_valid"])
    assert "hidden leak" in row["reason"]


def test_normal_night_not_flagged(nights: pd.DataFrame) -> None:
    for day in (0, 1):
        row = nights.loc[(pd.Timestamp(T0.date() + timedelta(days=day)), "DMA-2")]
        assert row["data_ok"] and not row["leak_flag"]
        assert abs(row["excess_m3h"]) < row["threshold_m3h"]


def test_frozen_meter_night_not_judged(nights: pd.DataFrame) -> None:
    row = nights.loc[(pd.Timestamp(T0.date()), "DMA-3")]
    assert not row["data_ok"] and not row["leak_flag"]
    assert row["reason"].startswith("not judged")


def test_running_leak_keeps_its_start_and_baseline(nights: pd.DataFrame) -> None:
    row = nights.loc[(pd.Timestamp(T0.date() + timedelta(days=1)), "DMA-1")]
    assert bool(row["leak_flag"])
    assert row["leak_since"] == pd.Timestamp(T0.date())
    # the flagged night 0 is not part of the baseline: still about 100, not pulled up
    assert row["baseline_m3h"] == pytest.approx(100.2, abs=0.5)
