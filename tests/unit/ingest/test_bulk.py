"""The bulk path on large-ish files: exact quarantine lines, every loaded row's line, all checks."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import warehouse
from pipelines.ingest import bulk, ingest_sources, readers
from pipelines.settings import LOCAL_TZ

from .conftest import write
from .helpers import manifest_balanced, quarantine, query, table_checksum

SOURCES = ["districts", "dmas", "sensors", "readings"]
DAY0 = datetime(2024, 3, 1, tzinfo=LOCAL_TZ)


def ts(second: int) -> str:
    return (DAY0 + timedelta(seconds=second)).isoformat()


def value_of(line: int) -> float:
    """Every good row's value encodes its physical line, so each ``_line`` can be verified."""
    return line % 90 + 0.5


def big_file(rows_per_sensor: int) -> tuple[list[bytes], dict[int, str]]:
    """Sorted readings with bad lines injected; returns the lines and line -> expected reason."""
    lines: list[bytes] = [b"sensor_id,measured_at,value"]
    expected: dict[int, str] = {}

    def add(text: str | bytes, reason: str | None = None) -> None:
        lines.append(text.encode() if isinstance(text, str) else text)
        if reason is not None:
            expected[len(lines)] = reason

    inject = {
        1000: ("G001,{t},abc", "wrong type: value is not double (abc)"),
        5000: ("X999,{t},1", "unknown sensor_id (not in sensors.sensor_id): X999"),
        9000: ("G001,{t9},150", "value out of physical range for measure methane_lel"),
        20000: ("G001,2024-03-02T00:00:05+08:00,1", "timestamp after interval end"),
        30000: ("{prev}", "duplicate row (first at line {pl})"),
        40000: ("{prevkey},77.7", "duplicate key (first at line {pl})"),
        50000: ("W001,{t}", "wrong number of fields: expected 3, found 2"),
        60000: (",{t},1", "missing required value: sensor_id"),
        70000: (b"W001,{t},\x00\x001", "NUL byte in line"),
        80000: ("W001,{t},", "missing required value: value"),
    }
    for sensor in ("G001", "W001", "W002"):
        for i in range(rows_per_sensor):
            n = len(lines) + 1
            add(f"{sensor},{ts(i)},{value_of(n)}")
            hit = inject.get(n)
            if hit is None:
                continue
            text, reason = hit
            prev = lines[-1].decode()
            t_odd = ts(i)[:-6] + ".5" + ts(i)[-6:]  # off-grid: a new key
            if isinstance(text, bytes):
                add(text.replace(b"{t}", t_odd.encode()), reason)
                continue
            text = text.format(t=t_odd, t9=t_odd, prev=prev, prevkey=prev.rsplit(",", 1)[0], pl=n)
            add(text, reason.format(pl=n))
    # a GBK line makes the whole (otherwise ASCII) file GBK, as the text path decides
    add(b"W002,2024-03-01T23:59:59.5+08:00," + "故障".encode("gbk"))
    expected[len(lines)] = "wrong type: value is not double (故障)"
    add(b"W002,2024-03-01T23:5")
    expected[len(lines)] = "wrong number of fields: expected 3, found 2 (truncated last line)"
    return lines, expected


@pytest.mark.parametrize("overlap", [False, True], ids=["scan-then-read", "read-while-scanning"])
def test_large_file_exact_quarantine_lines_and_every_line_number(ctx, monkeypatch, overlap) -> None:
    # large files are read by DuckDB while the pre-scan runs; the outcome must be the same
    monkeypatch.setattr(bulk, "OVERLAP_MIN_BYTES", 0 if overlap else 1 << 62)
    lines, expected = big_file(66_667)
    assert len(lines) > 200_000
    path = write(ctx.paths.landing / "readings" / "big.csv", b"\n".join(lines))
    counts = ingest_sources(ctx, SOURCES)["readings"]
    q = quarantine(ctx.paths, "readings/big.csv")
    got = {line: reason for line, reason, _ in q}
    assert sorted(got) == sorted(expected)
    for line, reason in expected.items():
        assert got[line].startswith(reason), (line, got[line], reason)
    for line, _, raw in q:
        if line != 70000 + 1 and not got[line].startswith("wrong type: value is not double (故"):
            assert raw == lines[line - 1].decode(), line
    assert counts == {
        "files": 1,
        "files_loaded": 1,
        "rows_in": len(lines) - 1,
        "rows_loaded": len(lines) - 1 - len(expected),
        "rows_quarantined": len(expected),
    }
    # every loaded row sits at its physical line (its value says which)
    wrong = query(
        ctx.paths,
        "SELECT count(*), count(DISTINCT _line), min(_line), max(_line) FROM raw.readings "
        "WHERE value <> _line % 90 + 0.5",
    )[0]
    assert wrong[0] == 0
    assert (
        query(ctx.paths, "SELECT count(DISTINCT _line) FROM raw.readings")[0][0]
        == counts["rows_loaded"]
    )
    enc, note = query(
        ctx.paths, "SELECT encoding, note FROM audit.load_manifest WHERE file = 'readings/big.csv'"
    )[0]
    assert enc == "gbk" and "checked one by one" in note and "slow path" not in (note or "")
    assert path.stat().st_size > 5_000_000
    assert manifest_balanced(ctx.paths)


def gbk_units(n: int) -> bytes:
    """A GBK registry export (Chinese names) with a few bad rows."""
    rows = ["unit_id,name_zh,domain,district_id,contact"]
    for i in range(n):
        rows.append(f"U{i:05d},长春市第{i}燃气管理所,gas,220102,0431-{i:07d}")
    rows.insert(50, "U00010,重复单位,gas,220102,")  # duplicate key of line 12
    rows.insert(70, ",无编号单位,water,220102,")  # missing unit_id
    rows.insert(90, "U99999,未知类别,天然气,220102,")  # domain not allowed
    rows.insert(110, "U99998,字段不足,gas")  # wrong number of fields
    return ("\n".join(rows) + "\n").encode("gbk")


def units_outcome(paths) -> tuple:
    """Everything a load of responsible units leaves behind: rows, quarantine, manifest."""
    return (
        table_checksum(paths, "raw.responsible_units"),
        quarantine(paths),
        query(
            paths,
            "SELECT encoding, rows_in, rows_loaded FROM audit.load_manifest "
            "WHERE source = 'responsible_units'",
        ),
    )


def test_gbk_file_takes_the_bulk_path_with_the_text_paths_outcome(ctx, monkeypatch) -> None:
    # more Chinese lines than the pre-scan locates one by one: the file is read as a UTF-8 copy
    monkeypatch.setattr(readers, "MAX_SPECIAL_LINES", 1000)
    write(ctx.paths.landing / "responsible_units" / "units.csv", gbk_units(3000))
    calls: list[Path] = []
    real = bulk.transcode_gbk

    def spy(path: Path) -> Path | None:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(bulk, "transcode_gbk", spy)
    ingest_sources(ctx, ["districts", "responsible_units"])
    assert len(calls) == 1
    fast = units_outcome(ctx.paths)
    got = {line: reason for line, reason, _ in fast[1]}
    assert got == {
        51: "duplicate key (first at line 12)",
        71: "missing required value: unit_id",
        91: "domain=天然气 not allowed",
        111: "wrong number of fields: expected 5, found 3",
    }
    assert dict((line, raw) for line, _, raw in fast[1])[91] == "U99999,未知类别,天然气,220102,"
    assert fast[2] == [("gbk", 3004, 3000)]
    # the same file through the line-by-line text path gives the same rows and quarantine
    ctx.paths.warehouse.unlink()
    monkeypatch.setattr(bulk, "gbk_candidate", lambda *a: False)
    ingest_sources(ctx, ["districts", "responsible_units"])
    slow = units_outcome(ctx.paths)
    assert slow == fast


def test_unsorted_file_uses_hash_duplicates_and_cross_file_duplicates(ctx) -> None:
    land = ctx.paths.landing / "readings"
    first = ["sensor_id,measured_at,value"] + [f"W001,{ts(i * 60)},{i % 50}" for i in range(500)]
    write(land / "a.csv", "\n".join(first) + "\n")
    # b.csv is not sorted and repeats a key far from its first occurrence and one of a.csv
    rows = [f"W002,{ts(i * 60)},{i % 40}" for i in range(300)][::-1]
    rows.insert(250, rows[3])  # line 252 repeats line 5
    rows.insert(100, first[10])  # line 102 repeats a.csv line 11 exactly
    write(land / "b.csv", "\n".join(["sensor_id,measured_at,value", *rows]) + "\n")
    ingest_sources(ctx, SOURCES)
    got = [(line, reason) for line, reason, _ in quarantine(ctx.paths, "readings/b.csv")]
    assert got == [
        (102, "duplicate row (already loaded from readings/a.csv line 11)"),
        (253, "duplicate row (first at line 5)"),
    ]
    assert quarantine(ctx.paths, "readings/a.csv") == []
    assert manifest_balanced(ctx.paths)


def test_parquet_readings_type_failures_and_row_numbers(ctx) -> None:
    n = 5000
    values = [str(i % 90) for i in range(n)]
    values[10] = "n/a"  # row 11: wrong type, checked by the text path
    values[20] = "150"  # row 21: out of range for methane
    table = pa.table(
        {
            "sensor_id": ["G001"] * n,
            "measured_at": pa.array(
                [DAY0 + timedelta(seconds=i) for i in range(n)], pa.timestamp("s", tz="UTC")
            ),
            "value": values,
        }
    )
    path = ctx.paths.landing / "readings" / "g.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    counts = ingest_sources(ctx, SOURCES)["readings"]
    q = quarantine(ctx.paths, "readings/g.parquet")
    assert [(line, reason.split(" [")[0]) for line, reason, _ in q] == [
        (11, "wrong type: value is not double (n/a)"),
        (21, "value out of physical range for measure methane_lel"),
    ]
    assert '"value":"n/a"' in q[0][2] and '"sensor_id":"G001"' in q[0][2]
    assert counts["rows_loaded"] == n - 2
    assert query(
        ctx.paths, "SELECT count(*) FROM raw.readings WHERE value <> (_line - 1) % 90"
    ) == [(0,)]


def test_parquet_then_csv_then_parquet_in_one_load(ctx) -> None:
    """Both bulk readers in turn within one transaction (a Parquet read followed by a CSV read
    once crashed DuckDB when the cleanup mistook one kind of ``_bulk`` for the other)."""
    land = ctx.paths.landing / "readings"
    land.mkdir(parents=True, exist_ok=True)
    for name, sensor in (("a.parquet", "G001"), ("c.parquet", "W002")):
        pq.write_table(
            pa.table(
                {
                    "sensor_id": [sensor] * 300,
                    "measured_at": pa.array(
                        [DAY0 + timedelta(minutes=i) for i in range(300)],
                        pa.timestamp("s", tz="UTC"),
                    ),
                    "value": [float(i % 50) for i in range(300)],
                }
            ),
            land / name,
        )
    rows = [f"W001,{ts(i * 60)},{i % 40}" for i in range(300)]
    write(land / "b.csv", "\n".join(["sensor_id,measured_at,value", *rows, "W001,bad,1"]) + "\n")
    counts = ingest_sources(ctx, SOURCES)["readings"]
    assert counts["files_loaded"] == 3
    assert (counts["rows_loaded"], counts["rows_quarantined"]) == (900, 1)
    assert query(
        ctx.paths, "SELECT _file, count(*), max(_line) FROM raw.readings GROUP BY 1 ORDER BY 1"
    ) == [
        ("readings/a.parquet", 300, 300),
        ("readings/b.csv", 300, 301),
        ("readings/c.parquet", 300, 300),
    ]
    assert [line for line, _, _ in quarantine(ctx.paths, "readings/b.csv")] == [302]


def test_several_files_with_short_lines_in_one_load(ctx) -> None:
    """Each CSV read keeps DuckDB's rejected lines. A line several fields short, read more than
    once with ``store_rejects`` inside one transaction, crashed DuckDB 1.4.4 (SIGSEGV); the
    reads now run in their own in-memory database."""
    land = ctx.paths.landing / "pipe_breaks"
    for f in range(3):
        rows = [
            f"BR-{f}{i:06d},WS-{i:07d},2015-01-21T03:44:00+08:00,leak,2015-01-21T21:45:00+08:00"
            for i in range(470)
        ]
        rows.insert(116, f"BR-9{f}00003,WS-0000001")  # line 118: three fields short
        header = "break_id,segment_id,occurred_at,failure_type,repaired_at"
        write(land / f"breaks_{f}.csv", "\n".join([header, *rows]) + "\n")
    counts = ingest_sources(ctx, ["pipe_segments", "pipe_breaks"])["pipe_breaks"]
    assert (counts["files_loaded"], counts["rows_in"]) == (3, 3 * 471)
    for f in range(3):
        short = [
            (line, reason)
            for line, reason, _ in quarantine(ctx.paths, f"pipe_breaks/breaks_{f}.csv")
            if reason.startswith("wrong number")
        ]
        assert short == [(118, "wrong number of fields: expected 5, found 2")]


def test_rejecting_reads_stay_outside_the_load_transaction(ctx) -> None:
    """The same file read three times while a load transaction is open: done on the load's own
    connection this crashed DuckDB 1.4.4 every time (SIGSEGV in ``read_csv`` with
    ``store_rejects``), so reads with rejected lines run in a database of their own."""
    header = "break_id,segment_id,occurred_at,failure_type,repaired_at"
    rows = [
        f"BR-{i:07d},WS-{i:07d},2015-01-21T03:44:00+08:00,leak,2015-01-21T21:45:00+08:00"
        for i in range(469)
    ]
    rows.insert(116, "BR-9000003,WS-0000001")
    path = write(ctx.paths.landing / "x.csv", "\n".join([header, *rows]) + "\n")
    cols = {
        "c0": "VARCHAR",
        "c1": "VARCHAR",
        "c2": "TIMESTAMPTZ",
        "c3": "VARCHAR",
        "c4": "TIMESTAMPTZ",
    }
    con = warehouse.connect(ctx.paths.warehouse)
    try:
        con.execute("BEGIN TRANSACTION")
        for _ in range(3):
            read = readers.read_csv_rejects(path, ",", cols)
            assert read.table.num_rows == 469
            assert [(line, types) for line, types, _, _ in read.rejects] == [
                (118, ["MISSING COLUMNS"])
            ]
        con.execute("ROLLBACK")
    finally:
        con.close()


def test_prescan_finds_special_lines_across_chunk_borders(tmp_path: Path, monkeypatch) -> None:
    data = (
        b"a,b\n"
        + b"1,2\n" * 5
        + b"3,\x004\n"  # line 7
        + "5,é\n".encode()  # line 8: valid UTF-8, non-ASCII
        + b"6,\xff\xfe\n"  # line 9
        + b"7,8"  # line 10, no final newline
    )
    path = write(tmp_path / "x.csv", data)
    for chunk in (3, 5, 11, 1 << 20):
        monkeypatch.setattr(readers, "CHUNK", chunk)
        scan = readers.prescan(path)
        assert scan.lines == 10 and not scan.ends_with_newline
        assert scan.nul_lines == {7: b"3,\x004"}
        assert scan.bad_utf8_lines == {9: b"6,\xff\xfe"}
        assert scan.utf8_non_ascii and not scan.utf8_ok and scan.nul
        assert readers.extract_lines(path, [2, 7, 10]) == {2: "1,2", 7: "3,\x004", 10: "7,8"}
