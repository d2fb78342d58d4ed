"""run_pipe_risk on a tiny hand-made staging set: spatial consequence, drivers, idempotency."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.pipes import run_pipe_risk
from pipelines.settings import get_paths

TO_M = "ST_Transform({g}, 'EPSG:4326', 'EPSG:4551', always_xy := true)"
# (segment_id, network, material, diameter, year, length, pressure, road, wkt)
SEGMENTS = [
    (
        "G1",
        "gas",
        "STEEL",
        300.0,
        1968,
        400.0,
        "medium_a",
        True,
        "LINESTRING (125.3000 43.8800, 125.3050 43.8800)",
    ),
    (
        "W1",
        "water",
        "CI",
        500.0,
        1965,
        400.0,
        None,
        False,
        "LINESTRING (125.3000 43.88005, 125.3050 43.88005)",
    ),
    (
        "W2",
        "water",
        "PVC",
        150.0,
        2005,
        300.0,
        None,
        False,
        "LINESTRING (125.3500 43.9000, 125.3540 43.9000)",
    ),
    (
        "D1",
        "drainage",
        "CONCRETE",
        800.0,
        1980,
        500.0,
        "gravity",
        False,
        "LINESTRING (125.4000 43.9500, 125.4060 43.9500)",
    ),
]
BREAKS = [
    ("B1", "W1", "2021-01-10"),
    ("B2", "W1", "2022-12-03"),
    ("B3", "W1", "2023-02-11"),
    ("B4", "W2", "2019-07-01"),
]


def _seed(paths) -> None:
    with warehouse.writer(paths) as con:
        for sid, net, mat, dia, yr, length, pc, road, wkt in SEGMENTS:
            con.execute(
                f"""INSERT INTO staging.pipe_segments (segment_id, network, material, diameter_mm,
                    install_year, length_m, pressure_class, under_major_road, district_id, status,
                    geometry, geom_m)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, '220102', 'active', ST_GeomFromText(?),
                            {TO_M.format(g="ST_GeomFromText(?)")})""",
                [sid, net, mat, dia, yr, length, pc, road, wkt, wkt],
            )
        for bid, sid, day in BREAKS:
            con.execute(
                "INSERT INTO staging.pipe_breaks VALUES (?, ?, CAST(? AS TIMESTAMPTZ), 'break', NULL)",
                [bid, sid, f"{day} 08:00:00+08:00"],
            )
        # a school 40 m north of G1/W1, a high-rise estate next to W2
        for bid, use, occ, lon, lat in [
            ("S1", "school", 900, 125.3020, 43.88040),
            ("R1", "residential", 1500, 125.3520, 43.9003),
        ]:
            con.execute(
                f"""INSERT INTO staging.buildings (building_id, district_id, lon, lat, use, occupancy,
                    geometry, geom_m) VALUES (?, '220102', ?, ?, ?, ?, ST_Point(?, ?),
                    {TO_M.format(g="ST_Point(?, ?)")})""",
                [bid, lon, lat, use, occ, lon, lat, lon, lat],
            )
        zone = "POLYGON ((125.29 43.87, 125.36 43.87, 125.36 43.91, 125.29 43.91, 125.29 43.87))"
        con.execute(
            f"""INSERT INTO staging.seismic_zones VALUES ('Z1', '220102', 7, 0.10, 'very_high',
                ST_GeomFromText(?), {TO_M.format(g="ST_GeomFromText(?)")})""",
            [zone, zone],
        )


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    """Seeded warehouse, assessed once for 2023-01-15 (opening a writer costs seconds)."""
    paths = get_paths(data_dir=tmp_path_factory.mktemp("pipes"))
    _seed(paths)
    ctx = RunContext.for_local_day(date(2023, 1, 15), paths=paths)
    return paths, ctx, run_pipe_risk(ctx)


def _snapshot(paths, table: str) -> list[tuple]:
    con = warehouse.connect(paths.warehouse, read_only=True)
    try:
        cols = "* EXCLUDE (geometry)" if table == "marts.pipe_risk" else "*"
        return con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_run_pipe_risk_scores_explains_and_is_idempotent(assessed) -> None:
    seeded, ctx, first = assessed
    assert first["segments"] == 4
    risk_1, plan_1 = (
        _snapshot(seeded, "marts.pipe_risk"),
        _snapshot(seeded, "marts.pipe_replacement_plan"),
    )
    second = run_pipe_risk(ctx)
    assert second == first
    assert _snapshot(seeded, "marts.pipe_risk") == risk_1
    assert _snapshot(seeded, "marts.pipe_replacement_plan") == plan_1

    con = warehouse.connect(seeded.warehouse, read_only=True)
    rows = (
        con.execute(
            """SELECT segment_id, drivers, risk_level, consequence_score, prior_breaks, is_ductile,
                  seismic_zone_id, pgv_cm_s, p_liquefaction, pgd_in, seismic_repair_rate_per_km,
                  p_failure_scenario, replacement_rank, ST_GeometryType(geometry)
           FROM marts.pipe_risk WHERE as_of_date = DATE '2023-01-15'"""
        )
        .df()
        .set_index("segment_id")
    )
    con.close()
    g1, w1, d1 = rows.loc["G1"], rows.loc["W1"], rows.loc["D1"]
    assert "gas medium_a 300 mm" in g1["drivers"] and "1 school within 100 m" in g1["drivers"]
    assert "under a major road" in g1["drivers"] and "water lines within 10 m" in g1["drivers"]
    # the 2023-02-11 break is after the assessed day: only two breaks are known
    assert w1["prior_breaks"] == 2 and "cast iron laid 1965, 2 breaks in 5 years" in w1["drivers"]
    assert rows["drivers"].str.len().gt(40).all()
    assert g1["consequence_score"] > rows.loc["D1", "consequence_score"]
    assert set(rows["risk_level"]) <= {"red", "orange", "yellow", "blue"}
    # zone join: G1, W1, W2 lie in the very-high-susceptibility zone, D1 outside (default VII)
    assert g1["seismic_zone_id"] == "Z1" and pd.isna(d1["seismic_zone_id"])
    assert (
        g1["pgv_cm_s"] == pytest.approx(13.0)
        and g1["p_liquefaction"] > 0
        and d1["p_liquefaction"] == 0
    )
    brittle_rr = 0.0001 * 13.0**2.25 + g1["p_liquefaction"] * g1["pgd_in"] ** 0.56
    assert w1["seismic_repair_rate_per_km"] == pytest.approx(brittle_rr)
    assert bool(g1["is_ductile"]) and g1["seismic_repair_rate_per_km"] == pytest.approx(
        0.3 * brittle_rr
    )
    assert sorted(rows["replacement_rank"]) == [1, 2, 3, 4]
    assert (rows.iloc[:, -1] == "LINESTRING").all()


def test_replacement_plan_is_cut_by_budget(assessed) -> None:
    seeded = assessed[0]
    con = warehouse.connect(seeded.warehouse, read_only=True)
    plan = con.execute("SELECT * FROM marts.pipe_replacement_plan ORDER BY network, priority").df()
    risk = con.execute("SELECT segment_id, risk_level FROM marts.pipe_risk").df()
    con.close()
    eligible = set(risk.loc[risk["risk_level"] != "blue", "segment_id"])
    assert not plan.empty and set(plan["segment_id"]) <= eligible
    assert plan["drivers"].str.len().gt(40).all()
    for _, group in plan.groupby("network"):
        assert list(group["priority"]) == list(range(1, len(group) + 1))
        assert group["cumulative_cost_cny"].iloc[-1] == pytest.approx(group["cost_cny"].sum())
        assert (group["cost_cny"] == group["unit_cost_cny_per_m"] * group["length_m"]).all()
        assert (group["plan_year"] >= 2024).all()
