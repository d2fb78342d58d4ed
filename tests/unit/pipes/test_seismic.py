"""Hazus figures against the published formulas (FEMA Hazus Technical Manual 7.1.6.2, 4.2.2.1)."""

from __future__ import annotations

import math

import pytest

from pipelines.pipes import seismic
from pipelines.settings import load_config

CFG = load_config("pipe_risk")


def test_shaking_repair_rate_is_hazus_formula() -> None:
    # RR = 0.0001 * PGV^2.25 repairs/km, PGV in cm/s
    assert seismic.shaking_repair_rate(13.0, CFG) == pytest.approx(0.0001 * 13.0**2.25, rel=1e-12)
    assert seismic.shaking_repair_rate(20.0, CFG) == pytest.approx(0.08458, rel=1e-3)
    assert seismic.shaking_repair_rate(0.0, CFG) == 0.0


def test_ground_failure_repair_rate_is_hazus_formula() -> None:
    # RR = P_liq * PGD^0.56 repairs/km, PGD in inches
    assert seismic.ground_failure_repair_rate(0.2, 10.0, CFG) == pytest.approx(0.2 * 10.0**0.56)
    assert seismic.ground_failure_repair_rate(0.0, 10.0, CFG) == 0.0


def test_ductile_factor_mode_split_and_failure_probability() -> None:
    zone = seismic.ZoneScenario(
        intensity=8, pga_g=0.2, pgv_cm_s=25.0, p_liquefaction=0.1, pgd_in=4.0
    )
    brittle = seismic.segment_repairs(zone, "CI", 500.0, CFG)
    ductile = seismic.segment_repairs(zone, "PE", 500.0, CFG)
    rr_shake = 0.0001 * 25.0**2.25
    rr_ground = 0.1 * 4.0**0.56
    assert brittle["is_ductile"] is False and ductile["is_ductile"] is True
    assert brittle["seismic_repair_rate_per_km"] == pytest.approx(rr_shake + rr_ground)
    assert ductile["seismic_repair_rate_per_km"] == pytest.approx(0.3 * (rr_shake + rr_ground))
    assert brittle["p_failure_scenario"] == pytest.approx(
        1 - math.exp(-(rr_shake + rr_ground) * 0.5)
    )
    # shaking 80 % leaks / 20 % breaks; ground failure 20 % leaks / 80 % breaks
    assert brittle["expected_breaks"] == pytest.approx((0.2 * rr_shake + 0.8 * rr_ground) * 0.5)
    assert brittle["expected_leaks"] == pytest.approx((0.8 * rr_shake + 0.2 * rr_ground) * 0.5)


def test_liquefaction_probability_follows_hazus_equations() -> None:
    m, dw, pga = 7.5, 5.0, 0.2
    km = 0.0027 * m**3 - 0.0267 * m**2 - 0.2055 * m + 2.9188
    kw = 0.022 * dw + 0.93
    expected = (7.67 * pga - 0.92) / (km * kw) * 0.20  # high susceptibility
    got = seismic.liquefaction_probability("high", pga, m, dw, CFG)
    assert got == pytest.approx(expected)
    assert km == pytest.approx(1.0, abs=0.02)  # K_M is ~1 at the reference magnitude 7.5
    assert seismic.liquefaction_probability("none", 0.5, m, dw, CFG) == 0.0
    assert seismic.liquefaction_probability("moderate", 0.10, m, dw, CFG) == 0.0  # below 1.0/6.67 g


def test_lateral_spread_piecewise_line() -> None:
    m = 7.5
    kd = 0.0086 * m**3 - 0.0914 * m**2 + 0.4698 * m - 0.9835
    # very high: threshold 0.09 g; a = 0.27 g -> x = 3 -> 18*3 - 24 = 30 in
    assert seismic.lateral_spread_pgd_in("very_high", 0.27, m, CFG) == pytest.approx(30 * kd)
    assert seismic.lateral_spread_pgd_in("very_high", 0.135, m, CFG) == pytest.approx(
        (12 * 1.5 - 12) * kd
    )
    assert seismic.lateral_spread_pgd_in("low", 0.10, m, CFG) == 0.0


def test_default_zone_scenario_is_intensity_vii() -> None:
    zone = seismic.zone_scenario(None, None, "moderate", CFG)
    assert zone.intensity == 7 and zone.pga_g == pytest.approx(0.10)
    assert zone.pgv_cm_s == pytest.approx(13.0)  # GB/T 17742-2008 VII central PGV 0.13 m/s
    assert zone.p_liquefaction == 0.0  # moderate soil does not liquefy at 0.10 g


def test_conditional_liquefaction_probability_is_capped_at_one() -> None:
    m, dw = 7.5, 5.0
    km = 0.0027 * m**3 - 0.0267 * m**2 - 0.2055 * m + 2.9188
    kw = 0.022 * dw + 0.93
    # 7.67 * 0.3 - 0.92 > 1: Hazus caps P[liq | PGA] at 1
    assert seismic.liquefaction_probability("high", 0.3, m, dw, CFG) == pytest.approx(
        0.20 / (km * kw)
    )
