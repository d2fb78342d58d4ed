"""Quarantine replay, the CLI, mappings (fixture and the real Kitchener files)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import yaml

from pipelines import warehouse
from pipelines.ingest import ingest_sources, load_mapped
from pipelines.ingest.checks import GCJ_MACROS
from pipelines.ingest.cli import main
from pipelines.ingest.quarantine import replay_quarantine
from pipelines.settings import LOCAL_TZ, REFERENCE_DATA_DIR

from .conftest import readings_lines, write
from .helpers import manifest_balanced, quarantine, query

SOURCES = ["districts", "dmas", "sensors", "readings"]


def test_replay_after_registry_fix_and_cli(ctx, capsys) -> None:
    lines = readings_lines() + ["X1,2024-03-01T01:00:00+08:00,5", "X1,2024-03-02T01:00:00+08:00,5"]
    write(ctx.paths.landing / "readings" / "r.csv", "\n".join(lines) + "\n")
    ingest_sources(ctx, SOURCES)
    assert [r[0] for r in quarantine(ctx.paths)] == [6, 7]

    assert (
        main(
            [
                "quarantine",
                "list",
                "--source",
                "readings",
                "--format",
                "csv",
                "--data-dir",
                str(ctx.paths.data_dir),
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out.out)))
    assert [(r["line"], r["raw"]) for r in rows] == [("6", lines[5]), ("7", lines[6])]
    assert (
        main(["quarantine", "list", "--format", "json", "--data-dir", str(ctx.paths.data_dir)]) == 0
    )
    assert len(json.loads(capsys.readouterr().out)) == 2

    # the sensor registry is fixed: X1 exists now (a changed file replaces its rows)
    sensors = ctx.paths.landing / "sensors" / "sensors.csv"
    sensors.write_text(
        sensors.read_text()
        + "X1,gas,methane_lel,%LEL,utility_tunnel,,,220102,125.3,43.8,,,,60,2020-01-01\n"
    )
    ingest_sources(ctx, ["districts", "dmas", "sensors"])
    result = replay_quarantine(
        ctx.paths, source="readings", interval_end=datetime(2024, 3, 2, tzinfo=LOCAL_TZ)
    )
    assert result["moved"] == 1 and result["still_quarantined"] == 1
    assert [(r[0], r[1]) for r in quarantine(ctx.paths)] == [(7, "timestamp after interval end")]
    assert query(ctx.paths, "SELECT _line FROM raw.readings WHERE sensor_id = 'X1'") == [(6,)]
    assert query(
        ctx.paths,
        "SELECT rows_in, rows_loaded, rows_quarantined FROM audit.load_manifest WHERE file = 'readings/r.csv'",
    ) == [(6, 5, 1)]
    # replay with no interval limit brings the last row too; nothing is left and counts balance
    assert main(["quarantine", "replay", "--data-dir", str(ctx.paths.data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["moved"] == 1
    assert quarantine(ctx.paths) == []
    assert manifest_balanced(ctx.paths)


def test_mapping_features(tmp_path: Path, paths) -> None:
    export = tmp_path / "export"
    write(
        export / "pipes.csv",
        (
            "编号,材质,管径(m),敷设日期,状态,长度\n"
            "101,铸铁,0.3,2001年05月01日,在用,120\n"
            "102,PE,0.11,1999年01月01日,废弃,80\n"
            "103,铸铁,0.2,2010年01月01日,在用,50\n"
        ).encode("gbk"),
    )
    write(
        export / "facilities.csv",
        "\ufeffid,name,kind,district,lng,lat\nF1,加油站,gas_station,220102,125.3290,43.8230\n",
    )
    mapping = {
        "name": "testcity",
        "warehouse": "testcity/warehouse.duckdb",
        "files": [
            {
                "path": str(export / "pipes.csv"),
                "target": "pipe_segments",
                "encoding": "gbk",
                "filters": [{"column": "状态", "in": ["在用"]}],
                "columns": {
                    "segment_id": {"from": "编号", "prefix": "TC-"},
                    "network": {"const": "gas"},
                    "material": {"from": "材质", "map": {"铸铁": "CI"}},
                    "diameter_mm": {"from": "管径(m)", "unit_from": "m", "unit_to": "mm"},
                    "install_year": {
                        "from": "敷设日期",
                        "date_format": "%Y年%m月%d日",
                        "part": "year",
                    },
                    "length_m": {"from": "长度"},
                    "status": {"const": "active"},
                },
            },
            {
                "path": str(export / "facilities.csv"),
                "target": "hazardous_facilities",
                "gcj02_to_wgs84": True,
                "columns": {
                    "facility_id": {"from": "id"},
                    "district_id": {"from": "district"},
                    "lon": {"from": "lng"},
                },
            },
        ],
    }
    mfile = tmp_path / "testcity.yaml"
    mfile.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    # the facility's district must exist in the mapping's own warehouse: no districts -> unknown
    out = load_mapped(str(mfile), paths)
    wh = paths.data_dir / "testcity" / "warehouse.duckdb"
    assert out["warehouse"] == str(wh) and wh != paths.warehouse
    mpaths = type(paths)(data_dir=wh.parent, warehouse=wh)
    assert query(
        mpaths,
        "SELECT segment_id, material, diameter_mm, install_year, network FROM raw.pipe_segments ORDER BY 1",
    ) == [
        ("TC-101", "CI", 300.0, 2001, "gas"),
        ("TC-103", "CI", 200.0, 2010, "gas"),
    ]
    q = {line: reason for line, reason, _ in quarantine(mpaths)}
    assert q[3] == "excluded by mapping filter: 状态 not in [在用]"
    assert q[2].startswith("unknown district_id")  # facilities.csv line 2
    # GCJ-02 -> WGS84 moves Changchun points by a few hundred metres west/south
    con = warehouse.connect(":memory:")
    for stmt in GCJ_MACROS.strip().split(";\n"):
        con.execute(stmt)
    wlon, wlat = con.execute(
        "SELECT _gcj_wgs_lon(125.3290, 43.8230), _gcj_wgs_lat(125.3290, 43.8230)"
    ).fetchone()
    assert -0.008 < wlon - 125.3290 < -0.003 and -0.003 < wlat - 43.8230 < 0.0
    assert manifest_balanced(mpaths)


def test_kitchener_real_files(paths) -> None:
    out = load_mapped("kitchener", paths)
    assert (REFERENCE_DATA_DIR / "kitchener" / "Water_Mains.csv").exists()
    mains, breaks = out["pipe_segments"], out["pipe_breaks"]
    assert mains["rows_in"] == 15903 and breaks["rows_in"] == 2766
    assert mains["rows_loaded"] + mains["rows_quarantined"] == 15903
    assert breaks["rows_loaded"] + breaks["rows_quarantined"] == 2766
    wh = paths.data_dir / "kitchener" / "warehouse.duckdb"
    kpaths = type(paths)(data_dir=wh.parent, warehouse=wh)
    unknown = query(
        kpaths, "SELECT count(*) FROM audit.quarantine WHERE reason LIKE 'unknown segment_id%'"
    )[0][0]
    assert 0.13 < unknown / 2766 < 0.17
    assert (
        query(kpaths, "SELECT count(*) FROM raw.pipe_segments WHERE status = 'active'")[0][0]
        > 15000
    )
    assert query(
        kpaths, "SELECT min(year(occurred_at)), max(year(occurred_at)) FROM raw.pipe_breaks"
    ) == [(1985, 2023)]
    assert not paths.warehouse.exists()  # the sample city's warehouse is untouched
    again = load_mapped("kitchener", paths)
    assert again["pipe_segments"]["status"] == "unchanged"
