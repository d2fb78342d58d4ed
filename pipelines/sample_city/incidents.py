"""Plan the injected incidents: which sensor, when, how strong (the sample city's ground truth).

Every incident gets its own sensor (no two incidents share one), incidents of a type are
spread over districts and days, and all but hidden leaks start and end within one local day on
the 5-minute grid. Effects apply to readings at ``start_at <= t < end_at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from pipelines.sample_city.sensors import CAT_NAMES, CATEGORIES, Sensors
from pipelines.sample_city.timeline import Timeline

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


@dataclass
class Effect:
    """One change to one sensor's series over [start, end) (steps on the window grid)."""

    sensor: int
    kind: str  # methane | scale | add_flow | stuck | offline | surcharge
    g0: int  # first affected global step (day * T + step)
    g1: int  # first unaffected global step
    params: dict[str, float] = field(default_factory=dict)


@dataclass
class Incident:
    incident_id: str
    incident_type: str
    domain: str
    sensor: int
    sensor_id: str
    asset_id: str | None
    dma_id: str | None
    start_at: datetime
    end_at: datetime
    magnitude: float | None
    unit: str
    description: str
    effects: list[Effect] = field(default_factory=list)

    def truth_row(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "incident_type": self.incident_type,
            "domain": self.domain,
            "sensor_id": self.sensor_id,
            "asset_id": self.asset_id,
            "dma_id": self.dma_id,
            "start_at": self.start_at.isoformat(),
            "end_at": self.end_at.isoformat(),
            "magnitude": None if self.magnitude is None else round(float(self.magnitude), 3),
            "unit": self.unit,
            "description": self.description,
        }


def _u(rng: np.random.Generator, r: dict[str, float]) -> float:
    return float(rng.uniform(float(r["min"]), float(r["max"])))


class Planner:
    """Draws incidents while keeping sensors unique and types spread over districts and days."""

    def __init__(
        self, sensors: Sensors, tl: Timeline, cfg: dict[str, Any], rng: np.random.Generator
    ) -> None:
        self.s, self.tl, self.cfg, self.rng = sensors, tl, cfg, rng
        self.used: set[int] = set()
        self.used_dmas: set[int] = set()
        self.out: list[Incident] = []

    def pick(self, categories: tuple[str, ...], k: int, *, avoid_dmas: bool = False) -> list[int]:
        """``k`` unused sensors of the categories, spread over districts round-robin."""
        cats = [CAT_NAMES.index(c) for c in categories]
        pool = [i for i in np.flatnonzero(np.isin(self.s.cat, cats)).tolist() if i not in self.used]
        if avoid_dmas:
            pool = [i for i in pool if int(self.s.dma[i]) not in self.used_dmas]
        pool = [pool[j] for j in self.rng.permutation(len(pool))[:2000].tolist()]  # bounded search
        chosen: list[int] = []
        per_district: dict[int, int] = {}
        while pool and len(chosen) < k:
            best = min(
                range(len(pool)), key=lambda j: per_district.get(int(self.s.district[pool[j]]), 0)
            )
            i = pool.pop(best)
            if avoid_dmas and int(self.s.dma[i]) in self.used_dmas:
                continue
            chosen.append(i)
            self.used.add(i)
            per_district[int(self.s.district[i])] = per_district.get(int(self.s.district[i]), 0) + 1
            if avoid_dmas:
                self.used_dmas.add(int(self.s.dma[i]))
        return chosen

    def window(
        self, day: int, dur_h: float, earliest_h: float = 0.5, latest_end_h: float = 23.75
    ) -> tuple[int, int]:
        """Global [g0, g1) of a ``dur_h`` episode inside local day ``day``."""
        T, step_h = self.tl.T, self.tl.step_s / 3600.0
        n = max(2, int(round(dur_h / step_h)))
        lo = int(np.ceil(earliest_h / step_h))
        hi = max(lo + 1, int(latest_end_h / step_h) - n)
        s0 = int(self.rng.integers(lo, hi))
        return day * T + s0, day * T + s0 + n

    def add(
        self,
        itype: str,
        sensor: int,
        g0: int,
        g1: int,
        magnitude: float | None,
        unit: str,
        desc: str,
        effects: list[Effect],
    ) -> None:
        row = self.s.rows[sensor]
        T = self.tl.T
        self.out.append(
            Incident(
                f"INC-{len(self.out) + 1:04d}",
                itype,
                row["domain"],
                sensor,
                row["sensor_id"],
                row["asset_id"],
                row["dma_id"],
                self.tl.stamp(g0 // T, g0 % T),
                self.tl.stamp(g1 // T, g1 % T),
                magnitude,
                unit,
                desc,
                effects,
            )
        )

    def count(self, itype: str, scale: float) -> int:
        return max(3, int(round(int(self.cfg["incidents"][itype]["count"]) * min(scale, 3.0))))


def plan_incidents(
    sensors: Sensors, tl: Timeline, cfg: dict[str, Any], rng: np.random.Generator, scale: float
) -> list[Incident]:
    """All incidents of the demo window (see config/sample_city.yaml `incidents`)."""
    p = Planner(sensors, tl, cfg, rng)
    ic = cfg["incidents"]
    days, T = tl.days, tl.T
    step_h = tl.step_s / 3600.0

    # hidden leaks first (they claim whole DMAs): start in daytime so a following night shows them
    c = ic["hidden_leak"]
    for j, i in enumerate(p.pick(("dma_inflow",), p.count("hidden_leak", scale), avoid_dmas=True)):
        day = j % max(1, days - 1)
        g0, _ = p.window(
            day, 1.0, earliest_h=9.0 if days > 1 else 0.25, latest_end_h=23.0 if days > 1 else 1.5
        )
        share = _u(rng, c["mnf_share"])
        q = share * float(sensors.p2[i]) * float(sensors.p1[i])
        p.add(
            "hidden_leak",
            i,
            g0,
            days * T,
            q,
            "m3/h",
            f"隐蔽漏损：最小夜间流量增加{share:.0%}（{q:.1f} m3/h），持续至数据结束",
            [Effect(i, "add_flow", g0, days * T, {"q": q})],
        )

    c = ic["gas_leak_adjacent_space"]
    n = p.count("gas_leak_adjacent_space", scale)
    n_subtle = max(1, int(round(n * float(c["subtle_share"]))))
    for j, i in enumerate(p.pick(("methane_adjacent",), n)):
        subtle = j >= n - n_subtle
        g0, g1 = p.window(j % days, _u(rng, c["duration_h"]))
        peak = _u(rng, c["subtle_peak_lel"] if subtle else c["peak_lel"])
        ramp = max(1, int(round(_u(rng, c["ramp_min"]) / 60.0 / step_h)))
        p.add(
            "gas_leak_adjacent_space",
            i,
            g0,
            g1,
            peak,
            "%LEL",
            ("轻微" if subtle else "") + f"相邻空间燃气泄漏：甲烷升至{peak:.0f}%LEL",
            [Effect(i, "methane", g0, g1, {"peak": peak, "ramp": ramp})],
        )

    c = ic["gas_leak_utility_tunnel"]
    for j, i in enumerate(p.pick(("methane_tunnel",), p.count("gas_leak_utility_tunnel", scale))):
        g0, g1 = p.window((j + 1) % days, _u(rng, c["duration_h"]))
        peak = _u(rng, c["peak_lel"])
        ramp = max(1, int(round(_u(rng, c["ramp_min"]) / 60.0 / step_h)))
        p.add(
            "gas_leak_utility_tunnel",
            i,
            g0,
            g1,
            peak,
            "%LEL",
            f"综合管廊燃气舱泄漏：甲烷升至{peak:.0f}%LEL",
            [Effect(i, "methane", g0, g1, {"peak": peak, "ramp": ramp})],
        )

    # bursts: a pressure sensor in a DMA without other incidents; the DMA inlet sees the outflow
    c = ic["water_main_burst"]
    inflow_of = {int(sensors.dma[k]): k for k in sensors.of("dma_inflow").tolist()}
    for j, i in enumerate(
        p.pick(("water_pressure",), p.count("water_main_burst", scale), avoid_dmas=True)
    ):
        g0, g1 = p.window(
            (j + 2) % days, _u(rng, c["duration_h"]), earliest_h=6.0, latest_end_h=23.5
        )
        drop = _u(rng, c["pressure_drop"])
        eff = [Effect(i, "scale", g0, g1, {"drop": drop, "ramp_half": 1.0})]
        inflow = inflow_of.get(int(sensors.dma[i]))
        if inflow is not None:
            p.used.add(inflow)
            q = _u(rng, c["burst_flow_share"]) * float(sensors.p1[inflow])
            eff.append(Effect(inflow, "add_flow", g0, g1, {"q": q}))
        p.add(
            "water_main_burst",
            i,
            g0,
            g1,
            drop,
            "fraction",
            f"供水主管爆管：压力下降{drop:.0%}",
            eff,
        )

    c = ic["heating_pressure_drop"]
    for j, i in enumerate(p.pick(("heating_pressure",), p.count("heating_pressure_drop", scale))):
        g0, g1 = p.window(j % days, _u(rng, c["duration_h"]))
        drop = _u(rng, c["pressure_drop"])
        p.add(
            "heating_pressure_drop",
            i,
            g0,
            g1,
            drop,
            "fraction",
            f"热力一次网压力骤降{drop:.0%}",
            [Effect(i, "scale", g0, g1, {"drop": drop, "ramp_half": 0.0})],
        )

    # surcharge: low manholes whose runoff response overtops the manhole during the storm
    c = ic["sewer_surcharge"]
    peak_g = int(np.argmax(tl.runoff))
    for i in p.pick(("drainage_level",), p.count("sewer_surcharge", scale)):
        excess = _u(rng, c["excess_m"])
        base, depth = float(sensors.p1[i]), float(sensors.p3[i])
        sew = tl.sewage[peak_g % T]
        sensors.p2[i] = (
            depth + excess - base * sew
        )  # response amplitude so the peak is depth + excess
        level = base * tl.sewage[np.arange(days * T) % T] + sensors.p2[i] * tl.runoff
        over = np.flatnonzero(level >= depth)
        g0, g1 = int(over[0]), int(over[-1]) + 1
        p.add(
            "sewer_surcharge",
            i,
            g0,
            g1,
            excess,
            "m",
            f"暴雨导致检查井满溢：水位超过井深{excess:.2f} m",
            [Effect(i, "surcharge", g0, g1, {"depth": depth})],
        )

    c = ic["stuck_sensor"]
    for j, i in enumerate(
        p.pick(
            ("water_pressure", "gas_pressure", "heating_supply", "drainage_level"),
            p.count("stuck_sensor", scale),
            avoid_dmas=False,
        )
    ):
        g0, g1 = p.window((j + 1) % days, _u(rng, c["duration_h"]))
        p.add(
            "stuck_sensor",
            i,
            g0,
            g1,
            None,
            CATEGORIES[CAT_NAMES[sensors.cat[i]]][2],
            "传感器数值冻结（重复同一读数）",
            [Effect(i, "stuck", g0, g1)],
        )

    c = ic["offline_sensor"]
    for j, i in enumerate(
        p.pick(
            (
                "methane_adjacent",
                "water_pressure",
                "heating_return",
                "drainage_level",
                "gas_pressure",
            ),
            p.count("offline_sensor", scale),
        )
    ):
        dur = _u(rng, c["duration_h"])
        g0, g1 = p.window((j + 2) % days, dur)
        p.add(
            "offline_sensor",
            i,
            g0,
            g1,
            (g1 - g0) * step_h,
            "h",
            "传感器离线（无数据上报）",
            [Effect(i, "offline", g0, g1)],
        )
    return p.out
