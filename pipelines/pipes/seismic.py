"""Earthquake scenario for buried pipes: FEMA Hazus repair rates and liquefaction.

Hazus (Earthquake Model Technical Manual, sections 7.1.6.2 and 4.2.2.1):
  shaking        RR = 0.0001 * PGV^2.25 repairs/km        (PGV in cm/s)
  ground failure RR = P_liq * PGD^0.56 repairs/km         (PGD in inches)
  ductile pipe (steel, ductile iron, PVC, PE): x 0.3
  P(at least one repair on L km) = 1 - exp(-RR * L)
All coefficients come from ``config/pipe_risk.yaml`` (section ``seismic``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ZoneScenario:
    """Ground motion and ground failure of one zone under the scenario."""

    intensity: int
    pga_g: float
    pgv_cm_s: float
    p_liquefaction: float
    pgd_in: float


def shaking_repair_rate(pgv_cm_s: float, cfg: dict[str, Any]) -> float:
    """Hazus wave-propagation repair rate (repairs/km) of brittle pipe."""
    rr = cfg["seismic"]["repair_rate"]
    return float(rr["shaking_coef"]) * max(pgv_cm_s, 0.0) ** float(rr["shaking_exp"])


def ground_failure_repair_rate(p_liq: float, pgd_in: float, cfg: dict[str, Any]) -> float:
    """Hazus permanent-ground-deformation repair rate (repairs/km) of brittle pipe."""
    if pgd_in <= 0 or p_liq <= 0:
        return 0.0
    return p_liq * pgd_in ** float(cfg["seismic"]["repair_rate"]["ground_failure_exp"])


def magnitude_factor_km(magnitude: float) -> float:
    """Hazus K_M = 0.0027 M^3 - 0.0267 M^2 - 0.2055 M + 2.9188 (eq. 4-21)."""
    m = magnitude
    return 0.0027 * m**3 - 0.0267 * m**2 - 0.2055 * m + 2.9188


def groundwater_factor_kw(depth_ft: float) -> float:
    """Hazus K_w = 0.022 d_w + 0.93, d_w in feet (eq. 4-22)."""
    return 0.022 * depth_ft + 0.93


def displacement_factor_kdelta(magnitude: float) -> float:
    """Hazus K_delta = 0.0086 M^3 - 0.0914 M^2 + 0.4698 M - 0.9835 (eq. 4-24)."""
    m = magnitude
    return 0.0086 * m**3 - 0.0914 * m**2 + 0.4698 * m - 0.9835


def liquefaction_probability(
    susceptibility: str | None,
    pga_g: float,
    magnitude: float,
    groundwater_ft: float,
    cfg: dict[str, Any],
) -> float:
    """Hazus P[liq] = P[liq | PGA] / (K_M K_w) * P_ml, clipped to [0, 1]."""
    classes = cfg["seismic"]["liquefaction"]["classes"]
    c = classes.get(susceptibility or "none", classes["none"])
    conditional = max(0.0, float(c["slope"]) * pga_g - float(c["intercept"]))
    if conditional <= 0 or float(c["p_ml"]) <= 0:
        return 0.0
    conditional = min(conditional, 1.0)
    p = (
        conditional
        / (magnitude_factor_km(magnitude) * groundwater_factor_kw(groundwater_ft))
        * float(c["p_ml"])
    )
    return min(max(p, 0.0), 1.0)


def lateral_spread_pgd_in(
    susceptibility: str | None, pga_g: float, magnitude: float, cfg: dict[str, Any]
) -> float:
    """Hazus expected lateral spreading displacement (inches), Figure 4-9 piecewise line.

    x = PGA / PGA_threshold: 1-2 -> 12x - 12; 2-3 -> 18x - 24; 3-4 -> 70x - 180; times K_delta.
    """
    classes = cfg["seismic"]["liquefaction"]["classes"]
    threshold = classes.get(susceptibility or "none", classes["none"]).get("pga_threshold_g")
    if not threshold:
        return 0.0
    x = pga_g / float(threshold)
    if x <= 1:
        base = 0.0
    elif x <= 2:
        base = 12 * x - 12
    elif x <= 3:
        base = 18 * x - 24
    else:
        base = 70 * min(x, 4.0) - 180
    return max(base, 0.0) * displacement_factor_kdelta(magnitude)


def zone_scenario(
    site_intensity: int | None, pga_g: float | None, susceptibility: str | None, cfg: dict[str, Any]
) -> ZoneScenario:
    """Scenario ground motion in a zone: its own site intensity unless the config overrides it."""
    sc = cfg["seismic"]["scenario"]
    pgv_table = {int(k): float(v) for k, v in cfg["seismic"]["pgv_cm_s_by_intensity"].items()}
    override = sc.get("override_intensity")
    intensity = int(override or site_intensity or sc["default_intensity"])
    if override:
        # One degree of intensity doubles PGA (GB 18306 / GB/T 17742 geometric steps).
        pga = float(sc["default_pga_g"]) * 2.0 ** (intensity - int(sc["default_intensity"]))
    else:
        pga = (
            float(pga_g)
            if pga_g is not None and not math.isnan(pga_g)
            else float(sc["default_pga_g"])
        )
    magnitude = float(sc["magnitude"])
    p_liq = liquefaction_probability(
        susceptibility, pga, magnitude, float(sc["groundwater_depth_ft"]), cfg
    )
    pgd = lateral_spread_pgd_in(susceptibility, pga, magnitude, cfg)
    pgv = pgv_table[min(max(intensity, min(pgv_table)), max(pgv_table))]
    return ZoneScenario(intensity, pga, pgv, p_liq, pgd)


def segment_repairs(
    zone: ZoneScenario, material: str, length_m: float, cfg: dict[str, Any]
) -> dict[str, float | bool]:
    """Repair rate, expected leaks/breaks and P(failure) of one segment under the scenario."""
    rr_cfg = cfg["seismic"]["repair_rate"]
    ductile = str(material).upper() in {m.upper() for m in rr_cfg["ductile_materials"]}
    factor = float(rr_cfg["ductile_factor"]) if ductile else 1.0
    rr_shake = shaking_repair_rate(zone.pgv_cm_s, cfg) * factor
    rr_ground = ground_failure_repair_rate(zone.p_liquefaction, zone.pgd_in, cfg) * factor
    rate = rr_shake + rr_ground
    km = max(length_m, 0.0) / 1000.0
    b_shake, b_ground = (
        float(rr_cfg["break_share_shaking"]),
        float(rr_cfg["break_share_ground_failure"]),
    )
    breaks = (rr_shake * b_shake + rr_ground * b_ground) * km
    leaks = (rr_shake * (1 - b_shake) + rr_ground * (1 - b_ground)) * km
    return {
        "is_ductile": ductile,
        "seismic_repair_rate_per_km": rate,
        "expected_leaks": leaks,
        "expected_breaks": breaks,
        "p_failure_scenario": 1.0 - math.exp(-rate * km),
    }
