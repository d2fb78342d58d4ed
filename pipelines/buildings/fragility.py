"""Hazus-style seismic fragility for buildings (config/building_fragility.yaml).

Pure functions so that the figures can be checked by hand: the standard normal CDF, exceedance
curves P[ds >= k | PGA] = Phi(ln(PGA/median_k)/beta_k), discrete damage-state probabilities and the
expected number of occupants affected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DAMAGE_STATES = ("slight", "moderate", "extensive", "complete")


def phi(x: float) -> float:
    """Standard normal CDF through erf (no scipy needed)."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def exceedance(pga_g: float, median_g: float, beta: float) -> float:
    """P[ds >= k | PGA] for one lognormal curve; zero shaking gives zero probability."""
    if pga_g <= 0:
        return 0.0
    return phi(math.log(pga_g / median_g) / beta)


def damage_state_probabilities(
    pga_g: float, medians: Sequence[float], betas: Sequence[float]
) -> dict[str, float]:
    """Probabilities of ending in exactly slight/moderate/extensive/complete (none = remainder).

    Exceedance curves are clipped to be non-increasing so that crossing curves (possible with
    unequal betas) can never give a negative state probability.
    """
    exceed: list[float] = []
    for median, beta in zip(medians, betas, strict=True):
        p = exceedance(pga_g, median, beta)
        exceed.append(min(p, exceed[-1]) if exceed else p)
    probs = {
        state: exceed[i] - (exceed[i + 1] if i + 1 < len(exceed) else 0.0)
        for i, state in enumerate(DAMAGE_STATES)
    }
    return probs


def expected_occupants_affected(
    occupancy: int | None, probs: Mapping[str, float], weights: Mapping[str, float]
) -> float | None:
    """occupancy x (P[extensive] x w_e + P[complete] x w_c); None when occupancy is unknown."""
    if occupancy is None:
        return None
    return occupancy * (
        probs["extensive"] * float(weights["extensive"])
        + probs["complete"] * float(weights["complete"])
    )


def hazus_building_type(
    structure_type: str | None, floors: int | None, cfg: Mapping[str, Any]
) -> str | None:
    """Hazus model building type (e.g. ``C1M``) or None when the structure is unknown."""
    spec = cfg["structure_classes"].get(structure_type or "")
    if spec is None:
        return None
    n = floors if floors is not None else 1
    for band in spec["heights"]:
        if "max_floors" not in band or n <= band["max_floors"]:
            return f"{spec['hazus']}{band['suffix']}"
    return None  # pragma: no cover - config always ends with an open band


def code_level(
    fortification: int | None, year_built: int | None, retrofitted: bool, cfg: Mapping[str, Any]
) -> str:
    """Hazus design level from the fortification intensity (after retrofit) and the build year."""
    levels = cfg["code_levels"]
    if fortification is None:
        return levels["unknown_fortification"]
    if (
        not retrofitted
        and year_built is not None
        and year_built < levels["pre_code_if_built_before"]
    ):
        return "pre_code"
    table = {int(k): v for k, v in levels["by_fortification"].items()}
    eligible = [k for k in table if k <= fortification]
    return table[max(eligible)] if eligible else "pre_code"


@dataclass(frozen=True)
class Curves:
    """Curves actually used for one building (the design level may step down, see fallback)."""

    hazus_type: str
    code_level: str
    medians: tuple[float, ...]
    betas: tuple[float, ...]


def curves_for(hazus_type: str, level: str, cfg: Mapping[str, Any]) -> Curves | None:
    """Curves of a type at a level, stepping down the design levels when Hazus has none (URM)."""
    order: list[str] = cfg["code_levels"]["fallback_order"]
    for candidate in order[order.index(level) :]:
        medians = cfg["curves"].get(candidate, {}).get(hazus_type)
        if medians is not None:
            return Curves(hazus_type, candidate, tuple(medians), tuple(cfg["betas"]))
    return None


def scenario_pga_g(
    site_intensity: int | None, zone_pga_g: float | None, cfg: Mapping[str, Any]
) -> float | None:
    """PGA (g) of the configured scenario at a site: GB 50011 Table 5.1.2-2 by design PGA.

    The design PGA comes from the zone when given (0.15 g and 0.30 g zones exist), else from the
    basic intensity. None when neither gives a tabulated value.
    """
    sc = cfg["scenario"]
    design = zone_pga_g
    if design is None and site_intensity is not None:
        design = sc["design_pga_by_intensity"].get(int(site_intensity))
    if design is None:
        return None
    row = sc["peak_accel_gal"].get(f"{design:.2f}")
    if row is None:
        return None
    return row[sc["name"]] / float(sc["gal_per_g"])
