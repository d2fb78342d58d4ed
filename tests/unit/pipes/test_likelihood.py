"""Likelihood model: shrinkage behaviour, time discipline and the capture metric."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from pipelines.pipes.evaluation import capture_share, evaluate_split, rank_by_density
from pipelines.pipes.likelihood import literature_rate, predict_likelihood
from pipelines.settings import load_config

CFG = load_config("pipe_risk")


def _network(n: int = 300, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n x 1 km PVC mains laid 1980 with Poisson(0.1/km/yr) breaks 2000-2019, plus two specials."""
    rng = np.random.default_rng(seed)
    seg = pd.DataFrame(
        {
            "segment_id": [f"S{i}" for i in range(n)],
            "network": "water",
            "material": "PVC",
            "diameter_mm": 200.0,
            "install_year": 1980,
            "length_m": 1000.0,
        }
    )
    seg.loc[len(seg)] = ["HOT", "water", "PVC", 200.0, 1980, 1000.0]  # chronic breaker
    seg.loc[len(seg)] = ["NEW", "water", "PVC", 200.0, 2020, 1000.0]  # laid at the cut-off
    rows = []
    for i in range(n):
        for year in range(2000, 2020):
            for _ in range(rng.poisson(0.1)):
                rows.append((f"S{i}", year))
    rows += [("HOT", 2000 + (k % 20)) for k in range(60)]  # 3 breaks/km/yr for 20 years
    rows += [("NEW", 2030)]  # a future break: must never be seen
    breaks = pd.DataFrame(rows, columns=["segment_id", "year"])
    breaks["break_id"] = [f"B{i}" for i in range(len(breaks))]
    breaks["occurred_at"] = pd.to_datetime(breaks["year"].astype(str) + "-02-15", utc=True)
    return seg, breaks.drop(columns="year")


def test_no_history_network_falls_back_to_literature_rate() -> None:
    seg, _ = _network(20)
    empty = pd.DataFrame(columns=["break_id", "segment_id", "occurred_at"])
    empty["occurred_at"] = pd.to_datetime(empty["occurred_at"], utc=True)
    res = predict_likelihood(seg, empty, 2020.0, model="empirical_bayes", cfg=CFG)
    lit = literature_rate(pd.Series(["PVC"] * len(seg)), np.full(len(seg), 0.0), CFG)
    # nothing learned: every segment carries the Shamir-Howard literature rate
    np.testing.assert_allclose(res.frame["eb_rate"], res.frame["literature_rate"])
    assert (res.frame["literature_rate"] > lit).all()  # aged 44 years (4-year horizon) > new pipe


def test_segment_without_exposure_gets_cohort_rate_and_heavy_history_its_own() -> None:
    seg, breaks = _network()
    res = predict_likelihood(seg, breaks, 2020.0, model="empirical_bayes", cfg=CFG)
    f = res.frame.set_index("segment_id")
    # the new main has no history of its own: exactly its cohort rate
    assert f.loc["NEW", "eb_rate"] == pytest.approx(f.loc["NEW", "cohort_rate"])
    assert f.loc["NEW", "prior_breaks"] == 0  # the 2030 break is in the future
    # the chronic breaker converges to its own rate (3/km/yr), far above its cohort
    assert f.loc["HOT", "credibility"] > 0.7
    assert f.loc["HOT", "eb_rate"] == pytest.approx(3.0, rel=0.15)
    assert f.loc["HOT", "eb_rate"] > 10 * f.loc["HOT", "cohort_rate"]
    # ordinary mains stay near the network's rate (~0.1/km/yr), shrunk from their own counts
    ordinary = f.drop(index=["HOT", "NEW"])
    assert ordinary["eb_rate"].median() == pytest.approx(0.1, rel=0.35)
    assert ordinary["eb_rate"].std() < ordinary["prior_breaks"].div(20).std()
    assert res.metadata["winter_share"] == 1.0  # every synthetic break is in February


def test_only_breaks_before_the_cutoff_are_used() -> None:
    seg, breaks = _network(50)
    early = predict_likelihood(seg, breaks, 2010.0, model="empirical_bayes", cfg=CFG).frame
    assert early.set_index("segment_id").loc["HOT", "prior_breaks"] == 30  # 2000-2009 only
    later = breaks[pd.to_datetime(breaks["occurred_at"]).dt.year >= 2010]
    again = predict_likelihood(
        seg, breaks.drop(index=later.index), 2010.0, model="empirical_bayes", cfg=CFG
    ).frame
    pd.testing.assert_frame_equal(early, again)


def test_gbm_and_blend_run_and_rank_the_chronic_breaker_first() -> None:
    seg, breaks = _network(150)
    cfg = copy.deepcopy(CFG)
    cfg["likelihood"]["gbm"]["min_samples_leaf"] = 5  # the configured 400 is for 16,000 mains
    for model in ("gbm", "blend"):
        res = predict_likelihood(seg, breaks, 2020.0, model=model, cfg=cfg)
        top = res.frame.sort_values("likelihood_per_km_year", ascending=False)["segment_id"].iloc[0]
        assert top == "HOT" and res.metadata["model"] == model


def test_capture_metric_on_a_hand_made_example() -> None:
    lengths = np.array([100.0, 100.0, 800.0, 1000.0])  # total 2000 m -> budget 200 m at 10 %
    future = np.array([3.0, 1.0, 4.0, 2.0])  # 10 future breaks
    density = np.array([0.5, 0.1, 0.3, 0.0])
    order = rank_by_density(density, np.zeros(4))
    assert list(order) == [0, 2, 1, 3]
    # segment 0 (100 m) fits; segment 2 (800 m) would exceed 200 m and is not taken
    assert capture_share(order, lengths, future) == pytest.approx(0.3)
    # ties broken by the second key (oldest first)
    assert list(rank_by_density(np.zeros(3), np.array([1990, 1950, 1970]))) == [1, 2, 0]


def test_evaluate_split_reports_model_and_baselines() -> None:
    seg, breaks = _network(120)
    seg["install_year"] = 1950 + np.arange(len(seg)) % 40
    seg.loc[seg["segment_id"] == "NEW", "install_year"] = 2020
    res = evaluate_split(seg, breaks, 2015, end_year=2022, shuffles=20, cfg=CFG)
    caps = res["capture_at_10pct"]
    assert set(caps) == {"model", "random", "oldest_first", "prior_breaks"}
    assert res["future_breaks"] > 0
    assert caps["model"] > caps["random"]  # the chronic breaker carries 15 of the future breaks
