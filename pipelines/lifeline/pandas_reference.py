"""A straightforward pandas implementation of the alarm-episode stage, for comparison only.

This is what a user would otherwise write: group the readings by sensor, walk each sensor's
readings in a Python loop keeping counters, and emit episodes. It implements the same rules
as the SQL stage (``config/alarm_rules.yaml``: level and drop criteria, N consecutive to open,
longer persistence for grade III where configured, M clear readings to close, stuck and
impossible readings neutral) on one batch of readings without carried state, so the benchmark
can time it against the stage and the tests can check both give the same episodes.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import pandas as pd

from pipelines.lifeline.rules import Channel, Rules

EPISODE_COLUMNS = [
    "sensor_id",
    "channel",
    "grade",
    "opened_at",
    "confirmed_at",
    "closed_at",
    "peak_value",
    "peak_at",
]
GRADE = {3: "I", 2: "II", 1: "III"}


def _matches(ch: Channel, sensor: pd.Series) -> bool:
    loc = sensor.get("location_type") or ""
    if ch.measure != sensor["measure"]:
        return False
    if "*" not in ch.location_types and loc not in ch.location_types:
        return False
    return loc not in ch.exclude_location_types


def _metric(ch: Channel, value: float, sensor: pd.Series) -> float:
    nominal, depth = sensor.get("nominal_value"), sensor.get("depth_m")
    if ch.level_metric == "value":
        return value
    if ch.level_metric == "ratio_nominal":
        return value / nominal if nominal else np.nan
    if ch.level_metric == "ratio_depth":
        return value / depth if depth else np.nan
    return value - nominal if nominal is not None and not pd.isna(nominal) else np.nan


def _grade(x: float, t3: float | None, t2: float | None, t1: float | None) -> int:
    """Severity 0..3 of an oriented metric (larger is worse)."""
    if np.isnan(x):
        return 0
    for sev, thr in ((3, t1), (2, t2), (1, t3)):
        if thr is not None and x >= thr:
            return sev
    return 0


def _sensor_features(g: pd.DataFrame, sensor: pd.Series, rules: Rules) -> pd.DataFrame:
    """Drop reference, stuck and out-of-range flags of one sensor's readings (sorted by time)."""
    t = g["measured_at"].to_numpy()
    v = g["value"].to_numpy(dtype=float)
    lo_off = np.timedelta64(rules.ref_window_min, "m")
    hi_off = np.timedelta64(rules.ref_gap_min, "m")
    ref = np.full(len(v), np.nan)
    for i in range(len(v)):
        a = np.searchsorted(t, t[i] - lo_off, side="left")
        b = np.searchsorted(t, t[i] - hi_off, side="right")
        if b > a:
            ref[i] = v[a:b].mean()
    measure = sensor["measure"]
    hours = rules.stuck_hours.get(measure)
    exempt = set(rules.stuck_exempt.get(measure, []))
    lo, hi = rules.ranges.get(measure, (-np.inf, np.inf))
    stuck = np.zeros(len(v), bool)
    flat_since = t[0] if len(t) else None
    for i in range(len(v)):
        if i == 0 or v[i] != v[i - 1]:
            flat_since = t[i]
        if hours is not None and v[i] not in exempt:
            stuck[i] = (t[i] - flat_since) >= np.timedelta64(int(hours * 3600), "s")
    out = g.copy()
    out["ref"] = ref
    out["neutral"] = stuck | (v < lo) | (v > hi)
    return out


def _channel_episodes(
    f: pd.DataFrame, sensor: pd.Series, ch: Channel, rules: Rules
) -> list[dict[str, Any]]:
    d = ch.direction
    lv = {g: (None if x is None else d * x) for g, x in ch.level.items()}
    n, m = rules.open_n, rules.close_m
    n3 = rules.iii_n if ch.iii_consecutive else n
    gap = rules.gap_factor * float(sensor.get("sampling_interval_s") or 300)
    times, vals = f["measured_at"].tolist(), f["value"].tolist()
    sevs: deque[int] = deque(maxlen=max(n, n3))
    clrs: deque[bool] = deque(maxlen=m)
    ts: deque[Any] = deque(maxlen=max(n, n3, m))
    state, episodes, ep = "C", [], None
    for t, v, ref, neutral in zip(times, vals, f["ref"], f["neutral"], strict=True):
        x = d * _metric(ch, v, sensor)
        dr = (ref - v) / abs(ref) if ch.drop and not np.isnan(ref) and ref != 0 else np.nan
        s_level = _grade(x, lv["III"], lv["II"], lv["I"])
        s_drop = (
            _grade(dr, ch.drop.get("III"), ch.drop.get("II"), ch.drop.get("I")) if ch.drop else 0
        )
        sev = 0 if neutral else max(s_level, s_drop)
        clear = (
            not neutral
            and (np.isnan(x) or x < d * ch.level_close)
            and (np.isnan(dr) or dr < (ch.drop_close or 0))
        )
        sevs.append(sev)
        clrs.append(clear)
        ts.append(t)

        def held(k: int) -> tuple[int, Any]:
            if len(ts) < k or (ts[-1] - ts[-k]).total_seconds() > (k - 1) * gap:
                return 0, None
            return min(list(sevs)[-k:]), ts[-k]

        held_n, start_n = held(n)
        if ch.iii_consecutive and held_n < 2:
            held_iii, start_iii = held(n3)
            sus, start = min(held_iii, 1), start_iii
        else:
            sus, start = held_n, start_n
        if sus >= 1:
            mark = "O"
        elif len(clrs) == m and all(clrs):
            mark = "C"
        else:
            mark = None
        if mark == "O" and state == "C":
            ep = {
                "sensor_id": sensor["sensor_id"],
                "channel": ch.name,
                "sev": sus,
                "opened_at": start,
                "confirmed_at": t,
                "closed_at": None,
                "peak_value": v,
                "peak_at": t,
                "via_drop": False,
            }
            episodes.append(ep)
        if ep is not None and (state == "O" or mark == "O"):
            ep["sev"] = max(ep["sev"], sus)
            if d * v > d * ep["peak_value"]:
                ep["peak_value"], ep["peak_at"] = v, t
        if mark == "C" and state == "O" and ep is not None:
            ep["closed_at"] = ts[-m]
            ep = None
        if mark is not None:
            state = mark
    return episodes


def detect_episodes_pandas(
    readings_df: pd.DataFrame, sensors_df: pd.DataFrame, rules: Rules
) -> pd.DataFrame:
    """Alarm episodes of a batch of readings (sensor_id, measured_at, value).

    Returns one row per episode with ``EPISODE_COLUMNS`` (grade before compound escalation).
    """
    sensors = sensors_df.set_index("sensor_id", drop=False)
    rows: list[dict[str, Any]] = []
    readings = readings_df.sort_values(["sensor_id", "measured_at"])
    for sensor_id, g in readings.groupby("sensor_id", sort=True):
        if sensor_id not in sensors.index:
            continue
        sensor = sensors.loc[sensor_id]
        channels = [c for c in rules.channels if _matches(c, sensor)]
        if not channels:
            continue
        f = _sensor_features(g.reset_index(drop=True), sensor, rules)
        for ch in channels:
            rows.extend(_channel_episodes(f, sensor, ch, rules))
    out = pd.DataFrame(rows, columns=[*EPISODE_COLUMNS, "sev", "via_drop"])
    out["grade"] = out["sev"].map(GRADE)
    return (
        out[EPISODE_COLUMNS]
        .sort_values(["sensor_id", "channel", "opened_at"])
        .reset_index(drop=True)
    )
