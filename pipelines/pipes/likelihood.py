"""Likelihood of failure: expected breaks per km per year, learned from the network's own history.

Two models, both fed only with what was known at the prediction time ``as_of`` (breaks before it,
pipes laid before it; today's condition scores are never read):

* ``empirical_bayes``: three-level gamma-Poisson credibility. Literature Shamir-Howard ageing
  curves N(t) = N0 e^{A t} per material are re-levelled by the whole network, then by cohort
  (material x diameter band x install era), then by the segment's own recency-weighted breaks.
  A segment with no history gets its cohort rate, a cohort with thin history stays near the
  literature curve, and a segment with a long record converges to its own rate.
* ``gbm``: sklearn ``HistGradientBoostingRegressor(loss='poisson')`` on rates (breaks per km-year,
  weighted by km-years), trained on several earlier cut-offs whose labels end before ``as_of``.
* ``blend``: geometric mean ``EB^w * GBM^(1-w)``.

The default is chosen by measurement (``config/pipe_risk.yaml``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from pipelines.settings import load_config

log = logging.getLogger(__name__)

MODELS = ("empirical_bayes", "gbm", "blend")
_AGE_CAP = 150.0


@dataclass
class LikelihoodResult:
    """Per-segment likelihood frame plus model metadata (seasonality, shrinkage strengths)."""

    frame: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)


def year_fraction(value: date | datetime | float | int) -> float:
    """Decimal year of a date (2015-01-01 -> 2015.0); numbers pass through."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        value = value.date()
    start = date(value.year, 1, 1)
    days = (date(value.year + 1, 1, 1) - start).days
    return value.year + (value - start).days / days


def _break_years(breaks: pd.DataFrame) -> pd.Series:
    ts = pd.to_datetime(breaks["occurred_at"], utc=True)
    return ts.dt.year + (ts.dt.dayofyear - 1) / 365.25


def history_start_year(breaks: pd.DataFrame, cutoff: float, min_share: float) -> int:
    """First year whose break count reaches ``min_share`` of the median annual count.

    Records before it are sparse because recording had not started, not because pipes held:
    counting those years as exposure would bias every rate down.
    """
    years = np.floor(_break_years(breaks)).astype(int)
    years = years[years < cutoff]
    if years.empty:
        # No break was ever recorded: there is no observation window, so no exposure either
        # (zero breaks over an unrecorded period says nothing about the pipes).
        return int(np.ceil(cutoff))
    counts = years.value_counts().sort_index()
    full = counts.reindex(range(counts.index.min(), counts.index.max() + 1), fill_value=0)
    threshold = min_share * float(full.median())
    good = full[full >= max(threshold, 1)]
    return int(good.index.min()) if not good.empty else int(full.index.min())


def winter_share(breaks: pd.DataFrame, months: list[int]) -> float | None:
    """Share of breaks that happened in the winter months (local calendar)."""
    if breaks.empty:
        return None
    month = pd.to_datetime(breaks["occurred_at"], utc=True).dt.month
    return round(float(month.isin(months).mean()), 3)


def _gamma_shape(n: np.ndarray, mu: np.ndarray) -> float:
    """Method-of-moments shape k of a gamma multiplier: Var(n) = mu + mu^2 / k.

    Returns a large k (little segment-to-segment variation) when there is no overdispersion.
    """
    denom = float(np.sum(mu**2))
    if denom <= 0 or float(np.sum(n)) <= 0:
        return 1e6
    inv_k = float(np.sum((n - mu) ** 2 - n)) / denom
    return 1.0 / inv_k if inv_k > 1e-6 else 1e6


def prepare_segments(segments: pd.DataFrame, cfg: dict[str, Any]) -> pd.DataFrame:
    """Clean inputs: material codes known to the literature table, missing sizes/years imputed."""
    lit = cfg["literature"]["shamir_howard"]
    seg = segments.copy().reset_index(drop=True)
    seg["segment_id"] = seg["segment_id"].astype(str)
    material = seg["material"].astype("string").str.upper().fillna("UNKNOWN")
    seg["material_group"] = material.where(material.isin(list(lit)), "UNKNOWN").astype(str)
    seg["length_km"] = (
        pd.to_numeric(seg["length_m"], errors="coerce").fillna(1.0).clip(lower=0.1) / 1000
    )
    dia = pd.to_numeric(seg["diameter_mm"], errors="coerce")
    dia = dia.fillna(dia.groupby(seg["material_group"]).transform("median")).fillna(dia.median())
    seg["diameter_filled"] = dia.fillna(150.0).astype(float)
    iy = pd.to_numeric(seg["install_year"], errors="coerce").astype(float)
    seg["install_year_known"] = iy.notna()
    iy = iy.fillna(iy.groupby(seg["material_group"]).transform("median")).fillna(iy.median())
    seg["install_filled"] = iy.fillna(1970.0).astype(float)
    return seg


def literature_rate(material: pd.Series, age: np.ndarray, cfg: dict[str, Any]) -> np.ndarray:
    """Shamir-Howard N0 * exp(A * age) per km-year for each segment's material."""
    lit = cfg["literature"]["shamir_howard"]
    n0 = material.map({k: v["n0"] for k, v in lit.items()}).to_numpy(float)
    a = material.map({k: v["a"] for k, v in lit.items()}).to_numpy(float)
    return n0 * np.exp(a * np.clip(age, 0.0, _AGE_CAP))


def _cohort_key(seg: pd.DataFrame, cfg: dict[str, Any]) -> pd.Series:
    lk = cfg["likelihood"]
    dia_band = np.digitize(
        seg["diameter_filled"].to_numpy(), lk["cohort_diameter_edges_mm"], right=True
    )
    era = np.digitize(seg["install_filled"].to_numpy(), lk["cohort_install_year_edges"])
    network = seg["network"].astype(str) if "network" in seg.columns else ""
    return (
        network
        + "|"
        + seg["material_group"]
        + "|d"
        + pd.Series(dia_band).astype(str)
        + "|e"
        + pd.Series(era).astype(str)
    )


@dataclass
class _History:
    """Per-segment break history and exposure before a cut-off (all arrays aligned to seg)."""

    n: np.ndarray  # breaks since install, after history start, before cut-off
    n_w: np.ndarray  # same, recency-weighted
    n_last3: np.ndarray
    n_last5: np.ndarray
    years_since_last: np.ndarray
    n_before_install: np.ndarray
    group_n_w: np.ndarray  # recency-weighted breaks on the same road segment, other assets
    lit_exposure: np.ndarray  # sum over years of alive * km * literature rate
    lit_exposure_w: np.ndarray  # recency-weighted
    alive_km_years: np.ndarray


def _history(
    seg: pd.DataFrame, breaks: pd.DataFrame, cutoff: float, start: int, cfg: dict[str, Any]
) -> _History:
    tau = float(cfg["likelihood"]["decay_tau_years"]["value"])
    n_seg = len(seg)
    idx = pd.Series(np.arange(n_seg), index=seg["segment_id"])
    by = _break_years(breaks).to_numpy()
    known = (by < cutoff) & (by >= start)
    b = breaks.loc[known].copy()
    b["t"] = by[known]
    b["pos"] = b["segment_id"].astype(str).map(idx)
    on_asset = b.dropna(subset=["pos"]).copy()
    on_asset["pos"] = on_asset["pos"].astype(int)
    install = seg["install_filled"].to_numpy()
    on_asset["installed"] = install[on_asset["pos"].to_numpy()]
    before = on_asset[on_asset["t"] < on_asset["installed"]]
    own = on_asset[on_asset["t"] >= on_asset["installed"]]
    w = np.exp(-(cutoff - own["t"].to_numpy()) / tau)
    pos = own["pos"].to_numpy()
    n = np.bincount(pos, minlength=n_seg).astype(float)
    n_w = np.bincount(pos, weights=w, minlength=n_seg)
    n_last3 = np.bincount(pos[own["t"].to_numpy() >= cutoff - 3], minlength=n_seg).astype(float)
    n_last5 = np.bincount(pos[own["t"].to_numpy() >= cutoff - 5], minlength=n_seg).astype(float)
    last = np.full(n_seg, -np.inf)
    np.maximum.at(last, pos, own["t"].to_numpy())
    years_since_last = np.where(np.isfinite(last), cutoff - last, 99.0)
    n_before = np.bincount(before["pos"].to_numpy(), minlength=n_seg).astype(float)

    group_n_w = np.zeros(n_seg)
    if "road_segment_id" in seg.columns and "road_segment_id" in b.columns:
        gb = b.dropna(subset=["road_segment_id"])
        gw = pd.Series(np.exp(-(cutoff - gb["t"].to_numpy()) / tau), index=gb.index)
        group_total = gw.groupby(gb["road_segment_id"].astype(str)).sum()
        road = seg["road_segment_id"].astype("string").fillna("__none__").astype(str)
        total = road.map(group_total).fillna(0.0).to_numpy()
        own_on_road = np.zeros(n_seg)
        own_road = on_asset.dropna(subset=["road_segment_id"])
        ow = np.exp(-(cutoff - own_road["t"].to_numpy()) / tau)
        np.add.at(own_on_road, own_road["pos"].to_numpy(), ow)
        group_n_w = np.clip(total - own_on_road, 0.0, None)

    years = np.arange(start, int(np.ceil(cutoff)))
    lit_exp = np.zeros(n_seg)
    lit_exp_w = np.zeros(n_seg)
    alive_total = np.zeros(n_seg)
    km = seg["length_km"].to_numpy()
    for y in years:
        span = min(y + 1.0, cutoff) - y
        if span <= 0:
            continue
        alive = np.clip(min(y + 1.0, cutoff) - np.maximum(install, y), 0.0, span)
        rate = literature_rate(seg["material_group"], y + 0.5 - install, cfg)
        contrib = alive * km * rate
        lit_exp += contrib
        lit_exp_w += contrib * np.exp(-(cutoff - (y + 0.5)) / tau)
        alive_total += alive * km
    return _History(
        n,
        n_w,
        n_last3,
        n_last5,
        years_since_last,
        n_before,
        group_n_w,
        lit_exp,
        lit_exp_w,
        alive_total,
    )


def empirical_bayes(
    seg: pd.DataFrame, hist: _History, cutoff: float, cfg: dict[str, Any], horizon: float = 4.0
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Gamma-Poisson credibility: literature -> network -> cohort -> segment.

    Returns per-segment rates (breaks per km-year at ``cutoff + horizon``) and the shrinkage
    strengths (k = prior 'pseudo-breaks'; larger k = stronger pull towards the level above).
    """
    n_total = float(hist.n.sum())
    e_total = float(hist.lit_exposure.sum())
    network_factor = n_total / e_total if e_total > 0 and n_total > 0 else 1.0

    cohort = _cohort_key(seg, cfg)
    grouped = pd.DataFrame({"c": cohort, "n": hist.n, "mu": network_factor * hist.lit_exposure})
    cstats = grouped.groupby("c")[["n", "mu"]].sum()
    k_cohort = _gamma_shape(cstats["n"].to_numpy(), cstats["mu"].to_numpy())
    cohort_theta = (k_cohort + cstats["n"]) / (k_cohort + cstats["mu"])
    theta_c = cohort.map(cohort_theta).fillna(1.0).to_numpy()
    cohort_factor = network_factor * theta_c  # multiplies the literature rate

    mu_seg = cohort_factor * hist.lit_exposure
    k_seg = _gamma_shape(hist.n, mu_seg)
    mu_seg_w = cohort_factor * hist.lit_exposure_w
    # Neighbourhood level: breaks on the same street segment (other assets, including breaks
    # that could not be tied to an asset) raise the prior of every main under that street.
    theta_g = np.ones(len(seg))
    k_group = float("nan")
    if "road_segment_id" in seg.columns and hist.group_n_w.any():
        road = seg["road_segment_id"].astype("string").fillna("__none__").astype(str)
        mu_road = pd.Series(mu_seg_w).groupby(road.to_numpy()).transform("sum").to_numpy()
        mu_other = np.clip(mu_road - mu_seg_w, 0.0, None)
        has_road = (road != "__none__").to_numpy()
        k_group = _gamma_shape(hist.group_n_w[has_road], mu_other[has_road])
        theta_g = np.where(has_road, (k_group + hist.group_n_w) / (k_group + mu_other), 1.0)
    theta_s = (k_seg + hist.n_w) / (k_seg / theta_g + mu_seg_w)

    future_age = cutoff + horizon - seg["install_filled"].to_numpy()
    lit_now = literature_rate(seg["material_group"], future_age, cfg)
    cohort_rate = cohort_factor * lit_now
    frame = pd.DataFrame(
        {
            "literature_rate": lit_now,
            "cohort_rate": cohort_rate,
            "eb_rate": cohort_rate * theta_s,
            "credibility": mu_seg_w / (k_seg + mu_seg_w),
        }
    )
    meta = {
        "network_factor_vs_literature": round(network_factor, 4),
        "k_cohort": round(k_cohort, 4),
        "k_segment": round(k_seg, 4),
        "k_road_segment": round(k_group, 4),
    }
    return frame, meta


def _features(seg: pd.DataFrame, hist: _History, cutoff: float) -> pd.DataFrame:
    """GBM feature matrix at a cut-off (only facts known then)."""
    feats = pd.DataFrame(
        {
            "age": np.clip(cutoff - seg["install_filled"].to_numpy(), 0, _AGE_CAP),
            "install_year": seg["install_filled"].to_numpy(),
            "material": seg["material_group"].astype("category").cat.codes.astype(float),
            "diameter_mm": seg["diameter_filled"].to_numpy(),
            "log_length_km": np.log(seg["length_km"].to_numpy()),
            "n_prior": hist.n,
            "n_prior_weighted": hist.n_w,
            "n_last3": hist.n_last3,
            "n_last5": hist.n_last5,
            "years_since_last": hist.years_since_last,
            "n_before_install": hist.n_before_install,
            "road_breaks_weighted": hist.group_n_w,
        }
    )
    if "lined_year" in seg.columns:
        lined = pd.to_numeric(seg["lined_year"], errors="coerce").to_numpy(float)
        feats["lined"] = (lined < cutoff).astype(float)
    return feats


def _label(
    seg: pd.DataFrame, breaks: pd.DataFrame, t0: float, t1: float
) -> tuple[np.ndarray, np.ndarray]:
    """Breaks per segment in [t0, t1) and km-years alive in that window."""
    idx = pd.Series(np.arange(len(seg)), index=seg["segment_id"])
    by = _break_years(breaks).to_numpy()
    win = breaks.loc[(by >= t0) & (by < t1), "segment_id"].astype(str).map(idx).dropna()
    counts = np.bincount(win.astype(int).to_numpy(), minlength=len(seg)).astype(float)
    install = seg["install_filled"].to_numpy()
    alive_years = np.clip(t1 - np.maximum(install, t0), 0.0, t1 - t0)
    return counts, alive_years * seg["length_km"].to_numpy()


def _bounded_sample(
    x: pd.DataFrame, y: np.ndarray, w: np.ndarray, gcfg: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """At most ``max_training_rows`` segment-cutoff rows, drawn uniformly with a fixed seed.

    Training cost grows with cut-offs x segments; a uniform sample keeps the fit's cost flat at
    city scale. Weights are scaled by rows / kept so the total exposure, and with it the balance
    between the data and ``l2_regularization``, stays what the full set had. Below the cap
    (e.g. Kitchener, 15.9k mains x 6 cut-offs) nothing changes.
    """
    cap = (gcfg.get("max_training_rows") or {}).get("value")
    if cap is None or len(x) <= int(cap):
        return x, y, w
    rng = np.random.default_rng(int(gcfg["random_state"]))
    keep = np.sort(rng.choice(len(x), size=int(cap), replace=False))
    scale = len(x) / int(cap)
    log.info("GBM trained on %d of %d segment-cutoff rows (seeded sample)", int(cap), len(x))
    return x.iloc[keep].reset_index(drop=True), y[keep], w[keep] * scale


def gbm_rates(
    seg: pd.DataFrame, breaks: pd.DataFrame, cutoff: float, start: int, cfg: dict[str, Any]
) -> np.ndarray:
    """Poisson gradient boosting on rates, trained on earlier cut-offs (labels end by ``cutoff``)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    gcfg = cfg["likelihood"]["gbm"]
    horizon = float(gcfg["label_horizon_years"])
    xs, ys, ws = [], [], []
    for back in gcfg["training_cutoffs_back_years"]:
        t0 = cutoff - float(back)
        t1 = min(t0 + horizon, cutoff)
        if t0 - start < 2 or t1 <= t0:
            continue
        hist = _history(seg, breaks, t0, start, cfg)
        counts, exposure = _label(seg, breaks, t0, t1)
        keep = exposure > 0
        feats = _features(seg, hist, t0)
        feats["log_eb_rate"] = np.log(empirical_bayes(seg, hist, t0, cfg)[0]["eb_rate"].to_numpy())
        xs.append(feats[keep])
        ys.append(counts[keep] / exposure[keep])
        ws.append(exposure[keep])
    if not xs:
        raise ValueError("not enough break history before the cut-off to train the GBM")
    x = pd.concat(xs, ignore_index=True)
    y, w = np.concatenate(ys), np.concatenate(ws)
    x, y, w = _bounded_sample(x, y, w, gcfg)
    model = HistGradientBoostingRegressor(
        loss="poisson",
        max_iter=int(gcfg["max_iter"]),
        learning_rate=float(gcfg["learning_rate"]),
        max_leaf_nodes=int(gcfg["max_leaf_nodes"]),
        min_samples_leaf=int(gcfg["min_samples_leaf"]),
        l2_regularization=float(gcfg["l2_regularization"]),
        categorical_features=[x.columns.get_loc("material")],
        random_state=int(gcfg["random_state"]),
    )
    model.fit(x, y, sample_weight=w)
    hist_now = _history(seg, breaks, cutoff, start, cfg)
    feats = _features(seg, hist_now, cutoff)
    feats["log_eb_rate"] = np.log(
        empirical_bayes(seg, hist_now, cutoff, cfg)[0]["eb_rate"].to_numpy()
    )
    return np.clip(model.predict(feats), 1e-6, None)


def predict_likelihood(
    segments: pd.DataFrame,
    breaks: pd.DataFrame,
    as_of: date | datetime | float,
    model: str | None = None,
    cfg: dict[str, Any] | None = None,
) -> LikelihoodResult:
    """Expected breaks per km per year for every segment, using only facts known at ``as_of``.

    Output columns: segment_id, likelihood_per_km_year, expected_breaks_per_year,
    literature_rate, cohort_rate, eb_rate, gbm_rate (NaN unless used), credibility,
    prior_breaks, prior_breaks_5y, last_break_year, age_years.
    """
    cfg = cfg or load_config("pipe_risk")
    lk = cfg["likelihood"]
    model = model or lk["default_model"]
    if model not in MODELS:
        raise ValueError(f"unknown likelihood model {model!r}; choose one of {', '.join(MODELS)}")
    cutoff = year_fraction(as_of)
    seg = prepare_segments(segments, cfg)
    # A pipe laid after the cut-off did not exist then: no history can be attached to it.
    past = breaks.loc[_break_years(breaks) < cutoff]
    start = history_start_year(past, cutoff, float(lk["history_start_min_share_of_median"]))
    hist = _history(seg, past, cutoff, start, cfg)
    eb, meta = empirical_bayes(seg, hist, cutoff, cfg)
    gbm = np.full(len(seg), np.nan)
    if model != "empirical_bayes":
        try:
            gbm = gbm_rates(seg, past, cutoff, start, cfg)
        except ValueError as exc:  # too little history to train: the EB rate stands alone
            log.warning("GBM not trained (%s); using the empirical-Bayes rate", exc)
            model = "empirical_bayes"
    if model == "empirical_bayes":
        rate = eb["eb_rate"].to_numpy()
    elif model == "gbm":
        rate = gbm
    else:
        w = float(lk["blend_weight_eb"])
        rate = np.exp(w * np.log(eb["eb_rate"].to_numpy()) + (1 - w) * np.log(gbm))
    frame = pd.DataFrame(
        {
            "segment_id": seg["segment_id"],
            "likelihood_per_km_year": rate,
            "expected_breaks_per_year": rate * seg["length_km"].to_numpy(),
            "literature_rate": eb["literature_rate"],
            "cohort_rate": eb["cohort_rate"],
            "eb_rate": eb["eb_rate"],
            "gbm_rate": gbm,
            "credibility": eb["credibility"],
            "prior_breaks": hist.n.astype(int),
            "prior_breaks_5y": hist.n_last5.astype(int),
            "last_break_year": np.where(
                hist.years_since_last < 99, np.floor(cutoff - hist.years_since_last), np.nan
            ),
            "age_years": np.clip(cutoff - seg["install_filled"].to_numpy(), 0, None),
        }
    )
    meta.update(
        {
            "model": model,
            "history_start_year": start,
            "history_breaks": int(hist.n.sum()),
            "winter_share": winter_share(past, list(lk["winter_months"]["value"])),
            "winter_months": list(lk["winter_months"]["value"]),
        }
    )
    return LikelihoodResult(frame, meta)
