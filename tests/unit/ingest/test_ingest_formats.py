"""Parquet, JSON lines and GeoJSON readers; staging geometry."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ingest import build_staging, ingest_sources

from .conftest import write
from .helpers import manifest_balanced, quarantine, query


def test_parquet_with_wkt_geometry_and_row_numbers(ctx) -> None:
    n = 4
    table = pa.table(
        {
            "segment_id": ["P1", "P2", "P3", "P1"],
            "network": ["water", "gas", "water", "water"],
            "material": ["DI", "PE", "CI", "DI"],
            "diameter_mm": [300.0, 110.0, 5.0, 300.0],
            "install_year": [1990, 2005, 1970, 1990],
            "length_m": [120.5, 80.0, 40.0, 120.5],
            "status": ["active"] * n,
            "district_id": ["220102"] * n,
            "geometry": [
                "LINESTRING (125.30 43.80, 125.31 43.81)",
                "LINESTRING (125.3 43.8, 125.3 43.9)",
                "LINESTRING (125.3 43.8, 125.4 43.8)",
                "LINESTRING (125.30 43.80, 125.31 43.81)",
            ],
        }
    )
    path = ctx.paths.landing / "pipe_segments" / "segments.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)
    ingest_sources(ctx, ["districts", "pipe_segments"])
    q = quarantine(ctx.paths, "pipe_segments/segments.parquet")
    assert [(line, reason) for line, reason, _ in q] == [
        (3, "diameter_mm=5.0 below minimum 10"),
        (4, "duplicate row (first at line 1)"),
    ]
    assert json.loads(q[0][2])["segment_id"] == "P3"
    build_staging(ctx, ["pipe_segments"])
    rows = query(
        ctx.paths,
        "SELECT segment_id, ST_GeometryType(geometry), round(ST_Length(geom_m)) FROM staging.pipe_segments ORDER BY 1",
    )
    assert rows[0][0] == "P1" and rows[0][1] == "LINESTRING"
    # 0.01 deg lon x 0.01 deg lat at 43.8N is about 1.39 km in metres
    assert 1300 < rows[0][2] < 1500
    assert manifest_balanced(ctx.paths)


def test_jsonl_bad_lines_and_fk(ctx) -> None:
    write(
        ctx.paths.landing / "buildings" / "b.csv",
        "building_id,district_id,lon,lat,use\nB1,220102,125.32,43.82,residential\n",
    )
    lines = [
        {
            "inspection_id": "I1",
            "building_id": "B1",
            "inspected_at": "2024-03-01T10:00:00+08:00",
            "grade": "C",
        },
        "{not json",
        {
            "inspection_id": "I2",
            "building_id": "B9",
            "inspected_at": "2024-03-01T10:00:00+08:00",
            "grade": "D",
        },
        {
            "inspection_id": "I3",
            "building_id": "B1",
            "inspected_at": "2024-03-01T11:00:00+08:00",
            "grade": "E",
            "valid": True,
        },
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    write(ctx.paths.landing / "building_inspections" / "i.jsonl", text)
    counts = ingest_sources(ctx, ["districts", "buildings", "building_inspections"])
    assert counts["building_inspections"]["rows_loaded"] == 1
    q = {line: reason for line, reason, _ in quarantine(ctx.paths, "building_inspections/i.jsonl")}
    assert q[2].startswith("unparseable JSON")
    assert q[3].startswith("unknown building_id")
    assert q[4] == "grade=E not allowed"
    build_staging(ctx, ["buildings", "building_inspections"])
    assert (
        query(ctx.paths, "SELECT count(*) FROM staging.buildings WHERE geom_m IS NOT NULL")[0][0]
        == 1
    )


def test_geojson_feature_numbers_and_invalid_geometry(ctx) -> None:
    feats = [
        {
            "type": "Feature",
            "properties": {
                "zone_id": "Z1",
                "site_intensity": 7,
                "pga_g": 0.1,
                "liquefaction_susceptibility": "low",
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[125, 43], [126, 43], [126, 44], [125, 43]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"zone_id": "Z2", "site_intensity": 12},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[125, 43], [126, 43], [126, 44], [125, 43]]],
            },
        },
        {"type": "Feature", "properties": {"zone_id": "Z3"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"zone_id": "Z4"},
            "geometry": {"type": "Blob", "coordinates": 1},
        },
    ]
    write(
        ctx.paths.landing / "seismic_zones" / "z.geojson",
        json.dumps({"type": "FeatureCollection", "features": feats}),
    )
    ingest_sources(ctx, ["seismic_zones"])
    q = {line: reason for line, reason, _ in quarantine(ctx.paths, "seismic_zones/z.geojson")}
    assert q == {
        2: "site_intensity=12 above maximum 10",
        3: "missing required value: geometry",
        4: q[4],
    }
    assert q[4].startswith("wrong type: geometry")
    assert query(ctx.paths, "SELECT zone_id, _line FROM raw.seismic_zones") == [("Z1", 1)]
