"""Fragility figures checked against hand-computed values (standard normal table, ln by hand)."""

from __future__ import annotations

import math

import pytest

from pipelines.buildings import fragility
from pipelines.settings import load_config

FRAG = load_config("building_fragility")


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, 0.5),
        (1.0, 0.841345),
        (-1.0, 0.158655),
        (1.96, 0.975002),
        (-0.5, 0.308538),
        (2.5, 0.993790),
    ],
)
def test_phi_matches_normal_table(x: float, expected: float) -> None:
    assert fragility.phi(x) == pytest.approx(expected, abs=1e-6)


def test_exceedance_is_half_at_the_median_and_phi_one_a_beta_above() -> None:
    assert fragility.exceedance(0.26, 0.26, 0.64) == pytest.approx(0.5)
    assert fragility.exceedance(0.26 * math.exp(0.64), 0.26, 0.64) == pytest.approx(
        0.841345, abs=1e-6
    )
    assert fragility.exceedance(0.0, 0.26, 0.64) == 0.0


def test_urm_pre_code_in_a_rare_vii_earthquake_by_hand() -> None:
    # PGA = 220 gal / 980.665 = 0.22434 g (GB 50011 Table 5.1.2-2, 7 degrees, rare).
    pga = fragility.scenario_pga_g(7, None, FRAG)
    assert pga == pytest.approx(0.22434, abs=1e-5)
    curves = fragility.curves_for("URML", "pre_code", FRAG)
    assert curves is not None and curves.medians == (0.13, 0.17, 0.26, 0.37)
    # By hand: ln(0.22434/0.13)/0.64 = 0.8525 -> Phi 0.8030; ln(0.22434/0.17)/0.64 = 0.4334 -> 0.6676;
    #          ln(0.22434/0.26)/0.64 = -0.2305 -> 0.4089; ln(0.22434/0.37)/0.64 = -0.7818 -> 0.2172.
    probs = fragility.damage_state_probabilities(pga, curves.medians, curves.betas)
    assert probs["slight"] == pytest.approx(0.8030 - 0.6676, abs=5e-4)
    assert probs["moderate"] == pytest.approx(0.6676 - 0.4089, abs=5e-4)
    assert probs["extensive"] == pytest.approx(0.4089 - 0.2172, abs=5e-4)
    assert probs["complete"] == pytest.approx(0.2172, abs=5e-4)
    # 100 occupants: 100 x (0.1917 x 0.9 + 0.2172 x 1.0) = 38.97
    eoa = fragility.expected_occupants_affected(100, probs, FRAG["occupants_affected"])
    assert eoa == pytest.approx(100 * (0.1917 * 0.9 + 0.2172), abs=0.1)
    assert fragility.expected_occupants_affected(None, probs, FRAG["occupants_affected"]) is None


def test_state_probabilities_never_negative_when_curves_cross() -> None:
    probs = fragility.damage_state_probabilities(0.3, [0.2, 0.25, 0.4, 0.5], [0.3, 0.9, 0.2, 0.9])
    assert all(p >= 0 for p in probs.values())
    assert sum(probs.values()) <= 1.0 + 1e-12


def test_scenario_pga_uses_the_zone_design_pga_first() -> None:
    assert fragility.scenario_pga_g(7, 0.15, FRAG) == pytest.approx(310 / 980.665)
    assert fragility.scenario_pga_g(8, None, FRAG) == pytest.approx(400 / 980.665)
    assert fragility.scenario_pga_g(5, None, FRAG) is None
    assert fragility.scenario_pga_g(None, None, FRAG) is None


@pytest.mark.parametrize(
    ("structure", "floors", "expected"),
    [
        ("unreinforced_masonry", 2, "URML"),
        ("unreinforced_masonry", 3, "URMM"),
        ("prefab_hollow_core_slab", 5, "PC2M"),
        ("brick_concrete", 3, "RM2L"),
        ("rc_frame", 8, "C1H"),
        ("rc_shear_wall", 18, "C2H"),
        ("steel", 1, "S1L"),
        ("timber", 2, "W1"),
        (None, 5, None),
        ("bamboo", 5, None),
    ],
)
def test_hazus_type_mapping(structure: str | None, floors: int, expected: str | None) -> None:
    assert fragility.hazus_building_type(structure, floors, FRAG) == expected


def test_code_levels_and_urm_fallback() -> None:
    assert fragility.code_level(7, 1995, False, FRAG) == "moderate_code"
    assert fragility.code_level(6, 1995, False, FRAG) == "low_code"
    assert fragility.code_level(8, 2010, False, FRAG) == "high_code"
    assert fragility.code_level(0, 2010, False, FRAG) == "pre_code"
    assert fragility.code_level(7, 1975, False, FRAG) == "pre_code"  # before TJ 11-78
    assert fragility.code_level(7, 1975, True, FRAG) == "moderate_code"  # retrofitted
    assert fragility.code_level(None, 2010, False, FRAG) == "pre_code"  # unknown: weakest, flagged
    urm = fragility.curves_for("URMM", "moderate_code", FRAG)
    assert (
        urm is not None and urm.code_level == "low_code" and urm.medians == (0.10, 0.16, 0.27, 0.46)
    )


def test_every_curve_has_increasing_medians() -> None:
    for level, table in FRAG["curves"].items():
        for htype, medians in table.items():
            assert len(medians) == 4 and list(medians) == sorted(medians), (level, htype)
