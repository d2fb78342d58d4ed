"""landing -> raw for CSV: every check, exact line numbers, fast and slow paths."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest import ingest_sources

from .conftest import readings_lines, write
from .helpers import manifest_balanced, quarantine, query

SOURCES = ["districts", "dmas", "sensors", "readings"]


def test_fast_path_checks_and_exact_lines(ctx) -> None:
    lines = readings_lines() + [
        "G001,2024-03-01T00:10:00+08:00,abc",  # 6 wrong type
        "X999,2024-03-01T00:10:00+08:00,1",  # 7 unknown sensor
        "G001,2024-03-01T00:10:00+08:00,150",  # 8 out of physical range (methane_lel 0-100)
        "G001,2024-03-02T00:10:00+08:00,1",  # 9 after interval end
        "G001,2024-03-01T00:00:00+08:00,1.5",  # 10 exact duplicate of line 2
        "G001,2024-03-01T00:05:00+08:00,9.9",  # 11 duplicate key of line 5
        "W001,2024-03-01T01:00:00+08:00,30,extra",  # 12 too many fields
        ",2024-03-01T01:00:00+08:00,30",  # 13 missing required sensor_id
        "W001,2024-03-01T02:00:00+08:00,31",  # 14 good
        "G001",  # 15 truncated last line
    ]
    write(ctx.paths.landing / "readings" / "gas_2024-03-01.csv", "\n".join(lines))
    counts = ingest_sources(ctx, SOURCES)
    assert counts["readings"] == {
        "files": 1,
        "files_loaded": 1,
        "rows_in": 14,
        "rows_loaded": 5,
        "rows_quarantined": 9,
    }
    q = quarantine(ctx.paths, "readings/gas_2024-03-01.csv")
    by_line = {line: reason for line, reason, _ in q}
    assert sorted(by_line) == [6, 7, 8, 9, 10, 11, 12, 13, 15]
    assert by_line[6].startswith("wrong type: value")
    assert by_line[7].startswith("unknown sensor_id")
    assert by_line[8].startswith("value out of physical range for measure methane_lel")
    assert by_line[9] == "timestamp after interval end"
    assert by_line[10] == "duplicate row (first at line 2)"
    assert by_line[11] == "duplicate key (first at line 5)"
    assert by_line[12] == "wrong number of fields: expected 3, found 4"
    assert by_line[13] == "missing required value: sensor_id"
    assert by_line[15].endswith("(truncated last line)")
    # raw is the exact physical line
    for line, _, raw in q:
        assert raw == lines[line - 1]
    loaded = query(ctx.paths, "SELECT _line, sensor_id FROM raw.readings ORDER BY _line")
    assert loaded == [(2, "G001"), (3, "W001"), (4, "W002"), (5, "G001"), (14, "W001")]
    assert manifest_balanced(ctx.paths)


def test_slow_path_quotes_encodings_nul_blank_lines(ctx) -> None:
    header = (
        "building_id,name,address,district_id,lon,lat,structure_type,year_built,floors,height_m,"
        "use,occupancy,fortification_intensity,max_span_m,glass_curtain_wall,responsible_unit_id\n"
    )
    rows = [
        'B1,"幸福小区, 1号楼","人民大街\n100号",220102,125.32,43.82,rc_frame,1990,6,18,residential,200,7,6,false,',  # 2-3
        "B2,二号楼,地址,220102,125.32,43.82,rc_frame,1990,6,18,residential,200,7,6,false,",  # 4
    ]
    gbk_line = (
        "B3,三号楼,地址,220102,125.32,43.82,rc_frame,1990,6,18,residential,200,7,6,false,".encode(
            "gbk"
        )
    )  # 5
    nul_line = (
        b"B4,four\x00,addr,220102,125.32,43.82,rc_frame,1990,6,18,residential,200,7,6,false,"  # 6
    )
    blank = b""  # 7
    bad_use = (
        "B5,五,地址,220102,125.32,43.82,rc_frame,1990,6,18,spaceship,200,7,6,false,".encode()
    )  # 8
    unknown = (
        "B6,六,地址,999999,125.32,43.82,rc_frame,1990,6,18,residential,200,7,6,false,".encode()
    )  # 9
    data = (header + "\n".join(rows) + "\n").encode() + b"\n".join(
        [gbk_line, nul_line, blank, bad_use, unknown]
    )
    write(
        ctx.paths.landing / "buildings" / "buildings.csv", data + b"\nB7,x,y,220102"
    )  # 10 truncated
    counts = ingest_sources(ctx, ["districts", "buildings"])
    assert counts["buildings"]["rows_loaded"] == 2
    q = {
        line: (reason, raw)
        for line, reason, raw in quarantine(ctx.paths, "buildings/buildings.csv")
    }
    assert sorted(q) == [5, 6, 8, 9, 10]
    assert "mixed encoding" in q[5][0]
    assert q[6][0] == "NUL byte in line" and "\\x00" in q[6][1]
    assert q[8][0] == "use=spaceship not allowed"
    assert q[9][0].startswith("unknown district_id")
    assert q[10][0] == "wrong number of fields: expected 16, found 4 (truncated last line)"
    got = query(ctx.paths, "SELECT _line, name, address FROM raw.buildings ORDER BY _line")
    assert got == [(2, "幸福小区, 1号楼", "人民大街\n100号"), (4, "二号楼", "地址")]
    note = query(ctx.paths, "SELECT note FROM audit.load_manifest WHERE source = 'buildings'")[0][0]
    assert "slow path" in note and "quotes" in note
    assert manifest_balanced(ctx.paths)


def test_gbk_file_and_bom_are_detected(ctx) -> None:
    text = (
        "unit_id,name_zh,domain,district_id,contact\n"
        "U1,长春燃气集团,gas,220102,0431-1\n"
        "U2,长春水务集团,water,,0431-2\n"
    )
    write(
        ctx.paths.landing / "responsible_units" / "units_gbk.csv",
        text.replace("U1", "G1").replace("U2", "G2").encode("gbk"),
    )
    write(
        ctx.paths.landing / "responsible_units" / "units_bom.csv", "\ufeff".encode() + text.encode()
    )
    counts = ingest_sources(ctx, ["districts", "responsible_units"])
    assert counts["responsible_units"]["rows_loaded"] == 4
    names = query(ctx.paths, "SELECT unit_id, name_zh FROM raw.responsible_units ORDER BY unit_id")
    assert names == [
        ("G1", "长春燃气集团"),
        ("G2", "长春水务集团"),
        ("U1", "长春燃气集团"),
        ("U2", "长春水务集团"),
    ]
    enc = dict(
        query(
            ctx.paths,
            "SELECT file, encoding FROM audit.load_manifest WHERE source = 'responsible_units'",
        )
    )
    assert enc == {
        "responsible_units/units_gbk.csv": "gbk",
        "responsible_units/units_bom.csv": "utf-8-sig",
    }


def test_whole_file_problems_and_extra_columns(ctx) -> None:
    land = ctx.paths.landing / "readings"
    write(land / "empty.csv", "")
    write(land / "nocol.csv", "sensor_id,value\nG001,1\n")
    write(
        land / "extra.csv",
        "sensor_id,measured_at,value,comment\nG001,2024-03-01T03:00:00+08:00,1,ok\n",
    )
    write(land / "notes.xlsx", b"PK\x03\x04garbage")
    write(land / "broken.parquet", b"PAR1 not really")
    ingest_sources(ctx, SOURCES)
    rejected = dict(
        query(
            ctx.paths, "SELECT file, reason FROM audit.quarantine WHERE line IS NULL ORDER BY file"
        )
    )
    assert rejected["readings/empty.csv"] == "readings/empty.csv: empty file"
    assert (
        rejected["readings/nocol.csv"]
        == "readings/nocol.csv: missing required column(s): measured_at"
    )
    assert "unsupported file type '.xlsx'" in rejected["readings/notes.xlsx"]
    assert "unreadable Parquet" in rejected["readings/broken.parquet"]
    assert "readings/extra.csv" not in rejected
    status = dict(
        query(ctx.paths, "SELECT file, status FROM audit.load_manifest WHERE source = 'readings'")
    )
    assert status["readings/nocol.csv"] == "rejected" and status["readings/extra.csv"] == "loaded"
    note = query(
        ctx.paths, "SELECT note FROM audit.load_manifest WHERE file = 'readings/extra.csv'"
    )[0][0]
    assert "extra columns ignored: comment" in note
    assert query(ctx.paths, "SELECT count(*) FROM raw.readings")[0][0] == 1
    assert manifest_balanced(ctx.paths)


def test_fast_path_lines_with_many_rejects(ctx, tmp_path: Path) -> None:
    """More than 64 rejected lines use the join-based line numbering; lines stay exact."""
    lines = ["sensor_id,measured_at,value"]
    for i in range(400):
        minute = f"2024-03-01T{i // 60:02d}:{i % 60:02d}:00+08:00"
        lines.append(f"W001,{minute}" if i % 5 == 0 else f"W001,{minute},{20 + i % 7}")
    write(ctx.paths.landing / "readings" / "w.csv", "\n".join(lines) + "\n")
    ingest_sources(ctx, SOURCES)
    bad = [line for line, _, _ in quarantine(ctx.paths, "readings/w.csv")]
    assert bad == [i + 2 for i in range(400) if i % 5 == 0]
    got = query(
        ctx.paths, "SELECT _line, CAST(measured_at AS VARCHAR) FROM raw.readings ORDER BY _line"
    )
    for line, ts in got:
        i = line - 2
        assert ts.startswith(f"2024-03-01 {i // 60:02d}:{i % 60:02d}:00")
