"""A small synthetic building set in a temporary warehouse (staging tables built by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.settings import Paths, get_paths

AS_OF = date(2025, 6, 30)

STAGING_DDL = """
CREATE SCHEMA IF NOT EXISTS staging;
CREATE TABLE IF NOT EXISTS staging.districts (district_id VARCHAR, name_zh VARCHAR, name_en VARCHAR, population BIGINT,
    area_km2 DOUBLE, geometry GEOMETRY, geom_m GEOMETRY);
CREATE TABLE IF NOT EXISTS staging.seismic_zones (zone_id VARCHAR, district_id VARCHAR, site_intensity INTEGER, pga_g DOUBLE,
    liquefaction_susceptibility VARCHAR, geometry GEOMETRY, geom_m GEOMETRY);
CREATE TABLE IF NOT EXISTS staging.buildings (building_id VARCHAR, name VARCHAR, address VARCHAR, district_id VARCHAR,
    lon DOUBLE, lat DOUBLE, structure_type VARCHAR, year_built INTEGER, floors INTEGER, height_m DOUBLE,
    use VARCHAR, occupancy INTEGER, fortification_intensity INTEGER, max_span_m DOUBLE,
    glass_curtain_wall BOOLEAN, responsible_unit_id VARCHAR, geometry GEOMETRY, geom_m GEOMETRY);
CREATE TABLE IF NOT EXISTS staging.building_inspections (inspection_id VARCHAR, building_id VARCHAR, inspected_at TIMESTAMPTZ,
    grade VARCHAR, dangerous_members INTEGER, total_members INTEGER, inspector VARCHAR, valid BOOLEAN);
CREATE TABLE IF NOT EXISTS staging.building_retrofits (retrofit_id VARCHAR, building_id VARCHAR, completed_at TIMESTAMPTZ,
    kind VARCHAR, new_fortification_intensity INTEGER);
"""

TO_M = "ST_Transform({g}, 'EPSG:4326', 'EPSG:4551', always_xy := true)"

# zone_id, district, intensity, pga_g, WKT (lon/lat)
ZONES = [
    (
        "Z1",
        "220102",
        7,
        0.10,
        "POLYGON((125.20 43.80, 125.40 43.80, 125.40 43.95, 125.20 43.95, 125.20 43.80))",
    ),
    (
        "Z2",
        "220103",
        8,
        0.20,
        "POLYGON((125.40 43.80, 125.60 43.80, 125.60 43.95, 125.40 43.95, 125.40 43.80))",
    ),
]

# building_id, name, district, lon, lat, structure, year, floors, height, use, occupancy, fortification,
# span, glass, unit
BUILDINGS = [
    (
        "B01",
        "红旗小学",
        "220102",
        125.30,
        43.88,
        "prefab_hollow_core_slab",
        1978,
        5,
        16.0,
        "school",
        620,
        6,
        9.0,
        False,
        "U1",
    ),
    (
        "B02",
        "新城花园1号楼",
        "220102",
        125.31,
        43.88,
        "rc_shear_wall",
        2010,
        18,
        54.0,
        "residential",
        400,
        7,
        6.0,
        False,
        "U1",
    ),
    (
        "B03",
        "东风里3号楼",
        "220102",
        125.32,
        43.88,
        "brick_concrete",
        1995,
        6,
        18.0,
        "residential",
        120,
        7,
        4.0,
        False,
        "U1",
    ),
    (
        "B04",
        "矛盾楼",
        "220102",
        125.33,
        43.88,
        "rc_frame",
        1998,
        6,
        20.0,
        "office",
        80,
        7,
        8.0,
        False,
        "U1",
    ),
    (
        "B05",
        "已修缮楼",
        "220102",
        125.34,
        43.88,
        "rc_frame",
        1998,
        6,
        20.0,
        "office",
        80,
        7,
        8.0,
        False,
        "U1",
    ),
    (
        "B06",
        "结构不明楼",
        "220102",
        125.35,
        43.88,
        None,
        1990,
        4,
        12.0,
        "group_rental",
        45,
        7,
        5.0,
        False,
        "U1",
    ),
    (
        "B07",
        "古年份楼",
        "220102",
        125.36,
        43.88,
        "rc_frame",
        1750,
        3,
        10.0,
        "commercial",
        30,
        7,
        6.0,
        False,
        "U1",
    ),
    (
        "B08",
        "未来年份楼",
        "220102",
        125.37,
        43.88,
        "rc_frame",
        2030,
        3,
        10.0,
        "commercial",
        30,
        7,
        6.0,
        False,
        "U1",
    ),
    (
        "B09",
        "构件比楼",
        "220102",
        125.38,
        43.88,
        "brick_concrete",
        1992,
        5,
        15.0,
        "residential",
        90,
        7,
        4.0,
        False,
        "U1",
    ),
    (
        "B10",
        "老砖房",
        "220102",
        125.39,
        43.87,
        "unreinforced_masonry",
        1965,
        2,
        6.0,
        "residential",
        60,
        0,
        4.0,
        False,
        "U1",
    ),
    (
        "B11",
        "已加固砖混",
        "220102",
        125.39,
        43.86,
        "brick_concrete",
        1985,
        5,
        15.0,
        "elderly_care",
        150,
        6,
        6.0,
        False,
        "U1",
    ),
    (
        "B12",
        "已拆除楼",
        "220102",
        125.39,
        43.85,
        "unreinforced_masonry",
        1960,
        2,
        6.0,
        "residential",
        20,
        0,
        4.0,
        False,
        "U1",
    ),
    (
        "B13",
        "已治理预制板",
        "220102",
        125.39,
        43.84,
        "prefab_hollow_core_slab",
        1982,
        6,
        18.0,
        "residential",
        200,
        7,
        4.0,
        False,
        "U1",
    ),
    (
        "B14",
        "区外楼",
        "220103",
        125.70,
        43.88,
        "rc_frame",
        2005,
        6,
        20.0,
        "hospital",
        900,
        7,
        12.0,
        False,
        "U2",
    ),
    (
        "B15",
        "金融中心",
        "220103",
        125.50,
        43.88,
        "steel",
        2012,
        40,
        150.0,
        "office",
        3000,
        8,
        40.0,
        True,
        "U2",
    ),
]

# inspection_id, building_id, inspected_at, grade, dangerous, total, valid
INSPECTIONS = [
    ("I01", "B01", "2025-03-01 10:00:00+08", "D", None, None, True),
    ("I02", "B02", "2024-01-05 10:00:00+08", "A", 0, 50, True),
    ("I03a", "B03", "2020-01-01 10:00:00+08", "B", None, None, True),
    ("I03b", "B03", "2024-05-01 10:00:00+08", "C", None, None, True),
    ("I03c", "B03", "2025-01-01 10:00:00+08", "A", None, None, False),
    ("I03d", "B03", "2025-08-01 10:00:00+08", "D", None, None, True),
    ("I04a", "B04", "2019-01-01 10:00:00+08", "D", None, None, True),
    ("I04b", "B04", "2021-01-01 10:00:00+08", "A", None, None, True),
    ("I05a", "B05", "2019-01-01 10:00:00+08", "D", None, None, True),
    ("I05b", "B05", "2021-01-01 10:00:00+08", "A", None, None, True),
    ("I09", "B09", "2024-06-01 10:00:00+08", "B", 10, 40, True),
    ("I13", "B13", "2023-06-01 10:00:00+08", "B", None, None, True),
    ("I14", "B14", "2024-09-01 10:00:00+08", "C", None, None, True),
    ("I15", "B15", "2023-03-01 10:00:00+08", "A", None, None, True),
]

RETROFITS = [
    ("R05", "B05", "2020-01-01 10:00:00+08", "renovation", None),
    ("R11", "B11", "2022-05-01 10:00:00+08", "seismic_retrofit", 7),
    ("R12", "B12", "2023-05-01 10:00:00+08", "demolition", None),
    ("R13", "B13", "2021-09-01 10:00:00+08", "prefab_governance", None),
]


def build_synthetic_staging(paths: Paths) -> None:
    """Create the staging tables ingestion will produce, with the synthetic rows above."""
    # The writer applies sql/schemas (ingestion's staging DDL when present); the DDL here only
    # fills in when it is absent, and rows go in by column name so either layout works.
    with warehouse.writer(paths) as con:
        for stmt in warehouse.split_statements(STAGING_DDL):
            con.execute(stmt)
        for z in ZONES:
            con.execute(
                "INSERT INTO staging.seismic_zones (zone_id, district_id, site_intensity, pga_g, "
                "liquefaction_susceptibility, geometry, geom_m) VALUES (?, ?, ?, ?, 'low', ST_GeomFromText(?), "
                + TO_M.format(g="ST_GeomFromText(?)")
                + ")",
                [*z, z[4]],
            )
        for b in BUILDINGS:
            con.execute(
                "INSERT INTO staging.buildings (building_id, name, address, district_id, lon, lat, structure_type, "
                "year_built, floors, height_m, use, occupancy, fortification_intensity, max_span_m, "
                "glass_curtain_wall, responsible_unit_id, geometry, geom_m) "
                "VALUES (?, ?, '长春', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ST_Point(?, ?), "
                + TO_M.format(g="ST_Point(?, ?)")
                + ")",
                [*b, b[3], b[4], b[3], b[4]],
            )
        con.executemany(
            "INSERT INTO staging.building_inspections (inspection_id, building_id, inspected_at, grade, "
            "dangerous_members, total_members, inspector, valid) VALUES (?, ?, ?::TIMESTAMPTZ, ?, ?, ?, 'test', ?)",
            [list(r) for r in INSPECTIONS],
        )
        con.executemany(
            "INSERT INTO staging.building_retrofits (retrofit_id, building_id, completed_at, kind, "
            "new_fortification_intensity) VALUES (?, ?, ?::TIMESTAMPTZ, ?, ?)",
            [list(r) for r in RETROFITS],
        )


@pytest.fixture(scope="module")
def synthetic_ctx(tmp_path_factory: pytest.TempPathFactory) -> RunContext:
    """One synthetic warehouse per test module (opening a writer costs seconds on a busy machine)."""
    paths = get_paths(data_dir=tmp_path_factory.mktemp("buildings"))
    paths.ensure()
    build_synthetic_staging(paths)
    return RunContext.for_local_day(AS_OF, paths=paths)
