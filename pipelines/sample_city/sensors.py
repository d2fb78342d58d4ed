"""The lifeline sensor registry and each sensor's hidden signal parameters.

Sensors are grouped in categories (methane in manholes, methane in utility tunnels, gas
pressure, water pressure, DMA inflow, drainage level, rainfall, heating supply/return/pressure).
Registry rows go to landing/sensors; parameter arrays drive the vectorised signal models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from pipelines.sample_city.assets import Segments
from pipelines.sample_city.city import City

# category -> (domain, measure, unit, location_type, id prefix)
CATEGORIES: dict[str, tuple[str, str, str, str, str]] = {
    "methane_adjacent": ("gas", "methane_lel", "%LEL", "adjacent_space", "GM"),
    "methane_tunnel": ("gas", "methane_lel", "%LEL", "utility_tunnel", "GT"),
    "gas_pressure": ("gas", "gas_pressure", "kPa", "pipeline", "GP"),
    "water_pressure": ("water", "water_pressure", "m", "pipeline", "WP"),
    "dma_inflow": ("water", "dma_inflow", "m3/h", "dma_inlet", "WF"),
    "drainage_level": ("drainage", "drainage_level", "m", "manhole", "DL"),
    "rainfall": ("drainage", "rainfall", "mm/h", "rain_gauge", "RG"),
    "heating_supply": ("heating", "heating_supply_temp", "degC", "substation", "HT"),
    "heating_return": ("heating", "heating_return_temp", "degC", "substation", "HR"),
    "heating_pressure": ("heating", "heating_pressure", "MPa", "substation", "HP"),
}
CAT_NAMES = tuple(CATEGORIES)
DOMAINS = ("gas", "water", "drainage", "heating")


@dataclass
class Sensors:
    """Registry rows plus aligned numpy arrays (index = position in ``rows``)."""

    rows: list[dict[str, Any]]
    ids: np.ndarray
    cat: np.ndarray  # index into CAT_NAMES
    district: np.ndarray  # district index
    dma: np.ndarray  # DMA index or -1
    p1: np.ndarray
    p2: np.ndarray
    p3: np.ndarray

    def of(self, category: str) -> np.ndarray:
        return np.flatnonzero(self.cat == CAT_NAMES.index(category))

    def domain_order(self, domain: str) -> np.ndarray:
        """Sensors of a domain in file order (by sensor id)."""
        idx = np.flatnonzero(
            np.isin(self.cat, [i for i, c in enumerate(CAT_NAMES) if CATEGORIES[c][0] == domain])
        )
        return idx[np.argsort(self.ids[idx], kind="stable")]


def plan_counts(cfg: dict[str, Any], scale: float, total: int | None, n_dma: int) -> dict[str, int]:
    """Sensor counts per category; every category keeps enough sensors to host its incidents."""
    base = dict(cfg["counts"]["sensors"])
    sub = base.pop("heating_substations")
    raw = {k: float(v) for k, v in base.items()}
    raw["heating_substations"] = float(sub)
    want_total = total if total is not None else None
    if want_total is None:
        counts = {k: v * scale for k, v in raw.items()}
    else:
        per_unit = sum(v * (3 if k == "heating_substations" else 1) for k, v in raw.items())
        f = max(want_total - n_dma, 0) / per_unit
        counts = {k: v * f for k, v in raw.items()}
    mins = {
        "methane_adjacent": 10,
        "methane_tunnel": 4,
        "gas_pressure": 6,
        "water_pressure": 10,
        "drainage_level": 10,
        "rainfall": 3,
        "heating_substations": 6,
    }
    out = {k: max(mins[k], int(round(v))) for k, v in counts.items()}
    if want_total is not None:
        # land exactly on the requested total by adjusting the largest category
        diff = (
            want_total
            - n_dma
            - sum(v * (3 if k == "heating_substations" else 1) for k, v in out.items())
        )
        out["methane_adjacent"] = max(mins["methane_adjacent"], out["methane_adjacent"] + diff)
    return out


def make_sensors(
    city: City,
    segs: Segments,
    rng: np.random.Generator,
    counts: dict[str, int],
    cfg: dict[str, Any],
    start: date,
) -> Sensors:
    """Place sensors in districts (water ones in DMAs) and draw their signal parameters."""
    sig = cfg["signals"]
    w = city.district_weights()
    urban_idx = np.array([d.idx for d in city.districts if d.urban])
    uw = w[urban_idx] / w[urban_idx].sum()
    seg_net = segs.cols["network"]
    seg_dist = segs.cols["district_id"]
    seg_dma = segs.cols["dma_id"]
    dist_ids = [d.district_id for d in city.districts]
    dma_pos = {m.dma_id: m.idx for m in city.dmas}
    rows: list[dict[str, Any]] = []
    cols: dict[str, list] = {k: [] for k in ("cat", "district", "dma", "p1", "p2", "p3")}

    def add(
        cat: str,
        i: int,
        district: int,
        lon: float,
        lat: float,
        *,
        asset: str,
        dma: int = -1,
        depth: float | None = None,
        pclass: str | None = None,
        nominal: float | None = None,
        p: tuple[float, float, float] = (0.0, 0.0, 0.0),
    ) -> None:
        dom, measure, unit, loc, prefix = CATEGORIES[cat]
        rows.append(
            {
                "sensor_id": f"{prefix}-{i + 1:06d}",
                "domain": dom,
                "measure": measure,
                "unit": unit,
                "location_type": loc,
                "asset_id": asset,
                "dma_id": city.dmas[dma].dma_id if dma >= 0 else None,
                "district_id": dist_ids[district],
                "lon": round(float(lon), 6),
                "lat": round(float(lat), 6),
                "depth_m": depth,
                "pressure_class": pclass,
                "nominal_value": nominal,
                "sampling_interval_s": int(cfg["time"]["sampling_interval_s"]),
                "installed_on": start - timedelta(days=int(rng.integers(300, 3000))),
            }
        )
        for k, v in zip(
            ("cat", "district", "dma", "p1", "p2", "p3"),
            (CAT_NAMES.index(cat), district, dma, *p),
            strict=True,
        ):
            cols[k].append(v)

    def points(
        n: int, weights: np.ndarray, pool: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        d = np.sort(rng.choice(pool, size=n, p=weights))
        x = np.empty(n)
        y = np.empty(n)
        for di in np.unique(d).tolist():
            sel = np.flatnonzero(d == di)
            x[sel], y[sel] = city.sample_district_points(
                rng, city.districts[di], len(sel), margin=0.2
            )
        lon, lat = city.plane.to_lonlat(x, y)
        return d, lon, lat

    all_idx = np.arange(len(w))
    mb = sig["methane_background_lel"]
    for cat, pool, pw in (("methane_adjacent", all_idx, w), ("methane_tunnel", urban_idx, uw)):
        n = counts[cat]
        d, lon, lat = points(n, pw, pool)
        for i in range(n):
            asset = (
                f"MH-G-{i + 1:06d}"
                if cat == "methane_adjacent"
                else f"UT-{dist_ids[d[i]]}-{i % 6 + 1:02d}-{i + 1:04d}"
            )
            add(
                cat,
                i,
                int(d[i]),
                lon[i],
                lat[i],
                asset=asset,
                depth=round(float(rng.uniform(1.2, 3.0)), 2) if cat == "methane_adjacent" else None,
                p=(
                    float(rng.uniform(mb["min"], mb["max"])),
                    float(mb["log_sd"]) * float(rng.uniform(0.7, 1.3)),
                    0.0,
                ),
            )

    gas_segs = np.flatnonzero(seg_net == "gas")
    pick = rng.choice(
        gas_segs, size=counts["gas_pressure"], replace=len(gas_segs) < counts["gas_pressure"]
    )
    gn = sig["gas_nominal_kpa"]
    for i, s in enumerate(pick.tolist()):
        lon, lat = city.plane.to_lonlat(segs.x[s], segs.y[s])
        pc = str(segs.cols["pressure_class"][s])
        nominal = float(gn[pc])
        add(
            "gas_pressure",
            i,
            dist_ids.index(seg_dist[s]),
            lon,
            lat,
            asset=str(segs.cols["segment_id"][s]),
            pclass=pc,
            nominal=nominal,
            p=(nominal * float(rng.uniform(0.97, 1.03)), float(rng.uniform(0.01, 0.04)), 0.003),
        )

    # water pressure on mains inside DMAs; DMA inflow one per DMA at its inlet
    in_dma = np.flatnonzero((seg_net == "water") & np.array([v is not None for v in seg_dma]))
    pick = rng.choice(
        in_dma, size=counts["water_pressure"], replace=len(in_dma) < counts["water_pressure"]
    )
    wt = sig["water_service_target_m"]
    dip = sig["water_peak_dip_m"]
    for i, s in enumerate(pick.tolist()):
        lon, lat = city.plane.to_lonlat(segs.x[s], segs.y[s])
        nominal = round(float(rng.uniform(wt["min"], wt["max"])), 1)
        add(
            "water_pressure",
            i,
            dist_ids.index(seg_dist[s]),
            lon,
            lat,
            asset=str(segs.cols["segment_id"][s]),
            dma=dma_pos[seg_dma[s]],
            nominal=nominal,
            p=(
                nominal + float(rng.uniform(2.0, 6.0)),
                float(rng.uniform(dip["min"], dip["max"])),
                0.15,
            ),
        )
    dem = sig["dma_connection_demand_m3_per_day"]
    share = sig["dma_night_flow_share"]
    for m in city.dmas:
        x, y = city.sample_dma_points(rng, m, 1, margin=0.3)
        lon, lat = city.plane.to_lonlat(x[0], y[0])
        mean_flow = m.service_connections * float(rng.uniform(dem["min"], dem["max"])) / 24.0
        add(
            "dma_inflow",
            m.idx,
            m.district.idx,
            lon,
            lat,
            asset=f"FM-{m.dma_id}",
            dma=m.idx,
            nominal=round(mean_flow, 1),
            p=(mean_flow, float(rng.uniform(share["min"], share["max"])), 0.015),
        )

    md = sig["manhole_depth_m"]
    dw = sig["dry_weather_level_m"]
    rr = sig["rain_response_share_of_free_depth"]
    n = counts["drainage_level"]
    d, lon, lat = points(n, w, all_idx)
    for i in range(n):
        depth = round(float(rng.uniform(md["min"], md["max"])), 2)
        base = float(rng.uniform(dw["min"], dw["max"]))
        add(
            "drainage_level",
            i,
            int(d[i]),
            lon[i],
            lat[i],
            asset=f"MH-D-{i + 1:06d}",
            depth=depth,
            p=(base, float(rng.uniform(rr["min"], rr["max"])) * (depth - base), depth),
        )
    n = counts["rainfall"]
    d, lon, lat = points(n, w, all_idx)
    for i in range(n):
        add(
            "rainfall",
            i,
            int(d[i]),
            lon[i],
            lat[i],
            asset=f"RG-{i + 1:04d}",
            p=(float(rng.uniform(0.8, 1.2)), 0.0, 0.0),
        )

    n = counts["heating_substations"]
    d, lon, lat = points(n, w, all_idx)
    hp = sig["heating_pressure_mpa"]
    sup_nom, ret_nom = heating_curve(cfg, np.array([0.0]))
    for i in range(n):
        asset = f"SS-{i + 1:05d}"
        off = float(rng.normal(0.0, 2.0))
        add(
            "heating_supply",
            i,
            int(d[i]),
            lon[i],
            lat[i],
            asset=asset,
            nominal=round(float(sup_nom[0]), 1),
            p=(off, 0.3, 0.0),
        )
        add(
            "heating_return",
            i,
            int(d[i]),
            lon[i],
            lat[i],
            asset=asset,
            nominal=round(float(ret_nom[0]), 1),
            p=(off * 0.5 + float(rng.normal(0, 1.0)), 0.25, 0.0),
        )
        pn = round(float(rng.uniform(hp["min"], hp["max"])), 3)
        add(
            "heating_pressure",
            i,
            int(d[i]),
            lon[i],
            lat[i],
            asset=asset,
            nominal=pn,
            p=(pn, 0.004, 0.0),
        )

    return Sensors(
        rows=rows,
        ids=np.array([r["sensor_id"] for r in rows]),
        cat=np.array(cols["cat"], dtype=np.int16),
        district=np.array(cols["district"], dtype=np.int16),
        dma=np.array(cols["dma"], dtype=np.int32),
        p1=np.array(cols["p1"], float),
        p2=np.array(cols["p2"], float),
        p3=np.array(cols["p3"], float),
    )


def heating_curve(cfg: dict[str, Any], t_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quality-regulation heating curve: supply/return temperature from outdoor temperature."""
    h = cfg["signals"]["heating_curve"]
    ti, td = float(h["indoor_c"]), float(h["design_outdoor_c"])
    rel = np.clip((ti - t_out) / (ti - td), 0.05, 1.2) ** (1.0 / float(h["exponent"]))
    return ti + (float(h["design_supply_c"]) - ti) * rel, ti + (
        float(h["design_return_c"]) - ti
    ) * rel
