"""Rules of the building score: matrix, grade floors, member ratio, flags, likelihood, consequence."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.buildings import scoring
from pipelines.settings import load_config

CFG = load_config("building_risk")
FRAG = load_config("building_fragility")
AS_OF = date(2025, 6, 30)


def test_matrix_is_five_by_five_with_known_levels() -> None:
    matrix = CFG["risk"]["matrix"]
    assert len(matrix) == 5 and all(len(row) == 5 for row in matrix)
    assert {cell for row in matrix for cell in row} <= {"red", "orange", "yellow", "blue"}


@pytest.mark.parametrize(
    ("lk", "cq", "expected"),
    [
        (5, 5, "red"),
        (4, 5, "red"),
        (5, 4, "red"),
        (4, 4, "orange"),
        (5, 3, "orange"),
        (3, 5, "orange"),
        (3, 3, "yellow"),
        (2, 5, "yellow"),
        (5, 2, "yellow"),
        (1, 5, "blue"),
        (2, 4, "blue"),
        (1, 1, "blue"),
    ],
)
def test_matrix_level(lk: int, cq: int, expected: str) -> None:
    assert scoring.matrix_level(lk, cq, CFG) == expected


def test_matrix_rejects_out_of_range_scores() -> None:
    with pytest.raises(ValueError):
        scoring.matrix_level(0, 3, CFG)


def test_dangerous_grades_raise_the_level_to_their_floor() -> None:
    assert scoring.risk_level(5, 1, "D", CFG) == "orange"  # matrix says blue
    assert scoring.risk_level(4, 1, "C", CFG) == "yellow"
    assert scoring.risk_level(5, 5, "D", CFG) == "red"  # floor never lowers
    assert scoring.risk_level(5, 1, "A", CFG) == "blue"


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [(None, None), (0.0, "A"), (0.01, "B"), (0.0499, "B"), (0.05, "C"), (0.2499, "C"), (0.25, "D")],
)
def test_member_ratio_grade_bands(ratio: float | None, grade: str | None) -> None:
    assert scoring.member_ratio_grade(ratio, CFG) == grade


def _row(**over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "building_id": "X",
        "structure_type": "rc_frame",
        "year_built": 2000,
        "floors": 6,
        "height_m": 18.0,
        "use": "residential",
        "occupancy": 50,
        "fortification_intensity": 7,
        "site_intensity": 7,
        "zone_pga_g": 0.10,
        "max_span_m": 6.0,
        "glass_curtain_wall": False,
        "latest_grade": "A",
        "latest_inspected_on": date(2024, 1, 1),
        "member_ratio": None,
        "contradiction": None,
    }
    row.update(over)
    return row


def test_impossible_and_missing_years_are_flagged_not_used() -> None:
    assert "year_impossible (1799)" in scoring.data_flags(_row(year_built=1799), AS_OF, CFG)
    assert "year_impossible (2026)" in scoring.data_flags(_row(year_built=2026), AS_OF, CFG)
    assert scoring.data_flags(_row(year_built=1800), AS_OF, CFG) == []
    assert scoring.data_flags(_row(year_built=2025), AS_OF, CFG) == []
    assert "year_missing" in scoring.data_flags(_row(year_built=None), AS_OF, CFG)
    # An impossible year gives no age-based points (no guessing of the real year).
    lk_bad, drivers = scoring.likelihood(
        _row(structure_type="unreinforced_masonry", year_built=1750), AS_OF, CFG
    )
    assert lk_bad == 1 and not any("years old" in d for d in drivers)


def test_other_flags() -> None:
    flags = scoring.data_flags(
        _row(
            structure_type=None,
            fortification_intensity=None,
            site_intensity=None,
            latest_grade="B",
            member_ratio=0.3,
        ),
        AS_OF,
        CFG,
    )
    assert "structure_type_missing" in flags
    assert "fortification_missing" in flags
    assert "site_intensity_unknown" in flags
    assert any(f.startswith("grade_vs_member_ratio (reported B, members D") for f in flags)


def test_likelihood_adds_vulnerability_points_and_caps_at_five() -> None:
    # Grade A (1) + URM before 2000 (2) + 60 years old (1) + fortification 0 < VII (2, capped) = 6 -> 5
    lk, drivers = scoring.likelihood(
        _row(structure_type="unreinforced_masonry", year_built=1965, fortification_intensity=0),
        AS_OF,
        CFG,
    )
    assert lk == 5
    assert any("unreinforced masonry 1965" in d for d in drivers)
    assert any("fortification 0 < site VII" in d for d in drivers)


def test_prefab_governance_waives_the_prefab_points() -> None:
    base = _row(structure_type="prefab_hollow_core_slab", year_built=1985, latest_grade="B")
    lk_open, _ = scoring.likelihood(base, AS_OF, CFG)
    lk_done, drivers = scoring.likelihood(
        {**base, "last_prefab_governance_at": date(2021, 9, 1)}, AS_OF, CFG
    )
    assert (lk_open, lk_done) == (4, 2)
    assert any("governance 2021" in d for d in drivers)


def test_overdue_inspection_and_tall_span_glass_points() -> None:
    lk_overdue, drivers = scoring.likelihood(
        _row(latest_grade="C", latest_inspected_on=date(2024, 5, 1)), AS_OF, CFG
    )
    assert lk_overdue == 5 and any("inspection overdue" in d for d in drivers)
    lk_recent, _ = scoring.likelihood(
        _row(latest_grade="C", latest_inspected_on=date(2025, 5, 1)), AS_OF, CFG
    )
    assert lk_recent == 4
    lk_tall, drivers = scoring.likelihood(
        _row(height_m=101.0, max_span_m=36.0, glass_curtain_wall=True, year_built=2010), AS_OF, CFG
    )
    assert lk_tall == 4
    text = "; ".join(drivers)
    assert (
        "super-tall 101 m" in text
        and "large span 36 m" in text
        and "glass curtain wall (15 y)" in text
    )
    assert scoring.likelihood(_row(height_m=100.0), AS_OF, CFG)[0] == 1  # "over 100 m" is strict


def test_consequence_from_use_occupancy_and_height() -> None:
    assert scoring.consequence(_row(use="school", occupancy=620, height_m=16.0), CFG)[0] == 5
    assert scoring.consequence(_row(use="residential", occupancy=50, height_m=18.0), CFG)[0] == 1
    assert scoring.consequence(_row(use="residential", occupancy=400, height_m=54.0), CFG)[0] == 3
    assert (
        scoring.consequence(_row(use="residential", occupancy=50, height_m=27.0), CFG)[0] == 1
    )  # not over 27 m
    assert (
        scoring.consequence(_row(use="office", occupancy=50, height_m=None, floors=10), CFG)[0] == 2
    )
    _, drivers = scoring.consequence(_row(use="school", occupancy=620), CFG)
    assert drivers[0] == "学校，620人 / school, 620 occupants"


def test_score_building_example_from_the_issue() -> None:
    row = _row(
        structure_type="prefab_hollow_core_slab",
        year_built=1978,
        floors=5,
        height_m=16.0,
        use="school",
        occupancy=620,
        fortification_intensity=6,
        latest_grade="D",
        latest_inspected_on=date(2025, 3, 1),
    )
    out = scoring.score_building(row, AS_OF, CFG, FRAG)
    assert (out["likelihood"], out["consequence"], out["risk_score"], out["risk_level"]) == (
        5,
        5,
        25,
        "red",
    )
    for part in (
        "D级整幢危房",
        "grade D",
        "prefab hollow-core slab 1978",
        "fortification 6 < site VII",
        "school, 620 occupants",
    ):
        assert part in out["drivers"]
    assert out["hazus_type"] == "PC2M" and out["code_level"] == "pre_code"
    assert out["p_complete"] == pytest.approx(
        scoring.fragility.exceedance(220 / 980.665, 0.42, 0.64)
    )
    assert out["data_flags"] is None
