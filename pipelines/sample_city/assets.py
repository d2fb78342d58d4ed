"""Pipe segments with their break history, buildings with inspections and retrofits, facilities.

All arrays are generated vectorised so that a million segments or 300,000 buildings stay in
seconds. Break histories follow Shamir-Howard exponential ageing with a hidden gamma frailty per
segment, so that past breaks carry information about future ones as in real networks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from pipelines.sample_city.city import City

NETWORKS = ("water", "gas", "heating", "drainage")
SEG_PREFIX = {"water": "WS", "gas": "GS", "heating": "HS", "drainage": "DS"}
RESPONSIBLE = {"gas": "RU-GAS", "heating": "RU-HEAT", "drainage": "RU-DRAIN"}

ERA_EDGES = np.array([1950, 1970, 1980, 1990, 2000, 2010, 2025])
ERA_WEIGHTS = np.array([0.06, 0.13, 0.18, 0.22, 0.23, 0.18])

# Material mix by era (columns follow ERA_EDGES bins): grey cast iron before the 1980s,
# ductile iron and PE later; concrete dominates drainage.
MATERIALS: dict[str, tuple[tuple[str, ...], np.ndarray]] = {
    "water": (
        ("CI", "STEEL", "DI", "PVC", "PE", "CONCRETE"),
        np.array(
            [
                [0.82, 0.10, 0.00, 0.00, 0.00, 0.08],
                [0.80, 0.12, 0.00, 0.03, 0.00, 0.05],
                [0.55, 0.15, 0.20, 0.08, 0.00, 0.02],
                [0.20, 0.15, 0.45, 0.12, 0.08, 0.00],
                [0.03, 0.10, 0.60, 0.05, 0.22, 0.00],
                [0.00, 0.05, 0.55, 0.00, 0.40, 0.00],
            ]
        ),
    ),
    "gas": (
        ("CI", "STEEL", "PE"),
        np.array(
            [
                [0.60, 0.40, 0.00],
                [0.55, 0.45, 0.00],
                [0.30, 0.60, 0.10],
                [0.10, 0.55, 0.35],
                [0.00, 0.35, 0.65],
                [0.00, 0.30, 0.70],
            ]
        ),
    ),
    "heating": (("STEEL",), np.ones((6, 1))),
    "drainage": (
        ("CONCRETE", "PVC", "PE"),
        np.array(
            [
                [1.0, 0.0, 0.0],
                [0.95, 0.05, 0.0],
                [0.85, 0.15, 0.0],
                [0.70, 0.20, 0.10],
                [0.50, 0.20, 0.30],
                [0.40, 0.15, 0.45],
            ]
        ),
    ),
}
DIAMETERS = {
    "water": (
        [100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200],
        [0.18, 0.22, 0.2, 0.14, 0.09, 0.06, 0.05, 0.03, 0.02, 0.01],
    ),
    "gas": ([50, 80, 100, 150, 200, 300, 400, 500], [0.12, 0.16, 0.2, 0.2, 0.14, 0.1, 0.05, 0.03]),
    "heating": (
        [100, 150, 200, 300, 400, 500, 600, 800, 1000],
        [0.12, 0.16, 0.18, 0.17, 0.12, 0.1, 0.07, 0.05, 0.03],
    ),
    "drainage": (
        [300, 400, 500, 600, 800, 1000, 1200, 1500, 2000],
        [0.15, 0.17, 0.17, 0.15, 0.12, 0.1, 0.07, 0.05, 0.02],
    ),
}
FAILURE_TYPES = ("break", "leak", "joint", "corrosion", "third_party")
FAILURE_MIX = {
    "CI": [0.50, 0.20, 0.20, 0.08, 0.02],
    "DI": [0.20, 0.35, 0.30, 0.10, 0.05],
    "STEEL": [0.10, 0.35, 0.05, 0.40, 0.10],
    "PE": [0.10, 0.30, 0.20, 0.00, 0.40],
    "PVC": [0.40, 0.25, 0.25, 0.00, 0.10],
    "CONCRETE": [0.35, 0.30, 0.30, 0.03, 0.02],
}


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a probability matrix (vectorised)."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _years(rng: np.random.Generator, n: int, urban: np.ndarray, last_year: int) -> np.ndarray:
    era = rng.choice(len(ERA_WEIGHTS), size=n, p=ERA_WEIGHTS)
    shift = rng.random(n) < np.where(urban, 0.0, 0.35)  # outer districts built later
    era = np.where(shift, np.minimum(era + 2, len(ERA_WEIGHTS) - 1), era)
    lo, hi = ERA_EDGES[era], np.minimum(ERA_EDGES[era + 1], last_year)
    return (lo + np.floor(rng.random(n) * (hi - lo))).astype(np.int32)


@dataclass
class Segments:
    """Column arrays of pipe_segments plus planar midpoints and hidden frailty."""

    cols: dict[str, np.ndarray]
    x: np.ndarray
    y: np.ndarray
    frailty: np.ndarray

    def __len__(self) -> int:
        return len(self.cols["segment_id"])


def make_segments(
    city: City, rng: np.random.Generator, n: int, shares: dict[str, float], start: date
) -> Segments:
    """``n`` segments over the four networks, district by weight, water mains in DMAs."""
    counts = np.floor(np.array([shares[k] for k in NETWORKS]) / sum(shares.values()) * n).astype(
        int
    )
    counts[0] += n - counts.sum()
    w = city.district_weights()
    parts: list[dict[str, Any]] = []
    for net, cnt in zip(NETWORKS, counts, strict=True):
        if cnt == 0:
            continue
        dist_idx = np.sort(rng.choice(len(w), size=cnt, p=w))
        x = np.empty(cnt)
        y = np.empty(cnt)
        dma = np.full(cnt, None, dtype=object)
        for d in city.districts:
            sel = np.flatnonzero(dist_idx == d.idx)
            if len(sel) == 0:
                continue
            x[sel], y[sel] = city.sample_district_points(rng, d, len(sel), margin=0.4)
            if net == "water":
                for m in city.dmas_of(d):
                    dist = m.hp[:, 2][None, :] - (
                        x[sel, None] * m.hp[:, 0] + y[sel, None] * m.hp[:, 1]
                    )
                    inside = (dist >= 0.05).all(axis=1)  # 50 m clear of the DMA edge
                    dma[sel[inside]] = m.dma_id
        urban = np.array([city.districts[i].urban for i in dist_idx])
        year = _years(rng, cnt, urban, start.year)
        if net in ("gas", "heating"):
            year = np.maximum(year, 1966 if net == "gas" else 1975)
        era = np.clip(np.searchsorted(ERA_EDGES, year, side="right") - 1, 0, len(ERA_WEIGHTS) - 1)
        mats, mix = MATERIALS[net]
        material = np.array(mats)[_choice_rows(rng, mix[era])]
        dvals, dprob = DIAMETERS[net]
        diameter = rng.choice(np.array(dvals, float), size=cnt, p=np.array(dprob) / sum(dprob))
        length = np.round(np.clip(rng.lognormal(np.log(110.0), 0.6, cnt), 12.0, 600.0), 1)
        if net == "gas":
            pclass = np.where(
                diameter >= 400,
                "high_b",
                np.where(diameter >= 250, "medium_a", np.where(diameter >= 120, "medium_b", "low")),
            )
        elif net == "water":
            pclass = np.where(diameter >= 600, "PN16", "PN10")
        elif net == "heating":
            pclass = np.where(diameter >= 500, "PN25", "PN16")
        else:
            pclass = np.full(cnt, "gravity")
        customers = np.round(rng.lognormal(np.log(np.clip(diameter, 50, None) * 1.8), 0.5)).astype(
            np.int64
        )
        if net == "drainage":
            customers = np.full(cnt, -1)  # unknown for gravity sewers
        status = np.where((rng.random(cnt) < 0.04) & (year < 1990), "abandoned", "active")
        if net == "water":
            unit = np.array([f"RU-WB-{city.districts[i].district_id}" for i in dist_idx])
        else:
            unit = np.full(cnt, RESPONSIBLE[net])
        parts.append(
            {
                "network": np.full(cnt, net),
                "material": material,
                "diameter_mm": diameter,
                "install_year": year,
                "length_m": length,
                "pressure_class": pclass,
                "customers_served": customers,
                "under_major_road": rng.random(cnt) < 0.22,
                "district_id": np.array([city.districts[i].district_id for i in dist_idx]),
                "dma_id": dma,
                "responsible_unit_id": unit,
                "status": status,
                "_x": x,
                "_y": y,
                "_id": np.array([f"{SEG_PREFIX[net]}-{i + 1:07d}" for i in range(cnt)]),
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    x, y = cols.pop("_x"), cols.pop("_y")
    cols = {"segment_id": cols.pop("_id"), **cols}
    theta = rng.uniform(0, np.pi, len(x))
    half = cols["length_m"] / 2000.0
    lon_a, lat_a = city.plane.to_lonlat(x - half * np.cos(theta), y - half * np.sin(theta))
    lon_b, lat_b = city.plane.to_lonlat(x + half * np.cos(theta), y + half * np.sin(theta))
    cols["geometry"] = np.array(
        [
            f"LINESTRING ({a:.6f} {b:.6f}, {c:.6f} {d:.6f})"
            for a, b, c, d in zip(
                lon_a.tolist(), lat_a.tolist(), lon_b.tolist(), lat_b.tolist(), strict=True
            )
        ]
    )
    frailty = rng.gamma(0.6, 1 / 0.6, len(x))
    return Segments(cols, x, y, frailty)


def segment_lonlat(city: City, segs: Segments, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = city.plane.to_lonlat(segs.x[idx], segs.y[idx])
    return np.round(lon, 6), np.round(lat, 6)


def make_breaks(
    segs: Segments, rng: np.random.Generator, bcfg: dict[str, Any], start: date, years: int
) -> list[dict[str, Any]]:
    """Break history over ``years`` before ``start``: Poisson counts per segment-year."""
    first_year = start.year - years
    yrs = np.arange(first_year, start.year + 1)
    c = segs.cols
    base = np.array([bcfg["base_per_km_year"].get(m, 0.02) for m in c["material"]])
    a_coef = np.array([bcfg["ageing_A"].get(m, 0.02) for m in c["material"]])
    netf = np.array([bcfg["network_factor"][k] for k in c["network"]])
    dia = (c["diameter_mm"] / 200.0) ** float(bcfg["diameter_exponent"])
    scale = base * netf * dia * segs.frailty * c["length_m"] / 1000.0
    age = yrs[None, :] - c["install_year"][:, None]
    # share of the last year that lies before the start date
    frac = np.where(yrs == start.year, (start.timetuple().tm_yday - 1) / 365.0, 1.0)
    frac = np.where(yrs == first_year, 1.0 - (start.timetuple().tm_yday - 1) / 365.0, frac)
    lam = (
        np.where(age >= 0, scale[:, None] * np.exp(a_coef[:, None] * np.maximum(age, 0)), 0.0)
        * frac[None, :]
    )
    lam = np.where(c["status"][:, None] == "abandoned", lam * 0.5, lam)
    counts = rng.poisson(lam)
    seg_i, yr_i = np.nonzero(counts)
    reps = counts[seg_i, yr_i]
    seg_i = np.repeat(seg_i, reps)
    year = yrs[np.repeat(yr_i, reps)]
    mw = np.array([bcfg["winter_month_factor"][m] for m in range(1, 13)], float)
    month = rng.choice(12, size=len(seg_i), p=mw / mw.sum())
    day = rng.integers(0, 28, len(seg_i))
    minute = rng.integers(0, 24 * 60, len(seg_i))
    # local wall-clock times (Asia/Shanghai has had no DST since 1991)
    when = (
        ((year - 1970) * 12 + month).astype("datetime64[M]").astype("datetime64[D]")
        + day.astype("timedelta64[D]")
    ).astype("datetime64[m]") + minute.astype("timedelta64[m]")
    lo = np.datetime64(start.replace(year=first_year).isoformat(), "m")
    hi = np.datetime64(start.isoformat(), "m")
    ok = (when >= lo) & (when < hi) & (year >= c["install_year"][seg_i])
    seg_i, when = seg_i[ok], when[ok]
    order = np.lexsort((seg_i, when))
    seg_i, when = seg_i[order], when[order]
    mats = c["material"][seg_i]
    probs = np.array([FAILURE_MIX.get(m, FAILURE_MIX["DI"]) for m in mats.tolist()], float).reshape(
        -1, 5
    )
    ftype = np.array(FAILURE_TYPES)[_choice_rows(rng, probs)] if len(seg_i) else np.array([], str)
    repair_min = np.round(
        np.clip(rng.lognormal(np.log(8.0), 0.7, len(seg_i)), 1.0, 96.0) * 60
    ).astype(np.int64)
    repaired = when + repair_min.astype("timedelta64[m]")
    occ_s = np.char.add(np.datetime_as_string(when, unit="s"), "+08:00")
    rep_s = np.char.add(np.datetime_as_string(repaired, unit="s"), "+08:00")
    seg_ids = c["segment_id"][seg_i]
    return [
        {
            "break_id": f"BR-{n + 1:07d}",
            "segment_id": sid,
            "occurred_at": o,
            "failure_type": f,
            "repaired_at": r,
        }
        for n, (sid, o, f, r) in enumerate(
            zip(seg_ids.tolist(), occ_s.tolist(), ftype.tolist(), rep_s.tolist(), strict=True)
        )
    ]


def segments_arrow(segs: Segments, columns: tuple[str, ...]) -> pa.Table:
    """Arrow table in contract column order; unknown customers (drainage) as nulls."""
    c = segs.cols
    types = {
        "diameter_mm": pa.float64(),
        "install_year": pa.int32(),
        "length_m": pa.float64(),
        "under_major_road": pa.bool_(),
    }
    arrays = {}
    for k in columns:
        if k == "customers_served":
            cust = c[k]
            arrays[k] = pa.array(cust.astype(np.int32), mask=cust < 0, type=pa.int32())
        elif k == "dma_id":
            arrays[k] = pa.array(c[k].tolist(), type=pa.string())
        else:
            arrays[k] = pa.array(c[k], type=types.get(k, pa.string()))
    return pa.table(arrays)
