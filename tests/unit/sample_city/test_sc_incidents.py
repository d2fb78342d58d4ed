"""Injected incidents are listed with their planned fields and their effect is in the signal files."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

TYPES = (
    "gas_leak_adjacent_space",
    "gas_leak_utility_tunnel",
    "water_main_burst",
    "hidden_leak",
    "heating_pressure_drop",
    "sewer_surcharge",
    "stuck_sensor",
    "offline_sensor",
)


@pytest.fixture(scope="module")
def data(tiny):
    inc = tiny.incidents()
    inc["start"] = pd.to_datetime(inc["start_at"], format="ISO8601").dt.tz_convert("Asia/Shanghai")
    inc["end"] = pd.to_datetime(inc["end_at"], format="ISO8601").dt.tz_convert("Asia/Shanghai")
    r = tiny.readings()
    return inc, r, tiny.sensors().set_index("sensor_id")


def _series(r: pd.DataFrame, sensor: str) -> pd.Series:
    s = r[r["sensor_id"] == sensor].set_index("measured_at")["value"].sort_index()
    assert s.index.is_unique
    return s


def test_every_type_present_with_planned_fields(data) -> None:
    inc, _, sensors = data
    assert inc["incident_id"].is_unique
    assert inc["sensor_id"].is_unique, "two incidents share a sensor"
    for t in TYPES:
        sub = inc[inc["incident_type"] == t]
        assert len(sub) >= 3, t
        assert (sub["start"] < sub["end"]).all()
        assert sub["start_at"].str.endswith("+08:00").all()
        if t != "sewer_surcharge":  # the storm is on one day; everything else is spread
            assert sub["start"].dt.date.nunique() >= 2, t
        assert sensors.loc[sub["sensor_id"], "district_id"].nunique() >= 2, t
        assert (
            sensors.loc[sub["sensor_id"], "asset_id"].to_numpy() == sub["asset_id"].to_numpy()
        ).all()
        if t in ("hidden_leak", "water_main_burst"):
            assert (sub["dma_id"] != "").all()
            assert (
                sensors.loc[sub["sensor_id"], "dma_id"].to_numpy() == sub["dma_id"].to_numpy()
            ).all()
        if t != "offline_sensor":
            assert (sub["magnitude"] != "").all()
    measure = sensors.loc[inc["sensor_id"], "measure"].to_numpy()
    expect = {
        "gas_leak_adjacent_space": "methane_lel",
        "gas_leak_utility_tunnel": "methane_lel",
        "water_main_burst": "water_pressure",
        "hidden_leak": "dma_inflow",
        "heating_pressure_drop": "heating_pressure",
        "sewer_surcharge": "drainage_level",
    }
    for t, m in zip(inc["incident_type"], measure, strict=True):
        if t in expect:
            assert m == expect[t], (t, m)


def test_gas_leaks_rise_to_their_magnitude(data) -> None:
    inc, r, _ = data
    for _, i in inc[inc["incident_type"].str.startswith("gas_leak")].iterrows():
        s = _series(r, i["sensor_id"])
        during = s[(s.index >= i["start"]) & (s.index < i["end"])]
        before = s[(s.index < i["start"]) & (s.index >= i["start"] - timedelta(hours=2))]
        assert during.max() >= 0.9 * float(i["magnitude"])
        assert before.empty or before.max() < 5.0
        assert during.iloc[0] < during.max()  # rises over tens of minutes, not a step


def test_pressure_drops(data) -> None:
    inc, r, _ = data
    for _, i in inc[
        inc["incident_type"].isin(["water_main_burst", "heating_pressure_drop"])
    ].iterrows():
        s = _series(r, i["sensor_id"])
        drop = float(i["magnitude"])
        before = s[(s.index < i["start"]) & (s.index >= i["start"] - timedelta(hours=1))].median()
        during = s[(s.index >= i["start"] + timedelta(minutes=10)) & (s.index < i["end"])]
        assert during.max() < before * (1 - 0.7 * drop)
        after = s[s.index >= i["end"]].head(3)
        assert after.empty or after.min() > before * (1 - 0.5 * drop)


def _night_means(s: pd.Series) -> pd.Series:
    night = s[(s.index.hour >= 2) & (s.index.hour < 4)]
    return night.groupby(night.index.date).mean()


def test_hidden_leak_raises_night_flow_and_other_dmas_are_stable(data) -> None:
    inc, r, sensors = data
    leaks = inc[inc["incident_type"] == "hidden_leak"]
    for _, i in leaks.iterrows():
        nights = _night_means(_series(r, i["sensor_id"]))
        start_day = i["start"].date()
        before = nights[
            [
                d
                for d in nights.index
                if d <= start_day and not (d == start_day and i["start"].hour < 2)
            ]
        ]
        after = nights[[d for d in nights.index if d > start_day]]
        assert len(after) >= 1 and len(before) >= 3
        assert after.mean() - before.mean() > 0.6 * float(i["magnitude"])
    touched = set(inc["sensor_id"]) | {
        sensors.index[(sensors["measure"] == "dma_inflow") & (sensors["dma_id"] == d)][0]
        for d in inc.loc[inc["incident_type"] == "water_main_burst", "dma_id"]
    }
    cvs = []
    for sid in sensors.index[sensors["measure"] == "dma_inflow"]:
        if sid in touched:
            continue
        nights = _night_means(_series(r, sid))
        cvs.append(nights.std() / nights.mean())
    assert 0.003 < float(np.median(cvs)) < 0.08  # a few percent night to night


def test_surcharge_stuck_and_offline(data) -> None:
    inc, r, sensors = data
    for _, i in inc[inc["incident_type"] == "sewer_surcharge"].iterrows():
        s = _series(r, i["sensor_id"])
        depth = float(sensors.loc[i["sensor_id"], "depth_m"])
        inside = (s.index >= i["start"]) & (s.index < i["end"])
        assert (s[inside] >= depth).all() and (s[~inside] < depth).all()
        assert s.max() == pytest.approx(depth + float(i["magnitude"]), abs=0.05)
    for _, i in inc[inc["incident_type"] == "stuck_sensor"].iterrows():
        s = _series(r, i["sensor_id"])
        during = s[(s.index >= i["start"]) & (s.index < i["end"])]
        assert len(during) >= 30 and during.nunique() == 1
        assert during.iloc[0] == pytest.approx(float(i["magnitude"]))
        assert s[s.index < i["start"]].tail(12).nunique() > 1
    for _, i in inc[inc["incident_type"] == "offline_sensor"].iterrows():
        s = _series(r, i["sensor_id"])
        assert not ((s.index >= i["start"]) & (s.index < i["end"])).any()
        assert (s.index < i["start"]).any() and (s.index >= i["end"]).any()


def test_signals_are_realistic(data, tiny) -> None:
    _, r, sensors = data
    r = r.join(sensors["measure"], on="sensor_id")
    hour = r["measured_at"].dt.hour
    wp = r[r["measure"] == "water_pressure"]
    assert (
        wp.loc[hour[wp.index].between(7, 8), "value"].mean()
        < wp.loc[hour[wp.index].between(2, 3), "value"].mean() - 2
    )
    flow = r[r["measure"] == "dma_inflow"]
    by_hour = flow.groupby(hour[flow.index])["value"].mean()
    assert by_hour.idxmin() in (2, 3, 4)
    ht = r[r["measure"] == "heating_supply_temp"]
    assert (
        ht.loc[hour[ht.index].between(3, 5), "value"].mean()
        > ht.loc[hour[ht.index].between(14, 16), "value"].mean()
    )
    assert 60 < ht["value"].mean() < 100
    ch4 = r[r["measure"] == "methane_lel"]
    assert ch4["value"].quantile(0.95) < 3.0
    rain = r[r["measure"] == "rainfall"]
    heavy = tiny.manifest()["heavy_rain"]
    assert 30 <= heavy["peak_mm_per_h"] <= 60 and heavy["day_index"] == 1
    peak_day = rain.loc[rain["value"].idxmax(), "measured_at"].date()
    assert str(peak_day) == "2025-11-05"
    assert rain["value"].max() >= 0.75 * heavy["peak_mm_per_h"]
