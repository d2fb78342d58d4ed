"""Idempotency, changed files, crashes, intervals (deferral, future rows, dirty intervals)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.ingest import dirty_intervals, ingest_sources, load, mark_reprocessed

from .conftest import DAY, readings_lines, write
from .helpers import manifest_balanced, quarantine, query, table_checksum

SOURCES = ["districts", "dmas", "sensors", "readings"]
TABLES = [
    "raw.readings",
    "raw.sensors",
    "audit.quarantine",
    "audit.load_manifest",
    "audit.interval_status",
]


def snapshot(paths) -> dict:
    return {t: table_checksum(paths, t) for t in TABLES}


def test_same_interval_twice_changes_nothing(ctx) -> None:
    write(
        ctx.paths.landing / "readings" / "r.csv",
        "\n".join(readings_lines() + ["X1,2024-03-01T01:00:00+08:00,1"]),
    )
    first = ingest_sources(ctx, SOURCES)
    before = snapshot(ctx.paths)
    second = ingest_sources(ctx, SOURCES)
    assert snapshot(ctx.paths) == before
    assert first["readings"]["rows_loaded"] == 4
    assert second["readings"] == {
        "files": 1,
        "files_unchanged": 1,
        "rows_in": 0,
        "rows_loaded": 0,
        "rows_quarantined": 0,
    }


def test_changed_file_replaces_rows_and_quarantine(ctx) -> None:
    path = ctx.paths.landing / "readings" / "r.csv"
    write(path, "\n".join(readings_lines() + ["X1,2024-03-01T01:00:00+08:00,1"]))
    ingest_sources(ctx, SOURCES)
    write(path, "\n".join(readings_lines()[:3]) + "\n")
    ingest_sources(ctx, SOURCES)
    assert query(ctx.paths, "SELECT count(*) FROM raw.readings")[0][0] == 2
    assert quarantine(ctx.paths) == []
    statuses = sorted(
        r[0]
        for r in query(
            ctx.paths, "SELECT status FROM audit.load_manifest WHERE source = 'readings'"
        )
    )
    assert statuses == ["loaded", "replaced"]
    assert manifest_balanced(ctx.paths)


@pytest.mark.parametrize("step", ["check_and_store", "load_bulk"])
def test_crash_mid_load_leaves_warehouse_as_before(ctx, monkeypatch, step: str) -> None:
    """A crash after rows are written (text path or bulk path) rolls the whole run back."""
    write(ctx.paths.landing / "readings" / "r.csv", "\n".join(readings_lines()))
    write(
        ctx.paths.landing / "sensors" / "more.csv",
        # quotes send this file down the text path: both paths run in one ingest
        'sensor_id,domain,measure,unit,district_id,lon,lat\n"G002",gas,methane_lel,%LEL,220102,125.3,43.8\n',
    )
    ingest_sources(ctx, ["districts", "dmas"])
    before = snapshot(ctx.paths)
    real = getattr(load, step)

    def crash(*args, **kwargs):
        real(*args, **kwargs)  # rows are written, then the process dies
        raise RuntimeError("injected crash")

    monkeypatch.setattr(load, step, crash)
    with pytest.raises(RuntimeError, match="injected crash"):
        ingest_sources(ctx, SOURCES)
    assert snapshot(ctx.paths) == before
    monkeypatch.undo()
    assert ingest_sources(ctx, SOURCES)["readings"]["rows_loaded"] == 4


def test_future_file_deferred_future_rows_quarantined_late_rows_mark_dirty(paths, ctx) -> None:
    land = paths.landing / "readings"
    write(land / "day1.csv", "\n".join(readings_lines("2024-03-01")))
    # day 2 file: left alone by the day-1 run (its earliest timestamp is after day 1's end)
    write(land / "day2.csv", "\n".join(readings_lines("2024-03-02")))
    # straddling file: loaded by day 1; its day-2 row is quarantined as in the future
    write(
        land / "mixed.csv",
        "sensor_id,measured_at,value\nW001,2024-03-01T23:00:00+08:00,30\nW001,2024-03-02T01:00:00+08:00,31\n",
    )
    c1 = ingest_sources(ctx, SOURCES)
    assert c1["readings"]["files_deferred"] == 1
    assert (
        query(paths, "SELECT count(*) FROM audit.load_manifest WHERE file = 'readings/day2.csv'")[
            0
        ][0]
        == 0
    )
    assert [(line, reason) for line, reason, _ in quarantine(paths, "readings/mixed.csv")] == [
        (3, "timestamp after interval end")
    ]
    # the deferral is cached: a second day-1 run does not re-read day2.csv
    assert query(paths, "SELECT count(*) FROM audit.landing_probe")[0][0] == 1

    ctx2 = RunContext.for_local_day(DAY + timedelta(days=1), run_id="test__2024-03-02", paths=paths)
    write(
        land / "late_day1.csv", "sensor_id,measured_at,value\nW001,2024-03-01T12:00:00+08:00,29\n"
    )
    c2 = ingest_sources(ctx2, SOURCES)
    assert c2["readings"]["files_loaded"] == 2
    con = warehouse.connect(paths.warehouse)
    try:
        dirty = dirty_intervals(con, "readings")
        assert [(a.isoformat(), b.isoformat()) for a, b in dirty] == [
            ("2024-03-01T00:00:00+08:00", "2024-03-02T00:00:00+08:00")
        ]
        mark_reprocessed(con, "readings", dirty[0][0], "downstream")
        assert dirty_intervals(con, "readings") == []
    finally:
        con.close()
    assert manifest_balanced(paths)
