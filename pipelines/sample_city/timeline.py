"""City-wide time series shared by all sensors: demand pattern, weather, rain and its runoff.

Everything is on the 5-minute grid of the demo window (``days`` local days from ``start``).
Sensor signals are built from these by the models in ``readings.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from pipelines.settings import LOCAL_TZ


def _raw_demand(hours: np.ndarray) -> np.ndarray:
    def bump(c: float, sd: float) -> np.ndarray:
        d = np.abs(hours - c)
        d = np.minimum(d, 24.0 - d)
        return np.exp(-0.5 * (d / sd) ** 2)

    return (
        0.08
        + 1.0 * bump(7.5, 1.3)
        + 0.55 * bump(12.0, 1.5)
        + 0.4 * bump(15.5, 2.5)
        + 0.95 * bump(19.5, 1.8)
    )


def demand_pattern(hours: np.ndarray) -> np.ndarray:
    """Urban water demand multiplier (mean 1): peaks 07:30 and 19:30, minimum 02:00-04:00."""
    return _raw_demand(hours) / float(np.mean(_raw_demand(np.arange(0, 24, 1 / 12))))


@dataclass
class Timeline:
    """The window's grid and city-wide series (index = day * T + step)."""

    start: date
    days: int
    step_s: int
    cfg: dict[str, Any]
    rng: np.random.Generator
    t_out: np.ndarray = field(init=False)
    rain: np.ndarray = field(init=False)
    runoff: np.ndarray = field(init=False)
    heavy: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.T = 86400 // self.step_s
        n = self.days * self.T
        hours = (np.arange(n) % self.T) * self.step_s / 3600.0
        day = np.arange(n) // self.T
        sig = self.cfg["signals"]
        means = np.array(sig["outdoor_temp_c"]["daily_mean"], float)
        anchors = np.arange(-1, self.days + 1) * 24.0 + 12.0
        t_abs = day * 24.0 + hours
        vals = means[np.arange(-1, self.days + 1) % len(means)]
        amp = float(sig["outdoor_temp_c"]["diurnal_amplitude"])
        self.t_out = np.interp(t_abs, anchors, vals) + amp * np.sin(
            2 * np.pi * (hours - 9.0) / 24.0
        )
        # rain: a light evening drizzle and the heavy storm
        hr = sig["heavy_rain"]
        rain_day = min(int(hr["day_index"]), self.days - 1)
        s_h = float(self.rng.uniform(hr["start_hour"]["min"], hr["start_hour"]["max"]))
        dur = float(self.rng.uniform(hr["duration_h"]["min"], hr["duration_h"]["max"]))
        peak = float(self.rng.uniform(hr["peak_mm_per_h"]["min"], hr["peak_mm_per_h"]["max"]))
        self.heavy = {
            "day_index": rain_day,
            "start_hour": round(s_h, 2),
            "duration_h": round(dur, 2),
            "peak_mm_per_h": round(peak, 1),
        }
        self.rain = self._event(t_abs, rain_day * 24.0 + s_h, dur, peak)
        lr = sig["light_rain"]
        if int(lr["day_index"]) < self.days and int(lr["day_index"]) != rain_day:
            self.rain += self._event(
                t_abs,
                int(lr["day_index"]) * 24.0 + float(lr["start_hour"]),
                float(lr["duration_h"]),
                float(lr["peak_mm_per_h"]),
            )
        # runoff: unit hydrograph peaking 30 min after rain, normalised to 1 at the storm's peak
        tau = np.arange(0, 4 * 3600, self.step_s) / 60.0
        kern = (tau / 30.0) * np.exp(1.0 - tau / 30.0)
        conv = np.convolve(self.rain, kern / kern.sum())[:n]
        self.runoff = conv / conv.max() if conv.max() > 0 else conv
        self.hours_of_day = hours[: self.T]
        self.demand = demand_pattern(self.hours_of_day)
        self.demand_norm = self.demand / self.demand.max()
        self.sewage = 0.75 + 0.5 * self.demand_norm

    @staticmethod
    def _event(t_abs: np.ndarray, s: float, dur: float, peak: float) -> np.ndarray:
        x = (t_abs - s) / dur
        shape = np.where(
            (x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)) ** 2 * (1.0 + 0.6 * (0.5 - x)), 0.0
        )
        return peak * shape / shape.max() if shape.max() > 0 else shape

    def day_start(self, k: int) -> datetime:
        d = self.start + timedelta(days=k)
        return datetime(d.year, d.month, d.day, tzinfo=LOCAL_TZ)

    def stamp(self, k: int, step: int) -> datetime:
        return self.day_start(k) + timedelta(seconds=step * self.step_s)

    def stamps(self, k: int) -> list[str]:
        """ISO 8601 strings with +08:00 for each step of local day ``k`` (may be negative)."""
        return [self.stamp(k, i).isoformat() for i in range(self.T)]
