"""A tiny city for the register and ledger: inputs built by hand for four dates.

Pipes, buildings and hazardous facilities change from date to date so that every change class,
an override, a false alarm and each ledger transition shows up.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.register import run_hazard_ledger, run_register
from pipelines.settings import Paths, get_paths

D1 = date(2025, 6, 1)
DATES = [D1 + timedelta(days=i) for i in range(4)]

# Fallback DDL when another stage's schema file is absent (rows go in BY NAME either way).
FALLBACK_DDL = """
CREATE TABLE IF NOT EXISTS marts.pipe_risk (as_of_date DATE, segment_id VARCHAR, network VARCHAR, material VARCHAR,
    diameter_mm DOUBLE, likelihood_per_km_year DOUBLE, consequence_score DOUBLE, risk_level VARCHAR, drivers VARCHAR,
    responsible_unit_id VARCHAR, district_id VARCHAR, geometry GEOMETRY);
CREATE TABLE IF NOT EXISTS marts.building_risk (as_of_date DATE, building_id VARCHAR, name VARCHAR, likelihood INTEGER,
    consequence INTEGER, risk_score INTEGER, risk_level VARCHAR, latest_grade VARCHAR, latest_inspected_at TIMESTAMPTZ,
    drivers VARCHAR, responsible_unit_id VARCHAR, district_id VARCHAR, lon DOUBLE, lat DOUBLE);
CREATE TABLE IF NOT EXISTS marts.lifeline_alarms (episode_id VARCHAR, sensor_id VARCHAR, asset_id VARCHAR,
    domain VARCHAR, measure VARCHAR, channel VARCHAR, grade VARCHAR, base_grade VARCHAR, opened_at TIMESTAMPTZ,
    confirmed_at TIMESTAMPTZ, closed_at TIMESTAMPTZ, status VARCHAR, district_id VARCHAR, lon DOUBLE, lat DOUBLE,
    reason VARCHAR, compound_reason VARCHAR);
CREATE TABLE IF NOT EXISTS staging.hazardous_facilities (facility_id VARCHAR, name VARCHAR, kind VARCHAR,
    district_id VARCHAR, lon DOUBLE, lat DOUBLE, substance VARCHAR, stored_tonnes DOUBLE, threshold_tonnes DOUBLE,
    responsible_unit_id VARCHAR);
CREATE TABLE IF NOT EXISTS staging.officer_decisions (decision_id VARCHAR, kind VARCHAR, target_id VARCHAR,
    decided_at TIMESTAMPTZ, officer VARCHAR, reason VARCHAR, new_level VARCHAR);
CREATE TABLE IF NOT EXISTS staging.responsible_units (unit_id VARCHAR, name_zh VARCHAR, domain VARCHAR,
    district_id VARCHAR, contact VARCHAR);
CREATE TABLE IF NOT EXISTS staging.districts (district_id VARCHAR, name_zh VARCHAR, name_en VARCHAR);
CREATE TABLE IF NOT EXISTS staging.hazard_reports (report_id VARCHAR, reported_at TIMESTAMPTZ, domain VARCHAR,
    source_id VARCHAR, district_id VARCHAR, lon DOUBLE, lat DOUBLE, severity VARCHAR, description VARCHAR,
    reporter VARCHAR);
CREATE TABLE IF NOT EXISTS staging.hazard_updates (update_id VARCHAR, hazard_id VARCHAR, updated_at TIMESTAMPTZ,
    status VARCHAR, actor VARCHAR, responsible_unit_id VARCHAR, note VARCHAR);
"""

# Pipes per date: segment -> (network, breaks/km/yr, consequence points). Absent = not assessed.
#   P1: red, red, orange (de-escalated), orange
#   P2: yellow, orange (escalated), orange, orange
#   P3: blue (not in register), yellow (new), yellow, yellow
#   P4: yellow, yellow, blue (resolved on D3), blue
PIPES: dict[str, dict[str, tuple[str, float, float]]] = {
    "P1": dict.fromkeys(DATES[:2], ("gas", 1.2, 85.0))
    | dict.fromkeys(DATES[2:], ("gas", 0.2, 85.0)),
    "P2": {DATES[0]: ("water", 0.2, 50.0)} | dict.fromkeys(DATES[1:], ("water", 0.5, 70.0)),
    "P3": {DATES[0]: ("drainage", 0.01, 10.0)} | dict.fromkeys(DATES[1:], ("drainage", 0.2, 50.0)),
    "P4": dict.fromkeys(DATES[:2], ("heating", 0.2, 50.0))
    | dict.fromkeys(DATES[2:], ("heating", 0.01, 10.0)),
}
# Buildings per date: id -> (L, C, building model level, latest grade). B1 is demolished after D2.
BUILDINGS: dict[str, dict[date, tuple[int, int, str, str | None]]] = {
    "B1": dict.fromkeys(DATES[:2], (4, 4, "orange", "C")),
    "B2": dict.fromkeys(DATES, (2, 2, "orange", "D")),
    "B3": dict.fromkeys(DATES, (1, 1, "blue", "A")),
}
FACILITIES = [
    # id, kind, stored t, threshold t  -> F1 q = 3 (C4) x lpg L4 = orange; F2 q = 0.004 (C1) x L2 = blue
    ("F1", "lpg_station", 150.0, 50.0),
    ("F2", "gas_station", 10.0, 2500.0),
]
ALARMS = [
    # episode, sensor, asset, domain, grade, opened_at, closed_at
    ("E1", "S1", "A1", "gas", "I", "2025-06-01 10:00:00+08", None),
    ("E2", "S2", None, "water", "II", "2025-06-01 08:00:00+08", "2025-06-01 12:00:00+08"),
    ("E3", "S3", "A3", "drainage", "I", "2025-06-02 09:00:00+08", None),
]
DECISIONS = [
    (
        "OD1",
        "level_override",
        "F2",
        "2025-06-02 11:00:00+08",
        "科长周某",
        "构成重大危险源，提级管控",
        "red",
    ),
    (
        "OD2",
        "level_override",
        "NOPE",
        "2025-06-01 11:00:00+08",
        "科长周某",
        "不存在的风险源",
        "orange",
    ),
    ("OD3", "alarm_ack", "E1", "2025-06-01 10:40:00+08", "值班员赵某", "已通知燃气抢修", None),
    (
        "OD4",
        "false_alarm",
        "ALM-S3-202506020855",
        "2025-06-02 09:40:00+08",
        "值班员孙某",
        "污水井沼气，非燃气泄漏",
        None,
    ),
    ("OD5", "level_override", "F2", "2025-06-01 09:00:00+08", "科员李某", "先按黄色管控", "yellow"),
]
REPORTS = [
    # report, reported_at, domain, source_id, severity
    ("R1", "2025-06-01 09:00:00+08", "gas", "P9", "general"),
    ("R2", "2025-04-01 09:00:00+08", "building", "B3", "major"),
    ("R3", "2025-06-01 08:00:00+08", "water", "P8", "general"),
]
UPDATES = [
    # update, hazard, updated_at, status
    ("U01", "HZ-R1", "2025-06-01 10:00:00+08", "assigned"),
    ("U02", "HZ-R1", "2025-06-01 12:00:00+08", "rectifying"),
    ("U03", "HZ-R1", "2025-06-01 14:00:00+08", "closed"),  # invalid: not verified
    ("U04", "HZ-R1", "2025-06-02 09:00:00+08", "rectified"),
    ("U05", "HZ-R1", "2025-06-02 10:00:00+08", "verified"),
    ("U06", "HZ-R1", "2025-06-02 11:00:00+08", "closed"),
    ("U07", "HZ-NOPE", "2025-06-01 09:30:00+08", "assigned"),  # invalid: unknown hazard
    ("U08", "HZ-R2", "2025-06-01 09:30:00+08", "rectified"),  # invalid: skips assigned, rectifying
    ("U09", "HZ-R3", "2025-06-01 09:00:00+08", "assigned"),
    ("U10", "HZ-R3", "2025-06-01 10:00:00+08", "rectifying"),
    ("U11", "HZ-R3", "2025-06-01 11:00:00+08", "rectified"),
    ("U12", "HZ-R3", "2025-06-01 12:00:00+08", "assigned"),  # invalid: backwards
    (
        "U13",
        "HZ-P1",
        "2025-06-01 15:00:00+08",
        "assigned",
    ),  # invalid: P1 registered at the end of D1
    ("U14", "HZ-P1", "2025-06-02 09:00:00+08", "assigned"),
]


def build_inputs(
    paths: Paths, pipes: dict[str, dict[date, tuple[str, float, float]]] | None = None
) -> None:
    """Write the tiny city into a fresh warehouse (replacing any earlier inputs)."""
    pipes = PIPES if pipes is None else pipes
    with warehouse.writer(paths) as con:
        for stmt in warehouse.split_statements(FALLBACK_DDL):
            con.execute(stmt)
        for t in (
            "marts.pipe_risk",
            "marts.building_risk",
            "marts.lifeline_alarms",
            "staging.hazardous_facilities",
            "staging.officer_decisions",
            "staging.responsible_units",
            "staging.districts",
            "staging.hazard_reports",
            "staging.hazard_updates",
        ):
            con.execute(f"DELETE FROM {t}")
        for seg, by_date in pipes.items():
            for day, (net, lkm, cs) in by_date.items():
                con.execute(
                    "INSERT INTO marts.pipe_risk BY NAME SELECT ? AS as_of_date, ? AS segment_id, ? AS network, "
                    "'CI' AS material, 300.0 AS diameter_mm, ? AS likelihood_per_km_year, ? AS consequence_score, "
                    "'blue' AS risk_level, '管段模型说明' AS drivers, 'U-' || ? AS responsible_unit_id, "
                    "'220102' AS district_id, ST_GeomFromText('LINESTRING(125.30 43.88, 125.31 43.88)') AS geometry",
                    [day, seg, net, lkm, cs, net],
                )
        for bid, by_date in BUILDINGS.items():
            for day, (lk, cq, lvl, grade) in by_date.items():
                con.execute(
                    "INSERT INTO marts.building_risk BY NAME SELECT ? AS as_of_date, ? AS building_id, "
                    "? || '号楼' AS name, ? AS likelihood, ? AS consequence, ? * ? AS risk_score, ? AS risk_level, "
                    "? AS latest_grade, TIMESTAMPTZ '2025-03-01 10:00:00+08' AS latest_inspected_at, "
                    "'房屋模型说明' AS drivers, 'U-building' AS responsible_unit_id, '220103' AS district_id, "
                    "125.4 AS lon, 43.9 AS lat",
                    [day, bid, bid, lk, cq, lk, cq, lvl, grade],
                )
        for fid, kind, stored, thr in FACILITIES:
            con.execute(
                "INSERT INTO staging.hazardous_facilities BY NAME SELECT ? AS facility_id, ? || '站' AS name, "
                "? AS kind, '220102' AS district_id, 125.3 AS lon, 43.8 AS lat, '液化石油气' AS substance, "
                "? AS stored_tonnes, ? AS threshold_tonnes, 'U-hz' AS responsible_unit_id",
                [fid, fid, kind, stored, thr],
            )
        for ep, sensor, asset, dom, grade, opened, closed in ALARMS:
            con.execute(
                "INSERT INTO marts.lifeline_alarms BY NAME SELECT ? AS episode_id, ? AS sensor_id, ? AS asset_id, "
                "? AS domain, 'methane_lel' AS measure, 'ch' AS channel, ? AS grade, ? AS base_grade, "
                "?::TIMESTAMPTZ AS opened_at, ?::TIMESTAMPTZ AS confirmed_at, ?::TIMESTAMPTZ AS closed_at, "
                "CASE WHEN ? IS NULL THEN 'open' ELSE 'closed' END AS status, '220104' AS district_id, "
                "125.2 AS lon, 43.85 AS lat, '甲烷超限' AS reason",
                [ep, sensor, asset, dom, grade, grade, opened, opened, closed, closed],
            )
        con.executemany(
            "INSERT INTO staging.officer_decisions BY NAME SELECT ? AS decision_id, ? AS kind, ? AS target_id, "
            "?::TIMESTAMPTZ AS decided_at, ? AS officer, ? AS reason, ? AS new_level",
            [list(d) for d in DECISIONS],
        )
        con.executemany(
            "INSERT INTO staging.responsible_units BY NAME SELECT ? AS unit_id, ? AS name_zh, ? AS domain, "
            "NULL AS district_id",
            [
                ["U-gas", "长春燃气", "gas"],
                ["U-hz", "危化企业", "hazardous_facility"],
                ["U-water", "供水集团", "water"],
            ],
        )
        con.execute(
            "INSERT INTO staging.districts BY NAME SELECT * FROM (VALUES ('220102', '南关区'), ('220103', '宽城区'))"
            " AS t(district_id, name_zh)"
        )
        con.executemany(
            "INSERT INTO staging.hazard_reports BY NAME SELECT ? AS report_id, ?::TIMESTAMPTZ AS reported_at, "
            "? AS domain, ? AS source_id, '220102' AS district_id, ? AS severity, '现场发现' || ? AS description, "
            "'网格员王某' AS reporter",
            [[r, at, dom, src, sev, r] for r, at, dom, src, sev in REPORTS],
        )
        con.executemany(
            "INSERT INTO staging.hazard_updates BY NAME SELECT ? AS update_id, ? AS hazard_id, "
            "?::TIMESTAMPTZ AS updated_at, ? AS status, '整改单位' AS actor, "
            "CASE WHEN ? = 'assigned' THEN 'U-gas' END AS responsible_unit_id, '进度' AS note",
            [[u, h, at, s, s] for u, h, at, s in UPDATES],
        )


def ctx_for(paths: Paths, day: date) -> RunContext:
    return RunContext.for_local_day(day, run_id=f"test__{day.isoformat()}", paths=paths)


def run_day(paths: Paths, day: date) -> tuple[dict[str, Any], dict[str, Any]]:
    ctx = ctx_for(paths, day)
    return run_register(ctx), run_hazard_ledger(ctx)


def query(paths: Paths, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = warehouse.connect(paths.warehouse, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A warehouse holding only the inputs, built once; tests copy it (a writer open costs seconds)."""
    paths = get_paths(data_dir=tmp_path_factory.mktemp("register_template")).ensure()
    build_inputs(paths)
    return paths


def copy_of(template: Paths, data_dir: Path) -> Paths:
    """A fresh data directory whose warehouse is a copy of ``template``'s."""
    paths = get_paths(data_dir=data_dir).ensure()
    shutil.copyfile(template.warehouse, paths.warehouse)
    return paths


@pytest.fixture
def fresh(template: Paths, tmp_path: Path) -> Paths:
    """A private copy of the input warehouse for a test that changes history."""
    return copy_of(template, tmp_path / "data")


@pytest.fixture(scope="session")
def city(
    template: Paths, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Paths, dict[date, tuple[dict, dict]]]:
    """The tiny city run for D1, D2 and D3 in order (shared: tests only re-run, which changes nothing)."""
    paths = copy_of(template, tmp_path_factory.mktemp("register"))
    results = {day: run_day(paths, day) for day in DATES[:3]}
    return paths, results
