"""landing -> raw: one transaction per call, one manifest row per file version.

Per file: checksum (an unchanged file is skipped), read into ``_src``, resolve the columns
against the contract (and mapping), check everything in SQL into ``_chk``, mark duplicates, then
insert good rows into ``raw.<source>`` and bad rows into ``audit.quarantine`` and write the
manifest row (``rows_in = rows_loaded + rows_quarantined``, enforced by a CHECK constraint).
A changed file (same name, new checksum) first removes its earlier rows and quarantine rows.
Event files whose earliest timestamp is not before the run's interval end are left for a later
run; rows of a loaded file that lie in earlier, already ingested intervals mark those intervals
dirty in ``audit.interval_status``.

Files the bulk path can read (no mapping, no geometry: readings, sensors) skip ``_src``/``_chk``
and go through :func:`load_bulk` (see :mod:`pipelines.ingest.bulk`) with the same checks and reasons.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.ingest import bulk, readers
from pipelines.ingest.checks import build_projection, create_check_table, mark_duplicates
from pipelines.ingest.contracts import LOAD_COLUMNS, Contract
from pipelines.ingest.mapping import FileMap
from pipelines.ingest.readers import FileRejected, PreScan

log = logging.getLogger(__name__)

FORMAT_SUFFIXES = {
    "csv": (".csv",),
    "parquet": (".parquet",),
    "jsonl": (".jsonl", ".ndjson"),
    "geojson": (".geojson",),
}
SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")


@dataclass(frozen=True)
class LoadRun:
    """What a load needs to know about its run."""

    run_id: str
    interval_start: datetime
    interval_end: datetime
    defer_future: bool = True


@dataclass
class FileResult:
    file: str
    status: str  # loaded | rejected | unchanged | deferred
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    note: str | None = None


def landing_files(landing: Path, contract: Contract) -> list[Path]:
    """Files under ``landing/<landing_dir>/`` in name order (temp and hidden files skipped).

    Files of an undeclared type are returned too: they are quarantined, not ignored.
    """
    folder = landing / contract.landing_dir
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.startswith(".") or p.name.endswith(SKIP_SUFFIXES):
            continue
        out.append(p)
    return out


def file_label(path: Path, landing: Path | None) -> str:
    """How a file is named in the manifest and quarantine (relative to landing/ when inside it)."""
    if landing is not None:
        try:
            return path.resolve().relative_to(landing.resolve()).as_posix()
        except ValueError:
            pass
    return str(path.resolve())


def _current_manifest(con: duckdb.DuckDBPyConnection, label: str) -> tuple[str, str] | None:
    row = con.execute(
        "SELECT checksum, status FROM audit.load_manifest WHERE file = $f "
        "AND status IN ('loaded', 'rejected') ORDER BY loaded_at DESC LIMIT 1",
        {"f": label},
    ).fetchone()
    return (row[0], row[1]) if row else None


def _probe_deferred(con: duckdb.DuckDBPyConnection, label: str, path: Path, run: LoadRun) -> bool:
    """True when a cached probe says the file still starts at or after the interval end."""
    st = path.stat()
    row = con.execute(
        "SELECT ts_min >= $end FROM audit.landing_probe WHERE file = $f AND size_bytes = $s "
        "AND mtime_ns = $m",
        {"f": label, "s": st.st_size, "m": st.st_mtime_ns, "end": run.interval_end},
    ).fetchone()
    return bool(row and row[0])


def _save_probe(con: duckdb.DuckDBPyConnection, label: str, path: Path, ts_min: str) -> None:
    st = path.stat()
    con.execute("DELETE FROM audit.landing_probe WHERE file = $f", {"f": label})
    con.execute(
        "INSERT INTO audit.landing_probe VALUES ($f, $s, $m, CAST($t AS TIMESTAMPTZ), now())",
        {"f": label, "s": st.st_size, "m": st.st_mtime_ns, "t": ts_min},
    )


def quarantine_file(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    label: str,
    scan: PreScan,
    run: LoadRun,
    reason: str,
    raw: str | None,
    fmt: str | None,
    mapping: str | None,
) -> FileResult:
    """Whole-file rejection: one quarantine row (line NULL) and a 'rejected' manifest row."""
    con.execute(
        "INSERT INTO audit.quarantine VALUES ($s, $f, NULL, $r, $raw, $c, $run, now())",
        {
            "s": contract.name,
            "f": label,
            "r": f"{label}: {reason}",
            "raw": raw,
            "c": scan.checksum,
            "run": run.run_id,
        },
    )
    con.execute(
        """INSERT INTO audit.load_manifest (file, source, checksum, format, mapping, size_bytes,
               rows_in, rows_loaded, rows_quarantined, note, loaded_at, run_id, status)
           VALUES ($f, $s, $c, $fmt, $m, $size, 1, 0, 1, $note, now(), $run, 'rejected')""",
        {
            "f": label,
            "s": contract.name,
            "c": scan.checksum,
            "fmt": fmt,
            "m": mapping,
            "size": scan.size,
            "note": reason,
            "run": run.run_id,
        },
    )
    log.warning("quarantined whole file %s (%s): %s", label, contract.name, reason)
    return FileResult(label, "rejected", 1, 0, 1, reason)


def _remove_previous(
    con: duckdb.DuckDBPyConnection, contract: Contract, label: str, run: LoadRun
) -> None:
    """A changed file replaces its earlier rows and quarantine rows (same transaction)."""
    if contract.is_events:
        tc = contract.time_column
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _late AS SELECT {tc} AS ts FROM raw.{contract.name} "
            f"WHERE _file = $f AND {tc} < $start",
            {"f": label, "start": run.interval_start},
        )
        mark_dirty(con, contract.name, run, f"replaced rows of {label}")
    con.execute(f"DELETE FROM raw.{contract.name} WHERE _file = $f", {"f": label})
    con.execute("DELETE FROM audit.quarantine WHERE file = $f", {"f": label})
    con.execute(
        "UPDATE audit.load_manifest SET status = 'replaced' WHERE file = $f "
        "AND status IN ('loaded', 'rejected')",
        {"f": label},
    )


def mark_dirty(con: duckdb.DuckDBPyConnection, source: str, run: LoadRun, note: str) -> int:
    """Mark ingested intervals (other than the run's own) that contain ``_late.ts`` as dirty."""
    n = con.execute(
        """
        WITH hit AS (
            SELECT i.interval_start, count(*) AS n FROM audit.interval_status i
            JOIN _late l ON l.ts >= i.interval_start AND l.ts < i.interval_end
            WHERE i.source = $src AND i.interval_start <> $start
            GROUP BY 1)
        UPDATE audit.interval_status SET status = 'dirty', rows_late = coalesce(rows_late, 0) + hit.n,
               run_id = $run, updated_at = now(), note = $note
        FROM hit WHERE audit.interval_status.source = $src
                   AND audit.interval_status.interval_start = hit.interval_start
        """,
        {"src": source, "start": run.interval_start, "run": run.run_id, "note": note},
    ).fetchone()
    return int(n[0]) if n else 0


def _overlapping_files(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    label: str,
    stats: dict[str, Any],
    include_self: bool,
) -> list[str]:
    rows = con.execute(
        """SELECT file FROM audit.load_manifest
           WHERE source = $s AND status = 'loaded' AND ($self OR file <> $f) AND rows_loaded > 0
             AND (key_min IS NULL OR $kmin IS NULL OR NOT (key_max < $kmin OR key_min > $kmax))
             AND (ts_min IS NULL OR $tmin IS NULL
                  OR NOT (ts_max < CAST($tmin AS TIMESTAMPTZ) OR ts_min > CAST($tmax AS TIMESTAMPTZ)))""",
        {
            "s": contract.name,
            "f": label,
            "self": include_self,
            "kmin": stats["kmin"],
            "kmax": stats["kmax"],
            "tmin": stats["tmin"],
            "tmax": stats["tmax"],
        },
    ).fetchall()
    return [r[0] for r in rows]


def _good_stats(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, Any]:
    """Key and time ranges of the rows still good (as text: no tz objects cross into Python)."""
    k0 = contract.key[0] if contract.key else contract.column_names[0]
    tc = contract.time_column
    t_exprs = (
        f"CAST(min({tc}) AS VARCHAR), CAST(max({tc}) AS VARCHAR)" if tc else "min(NULL), max(NULL)"
    )
    row = con.execute(
        f"SELECT min(CAST({k0} AS VARCHAR)), max(CAST({k0} AS VARCHAR)), {t_exprs} "
        "FROM _chk WHERE _reason IS NULL"
    ).fetchone()
    return {"kmin": row[0], "kmax": row[1], "tmin": row[2], "tmax": row[3]}


def check_and_store(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    label: str,
    checksum: str,
    result: readers.ReadResult,
    fmap: FileMap | None,
    run: LoadRun,
    replay: bool = False,
) -> tuple[int, int]:
    """Checks ``_src`` into ``_chk`` (already created) and stores good and bad rows.

    Returns (rows_loaded, rows_quarantined) including the reader's bad rows.
    """
    stats = _good_stats(con, contract)
    overlapping = _overlapping_files(con, contract, label, stats, include_self=replay)
    mark_duplicates(con, contract, overlapping)
    cols = ", ".join(contract.column_names)
    meta = ", ".join(name for name, _, _ in LOAD_COLUMNS)
    con.execute(
        f"INSERT INTO raw.{contract.name} ({cols}, {meta}) "
        f"SELECT {cols}, $f, _line FROM _chk "
        "WHERE _reason IS NULL AND _line NOT IN (SELECT _line FROM _dup)",
        {"f": label},
    )
    bad_rows = con.execute(
        "SELECT _line, _reason FROM _chk WHERE _reason IS NOT NULL "
        "UNION ALL SELECT _line, reason FROM _dup ORDER BY 1"
    ).fetchall()
    loaded = con.execute("SELECT count(*) FROM _chk").fetchone()[0] - len(bad_rows)
    bad = len(bad_rows)
    if bad_rows and result.source_path is not None:
        texts = readers.extract_lines(result.source_path, [r[0] for r in bad_rows], result.encoding)
        con.executemany(
            "INSERT INTO audit.quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now())",
            [
                (contract.name, label, ln, reason, texts.get(ln), checksum, run.run_id)
                for ln, reason in bad_rows
            ],
        )
    elif bad_rows:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _bad AS SELECT unnest($l) AS _line, unnest($r) AS _reason",
            {"l": [r[0] for r in bad_rows], "r": [r[1] for r in bad_rows]},
        )
        con.execute(
            """INSERT INTO audit.quarantine
               SELECT $s, $f, b._line, b._reason, s._raw, $c, $run, now()
               FROM _bad b JOIN _src s ON s._line = b._line""",
            {"s": contract.name, "f": label, "c": checksum, "run": run.run_id},
        )
    if result.bad:
        con.executemany(
            "INSERT INTO audit.quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now())",
            [
                (contract.name, label, line, reason, raw, checksum, run.run_id)
                for line, reason, raw in result.bad
            ],
        )
    if contract.is_events:
        tc = contract.time_column
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _late AS SELECT {tc} AS ts FROM _chk "
            f"WHERE _reason IS NULL AND {tc} < $start AND _line NOT IN (SELECT _line FROM _dup)",
            {"start": run.interval_start},
        )
        mark_dirty(con, contract.name, run, f"late rows from {label}")
    return int(loaded), int(bad) + len(result.bad)


def load_file(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    path: Path,
    run: LoadRun,
    landing: Path | None = None,
    fmap: FileMap | None = None,
    mapping: str | None = None,
) -> FileResult:
    """Load one file version into raw (see module docstring). Call inside a transaction."""
    label = file_label(path, landing)
    prev = _current_manifest(con, label)
    if (
        prev is None
        and contract.is_events
        and run.defer_future
        and _probe_deferred(con, label, path, run)
    ):
        return FileResult(label, "deferred", note="starts at or after the interval end (cached)")
    early: bulk.CsvRead | None = None
    if prev is None and bulk.overlaps(contract, fmap, path):
        scan, early = bulk.read_while_scanning(con, contract, path)
    else:
        scan = readers.prescan(path)
    if prev is not None and prev[0] == scan.checksum:
        return FileResult(label, "unchanged")
    fmt: str | None = None
    interval_end = run.interval_end if contract.is_events else None
    delimiter = fmap.delimiter if fmap else ","
    br: bulk.BulkRead | None = None
    try:
        fmt = readers.file_format(path, fmap.format if fmap else None)
        if fmt not in contract.formats and fmap is None:
            raise FileRejected(
                f"format {fmt} not allowed for {contract.name} (allowed: {', '.join(contract.formats)})"
            )
        if scan.size == 0:
            raise FileRejected("empty file", "")
        if bulk.gbk_candidate(contract, fmap, fmt, scan, delimiter):
            br = bulk.read_gbk_bulk(con, contract, path, delimiter)
        elif bulk.eligible(contract, fmap, fmt, scan, delimiter):
            if fmt == "csv":
                br = bulk.read_csv_bulk(con, contract, path, scan, delimiter, done=early)
            else:
                br = bulk.read_parquet_bulk(con, contract, path)
        if br is None:
            if early is not None:
                bulk.cleanup(con)
            result = readers.read_file(
                con, path, fmt, scan, delimiter, fmap.encoding if fmap else None
            )
            proj = build_projection(contract, result.columns, fmap)
            create_check_table(con, contract, proj, interval_end)
    except FileRejected as exc:
        if early is not None:
            bulk.cleanup(con)
        if prev is not None:
            _remove_previous(con, contract, label, run)
        return quarantine_file(con, contract, label, scan, run, exc.reason, exc.raw, fmt, mapping)
    if br is not None:
        try:
            return load_bulk(con, contract, label, scan, br, run, prev, fmt, mapping)
        finally:
            bulk.cleanup(con)
    if contract.is_events and run.defer_future:
        tc = contract.time_column
        row = con.execute(
            f"SELECT CAST(min({tc}) AS VARCHAR), min({tc}) >= $end FROM _chk",
            {"end": run.interval_end},
        ).fetchone()
        if row[0] is not None and row[1]:
            if prev is None:
                _save_probe(con, label, path, row[0])
            return FileResult(
                label, "deferred", note=f"earliest {tc} {row[0]} is not before the interval end"
            )
    if prev is not None:
        _remove_previous(con, contract, label, run)
    loaded, quarantined = check_and_store(con, contract, label, scan.checksum, result, fmap, run)
    notes = result.notes + proj.notes
    return _finish(
        con,
        contract,
        label,
        scan,
        run,
        fmt,
        mapping,
        (result.encoding, result.delimiter, result.header),
        loaded,
        quarantined,
        _loaded_stats(con, contract, label),
        notes,
    )


def _finish(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    label: str,
    scan: PreScan,
    run: LoadRun,
    fmt: str | None,
    mapping: str | None,
    text: tuple[str | None, str | None, str | None],
    loaded: int,
    quarantined: int,
    stats: dict[str, Any],
    notes: list[str],
) -> FileResult:
    """The manifest row of a loaded file (``rows_in = rows_loaded + rows_quarantined``)."""
    rows_in = loaded + quarantined
    con.execute(
        """INSERT INTO audit.load_manifest VALUES ($f, $s, $c, $fmt, $enc, $delim, $hdr, $m, $size,
               $rin, $rl, $rq, CAST($tmin AS TIMESTAMPTZ), CAST($tmax AS TIMESTAMPTZ), $kmin, $kmax,
               $note, now(), $run, 'loaded')""",
        {
            "f": label,
            "s": contract.name,
            "c": scan.checksum,
            "fmt": fmt,
            "enc": text[0],
            "delim": text[1],
            "hdr": text[2],
            "m": mapping,
            "size": scan.size,
            "rin": rows_in,
            "rl": loaded,
            "rq": quarantined,
            "tmin": stats["tmin"],
            "tmax": stats["tmax"],
            "kmin": stats["kmin"],
            "kmax": stats["kmax"],
            "note": "; ".join(notes) or None,
            "run": run.run_id,
        },
    )
    con.execute("DELETE FROM audit.landing_probe WHERE file = $f", {"f": label})
    for n in notes:
        log.warning("%s: %s", label, n)
    log.info("%s -> raw.%s: %d loaded, %d quarantined", label, contract.name, loaded, quarantined)
    return FileResult(label, "loaded", rows_in, loaded, quarantined, "; ".join(notes) or None)


def load_bulk(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    label: str,
    scan: PreScan,
    br: bulk.BulkRead,
    run: LoadRun,
    prev: tuple[str, str] | None,
    fmt: str | None,
    mapping: str | None,
) -> FileResult:
    """The bulk path of one file read into ``_bulk`` (see :mod:`pipelines.ingest.bulk`)."""
    timer = _Timer(label)
    interval_end = run.interval_end if contract.is_events else None
    chk = bulk.check(con, contract, br, interval_end, run.interval_start)
    timer("check")
    tc = contract.time_column
    if contract.is_events and run.defer_future and chk.ts_min_all is not None and chk.future:
        if prev is None:
            _save_probe(con, label, scan_path(br), chk.ts_min_all)
        return FileResult(
            label, "deferred", note=f"earliest {tc} {chk.ts_min_all} is not before the interval end"
        )
    if prev is not None:
        _remove_previous(con, contract, label, run)
    bad: dict[int, str] = dict(chk.bad)
    for line, reason in chk.text_bad:
        bad[line] = reason
    dups: list[tuple[int, str]] = []
    stats = chk.stats
    recompute = False
    if contract.key:
        found = None if chk.tgood else bulk.duplicates_sorted(con, contract, br)
        timer("duplicates (streaming)")
        bulk.create_good_view(con, contract, br)
        if found is None:
            found = bulk.duplicates_hashed(con, contract)
            timer("duplicates (hash)")
        dups = found
        if dups and tc is not None and tc not in contract.key:
            recompute = True
        overlapping = _overlapping_files(con, contract, label, stats, include_self=False)
        if overlapping:
            across = bulk.duplicates_across(
                con, contract, overlapping, stats, [line for line, _ in dups]
            )
            dups += across
            recompute = recompute or bool(across)
            timer("duplicates (across files)")
    for line, reason in dups:
        bad[line] = reason
    reader_bad = {line: (reason, raw) for line, reason, raw in br.bad if line is not None}
    wanted = sorted(set(bad) - set(reader_bad))
    with ThreadPoolExecutor(max_workers=1) as pool:
        # a CSV's quarantined lines are read back from the file (no DuckDB) while DuckDB inserts
        reading = pool.submit(bulk.raw_texts, con, br, wanted) if br.fmt == "csv" else None
        loaded = bulk.insert_good(con, contract, br, sorted(bad), label)
        timer("insert")
        texts = reading.result() if reading else bulk.raw_texts(con, br, wanted)
    rows = [
        (contract.name, label, line, reason, texts.get(line), scan.checksum, run.run_id)
        for line, reason in sorted(bad.items())
    ]
    rows += [
        (contract.name, label, line, reason, raw, scan.checksum, run.run_id)
        for line, (reason, raw) in sorted(reader_bad.items())
    ]
    if rows:
        con.executemany("INSERT INTO audit.quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now())", rows)
    timer("quarantine")
    quarantined = len(rows)
    records = chk.records + len(reader_bad)
    if loaded + quarantined != records:
        raise RuntimeError(
            f"{label}: {records} records but {loaded} loaded + {quarantined} quarantined"
        )
    if recompute:
        stats = _loaded_stats(con, contract, label)
    if contract.is_events and chk.has_late:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _late AS SELECT {tc} AS ts FROM raw.{contract.name} "
            f"WHERE _file = $f AND {tc} < $start",
            {"f": label, "start": run.interval_start},
        )
        mark_dirty(con, contract.name, run, f"late rows from {label}")
    notes = list(br.notes)
    return _finish(
        con,
        contract,
        label,
        scan,
        run,
        fmt,
        mapping,
        (br.encoding, br.delimiter, br.header),
        loaded,
        quarantined,
        stats,
        notes,
    )


def scan_path(br: bulk.BulkRead) -> Path:
    assert br.source_path is not None
    return br.source_path


def _loaded_stats(con: duckdb.DuckDBPyConnection, contract: Contract, label: str) -> dict[str, Any]:
    tc = contract.time_column
    t_exprs = (
        f"CAST(min({tc}) AS VARCHAR), CAST(max({tc}) AS VARCHAR)" if tc else "min(NULL), max(NULL)"
    )
    row = con.execute(
        f"SELECT {t_exprs} FROM raw.{contract.name} WHERE _file = $f", {"f": label}
    ).fetchone()
    k = _key_range(con, contract, label)
    return {"tmin": row[0], "tmax": row[1], "kmin": k[0], "kmax": k[1]}


class _Timer:
    """Debug log of where a file's load spends its time."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.t = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        log.debug("%s: %s %.2f s", self.label, step, now - self.t)
        self.t = now


def _key_range(con: duckdb.DuckDBPyConnection, contract: Contract, label: str) -> tuple[Any, Any]:
    k0 = contract.key[0] if contract.key else contract.column_names[0]
    row = con.execute(
        f"SELECT min(CAST({k0} AS VARCHAR)), max(CAST({k0} AS VARCHAR)) FROM raw.{contract.name} WHERE _file = $f",
        {"f": label},
    ).fetchone()
    return row[0], row[1]


def set_interval_loaded(con: duckdb.DuckDBPyConnection, source: str, run: LoadRun) -> None:
    """Record that the run's own interval of an event source has been ingested (idempotent)."""
    same = con.execute(
        "SELECT count(*) FROM audit.interval_status WHERE source = $s AND interval_start = $a "
        "AND interval_end = $b AND status = 'loaded'",
        {"s": source, "a": run.interval_start, "b": run.interval_end},
    ).fetchone()[0]
    if same:
        return
    con.execute(
        "DELETE FROM audit.interval_status WHERE source = $s AND interval_start = $a AND interval_end = $b",
        {"s": source, "a": run.interval_start, "b": run.interval_end},
    )
    con.execute(
        "INSERT INTO audit.interval_status VALUES ($s, $a, $b, 'loaded', 0, $run, now(), NULL)",
        {"s": source, "a": run.interval_start, "b": run.interval_end, "run": run.run_id},
    )
