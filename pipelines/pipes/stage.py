"""The pipe-risk stage: likelihood x consequence, earthquake scenario, replacement plan.

``run_pipe_risk(ctx)`` reads staging.pipe_segments / pipe_breaks / buildings / seismic_zones,
and replaces the ``as_of_date`` snapshot of marts.pipe_risk and marts.pipe_replacement_plan in one
transaction (running it twice changes nothing).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pandas as pd

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.pipes.likelihood import predict_likelihood
from pipelines.pipes.seismic import segment_repairs, zone_scenario
from pipelines.settings import load_config
from pipelines.warehouse import split_statements, sql_text

log = logging.getLogger(__name__)

LEVELS = ("blue", "yellow", "orange", "red")
MATERIAL_WORDS = {
    "CI": "cast iron",
    "DI": "ductile iron",
    "STEEL": "steel",
    "PE": "PE",
    "PVC": "PVC",
    "AC": "asbestos cement",
    "CONCRETE": "concrete",
    "COPPER": "copper",
}


def _band(value: float, bands: list[dict[str, Any]], key: str, out: str) -> float:
    """Points (or cost) of the first band whose lower bound ``key`` the value reaches."""
    for band in sorted(bands, key=lambda b: -float(b[key])):
        if value >= float(band[key]):
            return float(band[out])
    return 0.0


def _num(value: Any, default: float = 0.0) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(out) else out


def consequence(row: pd.Series, cfg: dict[str, Any]) -> tuple[float, list[str]]:
    """Consequence points (0-100) of one segment and the phrases that explain them."""
    c = cfg["consequence"]
    network = str(row["network"])
    points = float(c["network_points"].get(network, 10))
    dia = _num(row.get("diameter_mm"))
    points += _band(dia, c["diameter_points"], "min_mm", "points")
    pressure = row.get("pressure_class")
    has_pressure = isinstance(pressure, str) and pressure != ""
    points += (
        float(c["pressure_points"].get(pressure, c["pressure_points_default"]))
        if has_pressure
        else 0.0
    )
    head = f"{network} {pressure + ' ' if has_pressure else ''}{dia:.0f} mm".strip()
    why = [head]
    customers = _num(row.get("customers_served"))
    if customers > 0:
        points += min(
            float(c["customers_max_points"]),
            float(c["customers_max_points"])
            * math.log10(1 + customers)
            / math.log10(1 + float(c["customers_at_max"])),
        )
        why.append(f"{customers:.0f} customers")
    radius = int(c["facility_radius_m"])
    schools, hospitals, elderly = (
        int(_num(row.get(k))) for k in ("schools_nearby", "hospitals_nearby", "elderly_care_nearby")
    )
    facility = (
        schools * c["points_per_school"]
        + hospitals * c["points_per_hospital"]
        + elderly * c["points_per_elderly_care"]
    )
    points += min(float(c["facility_max_points"]), float(facility))
    for count, word in (
        (schools, "school"),
        (hospitals, "hospital"),
        (elderly, "elderly-care home"),
    ):
        if count:
            why.append(f"{count} {word}{'s' if count > 1 else ''} within {radius} m")
    residents = _num(row.get("residents_nearby"))
    housing = _band(residents, c["housing_points"], "min_residents", "points")
    if housing > 0:
        points += housing
        why.append(f"{residents:.0f} residents within {int(c['housing_radius_m'])} m")
    others = int(_num(row.get("other_networks_nearby")))
    if others:
        points += others * float(c["points_per_other_network"])
        why.append(f"{row.get('other_network_names')} lines within {int(c['lifeline_radius_m'])} m")
    if bool(row.get("under_major_road")) and not pd.isna(row.get("under_major_road")):
        points += float(c["under_major_road_points"])
        why.append("under a major road")
    return min(points, 100.0), why


def likelihood_score(rate: np.ndarray, cfg: dict[str, Any]) -> np.ndarray:
    """Log-scaled 0-100 score of breaks per km-year between the configured low and high rates."""
    sc = cfg["risk"]["likelihood_scale"]
    lo, hi = float(sc["low_per_km_year"]), float(sc["high_per_km_year"])
    return np.clip(100 * np.log10(np.clip(rate, 1e-12, None) / lo) / math.log10(hi / lo), 0, 100)


def risk_level(score: float, cfg: dict[str, Any]) -> str:
    """Colour band of a 0-100 risk score."""
    bands = cfg["risk"]["bands"]
    for level in ("red", "orange", "yellow"):
        if score >= float(bands[level]):
            return level
    return "blue"


def _history_phrase(row: pd.Series) -> str:
    material = MATERIAL_WORDS.get(str(row["material"]).upper(), str(row["material"]))
    laid = (
        f" laid {int(row['install_year'])}"
        if not pd.isna(row.get("install_year"))
        else ", year laid unknown"
    )
    n, n5 = int(row["prior_breaks"]), int(row["prior_breaks_5y"])
    if n == 0:
        breaks = "no recorded breaks"
    elif n5 == n:
        breaks = f"{n} break{'s' if n > 1 else ''} in 5 years"
    else:
        breaks = f"{n} break{'s' if n > 1 else ''} ({n5} in 5 years)"
    return f"{material}{laid}, {breaks}"


def assess(
    context: pd.DataFrame, breaks: pd.DataFrame, ctx_cutoff: Any, cfg: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Score every segment: likelihood, consequence, earthquake scenario, level and drivers."""
    lik = predict_likelihood(context, breaks, ctx_cutoff, cfg=cfg)
    frame = context.reset_index(drop=True).merge(
        lik.frame, on="segment_id", how="left", validate="1:1"
    )
    frame["likelihood_score"] = likelihood_score(frame["likelihood_per_km_year"].to_numpy(), cfg)

    rows = []
    for _, row in frame.iterrows():
        points, why = consequence(row, cfg)
        zone = zone_scenario(
            None if pd.isna(row.get("site_intensity")) else int(row["site_intensity"]),
            None if pd.isna(row.get("pga_g")) else float(row["pga_g"]),
            None
            if pd.isna(row.get("liquefaction_susceptibility"))
            else str(row["liquefaction_susceptibility"]),
            cfg,
        )
        quake = segment_repairs(zone, str(row["material"]), _num(row["length_m"]), cfg)
        score = math.sqrt(float(row["likelihood_score"]) * points)
        level = risk_level(score, cfg)
        quake_note = (
            f"intensity {zone.intensity} scenario P(failure) {quake['p_failure_scenario']:.0%}"
        )
        if quake["p_failure_scenario"] >= float(
            cfg["risk"]["seismic_escalation_p_failure"]
        ) and level in ("blue", "yellow"):
            level = LEVELS[LEVELS.index(level) + 1]
            quake_note += " (raised one level)"
        drivers = "; ".join(
            [
                *why,
                _history_phrase(row),
                f"{row['likelihood_per_km_year']:.3f} expected breaks/km/yr",
                quake_note,
            ]
        )
        rows.append(
            {
                "consequence_score": round(points, 2),
                "risk_score": round(score, 2),
                "risk_level": level,
                "scenario_intensity": zone.intensity,
                "pgv_cm_s": zone.pgv_cm_s,
                "pgd_in": zone.pgd_in,
                "p_liquefaction": zone.p_liquefaction,
                "is_ductile": bool(quake["is_ductile"]),
                "seismic_repair_rate_per_km": quake["seismic_repair_rate_per_km"],
                "p_failure_scenario": quake["p_failure_scenario"],
                "drivers": drivers,
            }
        )
    scored = pd.concat([frame, pd.DataFrame(rows, index=frame.index)], axis=1)
    order = scored.sort_values(
        ["risk_score", "likelihood_per_km_year", "segment_id"], ascending=[False, False, True]
    ).index
    scored.loc[order, "replacement_rank"] = np.arange(1, len(scored) + 1)
    scored["replacement_rank"] = scored["replacement_rank"].astype("Int64")
    scored["likelihood_model"] = lik.metadata["model"]
    return scored, lik.metadata


def replacement_plan(scored: pd.DataFrame, as_of_year: int, cfg: dict[str, Any]) -> pd.DataFrame:
    """Per network, segments at or above the minimum level in risk order, cut by annual budget."""
    rc = cfg["replacement"]
    min_rank = LEVELS.index(rc["min_level"])
    horizon = int(rc["plan_years"])
    out = []
    for network, group in scored.groupby("network", sort=True):
        budget = float(rc["annual_budget_cny"].get(network, 0))
        costs_cfg = rc["unit_cost_cny_per_m"].get(network)
        if budget <= 0 or not costs_cfg:
            continue
        cand = group[group["risk_level"].map(LEVELS.index) >= min_rank].sort_values(
            ["replacement_rank"]
        )
        unit = pd.Series(
            [_band(_num(d), costs_cfg, "min_mm", "cost") for d in cand["diameter_mm"]],
            index=cand.index,
            dtype=float,
        )
        cost = unit * cand["length_m"].astype(float)
        cum_cost = cost.cumsum()
        # Year of each segment: the budget year in which its cumulative cost ends.
        year_index = np.floor((cum_cost.to_numpy() - 1e-9) / budget).astype(int)
        keep = year_index < horizon
        plan = pd.DataFrame(
            {
                "network": network,
                "segment_id": cand["segment_id"].to_numpy(),
                "plan_year": as_of_year + 1 + year_index,
                "risk_level": cand["risk_level"].to_numpy(),
                "risk_score": cand["risk_score"].to_numpy(),
                "material": cand["material"].to_numpy(),
                "diameter_mm": cand["diameter_mm"].to_numpy(),
                "length_m": cand["length_m"].to_numpy(float),
                "unit_cost_cny_per_m": unit.to_numpy(),
                "cost_cny": cost.to_numpy(),
                "annual_budget_cny": budget,
                "expected_breaks_avoided_per_year": cand["expected_breaks_per_year"].to_numpy(),
                "drivers": cand["drivers"].to_numpy(),
            }
        )[keep]
        plan["priority"] = np.arange(1, len(plan) + 1)
        plan["cumulative_length_m"] = plan["length_m"].cumsum()
        plan["cumulative_cost_cny"] = plan["cost_cny"].cumsum()
        plan["cumulative_breaks_avoided_per_year"] = plan[
            "expected_breaks_avoided_per_year"
        ].cumsum()
        out.append(plan)
    columns = [
        "network", "priority", "segment_id", "plan_year", "risk_level", "risk_score", "material",
        "diameter_mm", "length_m", "unit_cost_cny_per_m", "cost_cny", "cumulative_length_m",
        "cumulative_cost_cny", "annual_budget_cny", "expected_breaks_avoided_per_year",
        "cumulative_breaks_avoided_per_year", "drivers",
    ]  # fmt: skip
    return pd.concat(out, ignore_index=True)[columns] if out else pd.DataFrame(columns=columns)


RISK_COLUMNS = [
    "segment_id", "network", "material", "is_ductile", "diameter_mm", "pressure_class",
    "length_m", "install_year", "district_id", "responsible_unit_id", "prior_breaks",
    "prior_breaks_5y", "likelihood_model", "likelihood_per_km_year", "expected_breaks_per_year",
    "likelihood_score", "consequence_score", "risk_score", "risk_level", "seismic_zone_id",
    "scenario_intensity", "pgv_cm_s", "pgd_in", "p_liquefaction", "seismic_repair_rate_per_km",
    "p_failure_scenario", "drivers", "replacement_rank", "geometry_wkt",
]  # fmt: skip


def _select(con: Any, relpath: str, params: dict[str, Any]) -> pd.DataFrame:
    (statement,) = split_statements(sql_text(relpath))
    used = {k: v for k, v in params.items() if f"${k}" in statement}
    return con.execute(statement, used).df()


def run_pipe_risk(ctx: RunContext) -> dict:
    """Assess every active pipe segment as of ``ctx.as_of_date`` and rebuild the replacement plan."""
    cfg = load_config("pipe_risk")
    c = cfg["consequence"]
    params = {
        **ctx.params,
        "facility_radius_m": float(c["facility_radius_m"]),
        "housing_radius_m": float(c["housing_radius_m"]),
        "lifeline_radius_m": float(c["lifeline_radius_m"]),
    }
    with warehouse.writer(ctx.paths) as con:
        context = _select(con, "marts/pipes/segment_context.sql", params)
        breaks = _select(con, "marts/pipes/breaks_known.sql", params)
        if context.empty:
            scored, meta = pd.DataFrame(columns=RISK_COLUMNS), {"model": None}
            plan = replacement_plan(pd.DataFrame(columns=["network"]), ctx.as_of_date.year, cfg)
        else:
            scored, meta = assess(context, breaks, ctx.interval_end, cfg)
            plan = replacement_plan(scored, ctx.as_of_date.year, cfg)
        pipe_risk_frame = scored[RISK_COLUMNS].copy()  # noqa: F841 - read by SQL below
        pipe_plan_frame = plan  # noqa: F841 - read by SQL below
        con.register("pipe_risk_frame", pipe_risk_frame)
        con.register("pipe_plan_frame", pipe_plan_frame)
        try:
            with warehouse.transaction(con):
                warehouse.run_sql_file(con, "marts/pipes/write_marts.sql", params)
        finally:
            con.unregister("pipe_risk_frame")
            con.unregister("pipe_plan_frame")
    levels = scored["risk_level"].value_counts().to_dict() if not scored.empty else {}
    result = {
        "as_of_date": ctx.as_of_date.isoformat(),
        "segments": len(scored),
        "red": int(levels.get("red", 0)),
        "orange": int(levels.get("orange", 0)),
        "plan_segments": len(plan),
        "model": meta.get("model"),
        "winter_share": meta.get("winter_share"),
    }
    log.info("pipe risk %s", result)
    return result
