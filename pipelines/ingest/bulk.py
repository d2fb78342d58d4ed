"""The bulk path: large, mostly clean CSV and Parquet files in a few vectorised passes.

Readings arrive as millions of rows a day, so the text path of :mod:`checks` (every value as
text, a ``_chk`` copy of the file, a window over every key) is far too slow for them. For a
contract without geometry and a file without a mapping this path makes, after the byte pre-scan:

1. **read**: DuckDB ``read_csv`` with the contract's types (``store_rejects``, in a database of
   its own, handed over as Arrow; large new files while the pre-scan runs) or ``read_parquet``
   (a temp table), seen as the view ``_bulk`` in file order. GBK exports are read through a
   UTF-8 copy. A row's ordinal ``_k`` plus the rejected lines give its exact physical line. Lines DuckDB rejects for a type error, and the rare lines the
   pre-scan found with NUL bytes or non-UTF-8 text, go through the text path one by one (so
   their reasons are exactly those of the text path); wrong field counts are reported as before.
2. **check**: one pass over ``_bulk`` joined once to the lookup of foreign key and physical range
   (``checks.row_checks``, the same checks as the text path) that computes the good rows' key and
   time ranges and collects the few failing rows with their reasons (built only for them).
3. **duplicates**: one streaming pass over the good rows in file order comparing each key with
   the previous one. When the keys never decrease (files written sorted by key, as the sample
   city's and most loggers' are) the duplicates are exactly the repeats of the previous key;
   otherwise a hash aggregate over the key finds them. Keys already loaded from other files are
   looked up only when the manifest says their key and time ranges overlap.
4. **store**: one ``INSERT INTO raw.<source> ... SELECT`` of the good rows (skipped by ordinal,
   ``_file`` and ``_line`` only); the failing rows go to ``audit.quarantine`` with their line
   text read back by line number while DuckDB inserts.
"""

from __future__ import annotations

import bisect
import csv
import json
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.ingest import readers
from pipelines.ingest.checks import build_projection, create_check_table, create_lookups, row_checks
from pipelines.ingest.contracts import LOAD_COLUMNS, Contract
from pipelines.ingest.readers import FileRejected, PreScan

log = logging.getLogger(__name__)

#: Balanced CASE trees number lines past up to this many rejected lines; more use a join.
MAX_GAPS_INLINE = 4096


@dataclass
class BulkRead:
    """A file read into ``_bulk`` plus what the reader found line by line."""

    fmt: str
    columns: list[str]
    rows: int
    typed: dict[str, str]  # contract column -> typed expression over _bulk
    gaps: list[int] = field(default_factory=list)  # CSV: rows before the j-th rejected line - j
    bad: list[tuple[int | None, str, str]] = field(default_factory=list)
    text_lines: dict[int, str] = field(default_factory=dict)  # line -> text for the text path
    excluded: list[int] = field(default_factory=list)  # _k of rows handled by the text path
    typefail: str | None = None  # Parquet: predicate of rows that need the text path
    encoding: str | None = None
    delimiter: str | None = None
    header: str | None = None
    notes: list[str] = field(default_factory=list)
    source_path: Path | None = None
    rejected: list[int] = field(default_factory=list)  # CSV: lines DuckDB rejected, sorted

    def k_expr(self) -> str:
        """Ordinal of a ``_bulk`` row in file order (CSV) or its row number (Parquet)."""
        return "_line" if self.fmt == "parquet" else "_k"

    def line_of(self, k: int) -> int:
        """Physical line of ordinal ``k`` (CSV: header is line 1; Parquet: the row number)."""
        if self.fmt == "parquet":
            return k
        return k + 2 + bisect.bisect_right(self.gaps, k)

    def k_of(self, line: int) -> int | None:
        """Ordinal of the ``_bulk`` row read from ``line`` (None: a line DuckDB rejected)."""
        if self.fmt == "parquet":
            return line
        pos = bisect.bisect_left(self.rejected, line)
        if pos < len(self.rejected) and self.rejected[pos] == line:
            return None
        return line - 2 - pos

    def line_sql(self, k: str) -> str:
        """SQL of :meth:`line_of` (a balanced CASE over the rejected lines)."""
        if self.fmt == "parquet":
            return k
        if not self.gaps:
            return f"({k} + 2)"

        def tree(lo: int, hi: int) -> str:
            # number of gaps <= k among gaps[lo:hi] plus lo
            if lo == hi:
                return str(lo)
            mid = (lo + hi) // 2
            return f"CASE WHEN {k} < {self.gaps[mid]} THEN {tree(lo, mid)} ELSE {tree(mid + 1, hi)} END"

        return f"({k} + 2 + {tree(0, len(self.gaps))})"


def _native(contract: Contract, fmap: Any) -> bool:
    """A file without a mapping, of a contract without geometry: DuckDB reads it as it is."""
    return fmap is None and contract.geometry_column is None


def _plain_csv(fmt: str, scan: PreScan, delimiter: str) -> bool:
    """A non-empty CSV whose physical lines are its records (no quotes, no blank lines)."""
    return (
        fmt == "csv"
        and scan.size > 0
        and not scan.quote
        and not scan.blank_line
        and delimiter not in ("'", '"')
    )


def eligible(contract: Contract, fmap: Any, fmt: str, scan: PreScan, delimiter: str) -> bool:
    """Bulk path for files without a mapping, of contracts without geometry, read natively."""
    if not _native(contract, fmap):
        return False
    if fmt == "parquet":
        return True
    special = scan.special_lines
    return _plain_csv(fmt, scan, delimiter) and special is not None and 1 not in special


def gbk_candidate(contract: Contract, fmap: Any, fmt: str, scan: PreScan, delimiter: str) -> bool:
    """A GBK export too Chinese for the bulk path's line-by-line handling of non-UTF-8 lines.

    Its non-ASCII lines are all non-UTF-8 and either more than ``readers.MAX_SPECIAL_LINES``
    of them or the header among them; otherwise it is fit for the bulk path.
    """
    special = scan.special_lines
    return (
        (special is None or 1 in special)
        and _native(contract, fmap)
        and _plain_csv(fmt, scan, delimiter)
        and not (scan.bom or scan.nul or scan.utf8_ok or scan.utf8_non_ascii)
    )


def transcode_gbk(path: Path) -> Path | None:
    """A UTF-8 copy of a GB18030 file (None when some line is not GB18030 either).

    GB18030 never uses the byte of ``\n`` inside a character, so the copy has the same lines
    and the bulk path's line numbers hold for the original; quarantine text is read from the
    original with its own encoding.
    """
    try:
        text = path.read_bytes().decode("gb18030")
    except UnicodeDecodeError:
        return None
    fd, name = tempfile.mkstemp(prefix="gbk_", suffix=".csv")
    with os.fdopen(fd, "wb") as fh:
        fh.write(text.encode("utf-8"))
    return Path(name)


def read_gbk_bulk(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, delimiter: str = ","
) -> BulkRead | None:
    """The bulk read of a GBK CSV through a UTF-8 copy (deleted once DuckDB has read it)."""
    copy = transcode_gbk(path)
    if copy is None:
        return None
    try:
        scan = readers.prescan(copy)
        if not eligible(contract, None, "csv", scan, delimiter):
            return None
        br = read_csv_bulk(con, contract, copy, scan, delimiter)
    finally:
        copy.unlink(missing_ok=True)
    if br is not None:
        br.source_path = path
        br.encoding = "gbk"
    return br


def _gbk_file(scan: PreScan) -> bool:
    """Same rule as ``readers._detect_encoding``: only non-UTF-8 non-ASCII lines, all GB18030."""
    if scan.bom or not scan.bad_utf8_lines or scan.utf8_non_ascii:
        return False
    try:
        for raw in scan.bad_utf8_lines.values():
            raw.rstrip(b"\r").decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class CsvRead:
    """Outcome of the typed ``read_csv`` into ``_bulk``, before the pre-scan is consulted."""

    names: list[str]
    header: str
    typed: dict[str, str]
    notes: list[str]
    rejects: list[tuple[Any, Any, Any]]
    rows: int


def read_csv_raw(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path, delimiter: str = ","
) -> CsvRead:
    """Typed ``read_csv`` with ``store_rejects`` into ``_bulk`` (needs only the header)."""
    header_bytes = readers._first_line(path)
    if not header_bytes.strip(readers.BOM + b" \t"):
        raise FileRejected("empty file or empty header line", "")
    header_text = header_bytes.decode("utf-8-sig")
    names = readers.parse_header(header_text, delimiter)
    proj = build_projection(contract, names, None)
    types = {f"c{i}": "VARCHAR" for i in range(len(names))}
    typed: dict[str, str] = {}
    for col in contract.columns:
        text = proj.text[col.name]
        if text is None:
            typed[col.name] = f"CAST(NULL AS {col.type})"
        else:
            types[text] = col.type
            typed[col.name] = text
    # Arrow, not a temp table: inside the load's transaction a temp table is transaction-local
    # storage, and INSERT ... SELECT from it into raw ran at half the speed of the same INSERT
    # from Arrow (issue 8). The ordinal ``_k`` (file order among accepted lines) is a column.
    read = readers.read_csv_rejects(path, delimiter, types)
    rows = read.table.num_rows
    _register_bulk(con, read.table.append_column("_k", pa.array(np.arange(rows, dtype=np.int64))))
    rejects = [(line, etypes, text) for line, etypes, _, text in read.rejects]
    return CsvRead(names, header_text, typed, list(proj.notes), rejects, rows)


#: ``_bulk`` is always a temp view: over the Arrow table of a CSV read (registered under
#: ``ARROW_NAME``) or over the temp table of a Parquet read (``PARQUET_TABLE``), so that the
#: cleanup never has to guess which kind of object it drops (a failing statement would abort
#: the load's transaction).
ARROW_NAME = "_bulk_csv"
PARQUET_TABLE = "_bulk_parquet"


def _register_bulk(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    _unregister_bulk(con)
    con.register(ARROW_NAME, table)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _bulk AS SELECT * FROM {ARROW_NAME}")


def _unregister_bulk(con: duckdb.DuckDBPyConnection) -> None:
    """Drop ``_bulk`` and the Arrow registration behind it, if any (never a failing statement:
    an error inside the load's transaction would abort it)."""
    con.execute("DROP VIEW IF EXISTS _bulk")
    registered = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = $n",
        {"n": ARROW_NAME},
    ).fetchone()[0]
    if registered:
        con.unregister(ARROW_NAME)


#: New CSV files at least this large are read by DuckDB while the pre-scan runs in a thread.
OVERLAP_MIN_BYTES = 32 * 1024 * 1024


def overlaps(contract: Contract, fmap: Any, path: Path) -> bool:
    """Worth reading before the pre-scan: a large CSV that the bulk path will most likely take."""
    return (
        _native(contract, fmap)
        and "csv" in contract.formats
        and readers.SUFFIX_FORMATS.get(path.suffix.lower()) == "csv"
        and path.stat().st_size >= OVERLAP_MIN_BYTES
        and _starts_as_utf8(path)
    )


def _starts_as_utf8(path: Path, probe: int = 1 << 20) -> bool:
    """The first MiB decodes as UTF-8: a GBK export would make DuckDB reject every Chinese line."""
    with open(path, "rb") as fh:
        head = fh.read(probe)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut at the probe's end
    return True


def read_while_scanning(
    con: duckdb.DuckDBPyConnection, contract: Contract, path: Path
) -> tuple[PreScan, CsvRead | None]:
    """The pre-scan (Python, in a thread) and DuckDB's read (which releases the GIL) at once.

    The read is only used when the pre-scan then says the file is fit for the bulk path; a
    read that fails is dropped and the file goes the usual way.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(readers.prescan, path)
        try:
            raw: CsvRead | None = read_csv_raw(con, contract, path)
        except (duckdb.Error, FileRejected, UnicodeDecodeError, csv.Error) as exc:
            log.debug("%s: speculative read failed (%s); reading after the pre-scan", path, exc)
            raw = None
        scan = scanning.result()
    return scan, raw


def read_csv_bulk(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    path: Path,
    scan: PreScan,
    delimiter: str = ",",
    done: CsvRead | None = None,
) -> BulkRead | None:
    """Typed ``read_csv`` into ``_bulk``; None when DuckDB's lines disagree with the pre-scan.

    ``done``: the read already made by :func:`read_while_scanning` (same delimiter).
    """
    raw = done if done is not None else read_csv_raw(con, contract, path, delimiter)
    names, header_text, typed = raw.names, raw.header, raw.typed
    n = len(names)
    rejects, rows = raw.rejects, raw.rows
    if rows + len(rejects) != scan.lines - 1:
        log.warning(
            "%s: DuckDB read %d rows and %d rejected lines of %d; using the slow path",
            path,
            rows,
            len(rejects),
            scan.lines - 1,
        )
        return None
    enc = "utf-8-sig" if scan.bom else ("gbk" if _gbk_file(scan) else "utf-8")
    dec_enc = "utf-8" if enc == "utf-8-sig" else enc
    br = BulkRead(
        fmt="csv",
        columns=names,
        rows=int(rows),
        typed=typed,
        encoding=enc,
        delimiter=delimiter,
        header=header_text,
        source_path=path,
        notes=list(raw.notes),
    )
    rejected_lines = [int(r[0]) for r in rejects]
    br.rejected = rejected_lines
    br.gaps = [ln - 2 - j for j, ln in enumerate(rejected_lines)]
    special = scan.special_lines or {}
    total_lines = scan.lines
    for line, etypes, text in rejects:
        line = int(line)
        if line in special:
            continue
        if any(e in ("MISSING COLUMNS", "TOO MANY COLUMNS") for e in etypes):
            found = len(next(csv.reader([text or ""], delimiter=delimiter))) if text else 0
            reason = f"wrong number of fields: expected {n}, found {found}"
            if not scan.ends_with_newline and line == total_lines:
                reason += " (truncated last line)"
            br.bad.append((line, reason, text or ""))
        elif all(e == "CAST" for e in etypes):
            br.text_lines[line] = (text or "").rstrip("\r")
        else:
            reason = f"unreadable CSV line ({str(etypes[0]).lower()})"
            br.bad.append((line, reason, text or ""))
    nul = scan.nul_lines or {}
    for line, raw in sorted(special.items()):
        pos = bisect.bisect_left(rejected_lines, line)
        if pos >= len(rejected_lines) or rejected_lines[pos] != line:
            br.excluded.append(line - 2 - pos)  # DuckDB accepted the line: drop its row
        raw = raw.rstrip(b"\r")
        if line in nul:
            text = raw.replace(b"\x00", b"\\x00").decode(dec_enc, "backslashreplace")
            br.bad.append((line, "NUL byte in line", text))
        elif enc == "gbk":
            br.text_lines[line] = raw.decode("gb18030")
        else:
            text = raw.decode(dec_enc, "backslashreplace")
            br.bad.append((line, f"line is not valid {enc} text (mixed encoding)", text))
    if special:
        br.notes.append(
            f"{len(special)} line(s) with NUL bytes or non-UTF-8 text checked one by one"
        )
    return br


def read_parquet_bulk(con: duckdb.DuckDBPyConnection, contract: Contract, path: Path) -> BulkRead:
    """``read_parquet`` into ``_bulk`` with native types; values that do not cast are typefails."""
    import pyarrow.parquet as pq

    try:
        pq.ParquetFile(path).metadata  # noqa: B018 - reading the footer is the check
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise FileRejected(f"unreadable Parquet: {exc}", None) from exc
    described = con.execute(
        "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($p))",
        {"p": str(path)},
    ).fetchall()
    names = [str(r[0]) for r in described]
    select = ", ".join(f"#{i + 1} AS c{i}" for i in range(len(names)))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {PARQUET_TABLE} AS SELECT file_row_number + 1 AS _line"
        f"{', ' if select else ''}{select} "
        "FROM (SELECT * FROM read_parquet($p, file_row_number = true))",
        {"p": str(path)},
    )
    _unregister_bulk(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _bulk AS SELECT * FROM {PARQUET_TABLE}")
    proj = build_projection(contract, names, None)
    typed: dict[str, str] = {}
    fails: list[str] = []
    for col in contract.columns:
        text = proj.text[col.name]
        if text is None:
            typed[col.name] = f"CAST(NULL AS {col.type})"
            continue
        i = int(text[1:])
        native = con.execute(f"SELECT typeof(CAST(NULL AS {col.type}))").fetchone()[0]
        if str(described[i][1]).upper() == str(native).upper():
            typed[col.name] = text
        else:
            typed[col.name] = f"TRY_CAST({text} AS {col.type})"
            fails.append(f"({text} IS NOT NULL AND {typed[col.name]} IS NULL)")
    rows = con.execute("SELECT count(*) FROM _bulk").fetchone()[0]
    return BulkRead(
        fmt="parquet",
        columns=names,
        rows=int(rows),
        typed=typed,
        typefail=" OR ".join(fails) or None,
        source_path=path,
        notes=list(proj.notes),
    )


def _text_path(
    con: duckdb.DuckDBPyConnection, contract: Contract, br: BulkRead, interval_end: Any
) -> tuple[list[tuple[int, str]], int]:
    """Check the few lines the bulk read could not type through the text path.

    Returns the failing (line, reason) and leaves the passing rows in ``_tgood``.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _tgood AS SELECT CAST(NULL AS BIGINT) AS _line, "
        + ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in contract.columns)
        + " WHERE false"
    )
    n = len(br.columns)
    if br.fmt == "csv":
        records: list[tuple[int, str, list[str | None]]] = []
        for line, text in sorted(br.text_lines.items()):
            fields = next(csv.reader([text], delimiter=br.delimiter or ","), [])
            if len(fields) != n:
                br.bad.append(
                    (line, f"wrong number of fields: expected {n}, found {len(fields)}", text)
                )
                continue
            records.append((line, text, [v if v != "" else None for v in fields]))
        if not records:
            return [], 0
        readers._register(con, readers._rows_to_columns(n, records))
        count = len(records)
    else:
        if not br.typefail:
            return [], 0
        texts = ", ".join(f"CAST(c{i} AS VARCHAR) AS c{i}" for i in range(n))
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW _src AS SELECT _line, {texts} FROM _bulk WHERE {br.typefail}"
        )
        count = con.execute("SELECT count(*) FROM _src").fetchone()[0]
        if not count:
            return [], 0
    proj = build_projection(contract, br.columns, None)
    create_check_table(con, contract, proj, interval_end)
    cols = ", ".join(contract.column_names)
    con.execute(f"INSERT INTO _tgood SELECT _line, {cols} FROM _chk WHERE _reason IS NULL")
    bad = con.execute(
        "SELECT _line, _reason FROM _chk WHERE _reason IS NOT NULL ORDER BY _line"
    ).fetchall()
    return [(int(a), str(b)) for a, b in bad], int(count)


@dataclass
class BulkChecked:
    """Outcome of the check pass."""

    bad: list[tuple[int, str]]  # (line, reason) of rows failing a row check
    text_bad: list[tuple[int, str]]
    records: int  # rows read (bulk + text path), excluding the reader's bad lines
    stats: dict[str, Any]
    ts_min_all: str | None
    future: bool
    has_late: bool
    tgood: int


def check(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    br: BulkRead,
    interval_end: Any,
    interval_start: Any,
) -> BulkChecked:
    """One pass: row checks over ``_bulk`` (failing rows only keep a reason) and good ranges."""
    text_bad, text_count = _text_path(con, contract, br, interval_end)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _bexcl AS SELECT unnest($k::BIGINT[]) AS k",
        {"k": br.excluded},
    )
    where = []
    if br.excluded:
        where.append(f"{br.k_expr()} NOT IN (SELECT k FROM _bexcl)")
    if br.typefail:
        where.append(f"NOT coalesce({br.typefail}, false)")
    cols = ", ".join(f"{br.typed[c.name]} AS {c.name}" for c in contract.columns)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _bt AS SELECT {br.k_expr()} AS _k, {cols} FROM _bulk"
        + (f" WHERE {' AND '.join(where)}" if where else "")
    )
    params: dict[str, Any] = {}

    def bind(value: Any) -> str:
        name = f"b{len(params)}"
        params[name] = value
        return f"${name}"

    create_lookups(con, contract)
    rc = row_checks(contract, interval_end, bind)
    k0 = contract.key[0] if contract.key else contract.column_names[0]
    tc = contract.time_column
    fails = rc.fails_sql()
    t_all = (
        f"CAST(min({tc}) AS VARCHAR), coalesce(min({tc}) >= {bind(interval_end)}, false)"
        if tc and interval_end is not None
        else f"CAST(min({tc}) AS VARCHAR), false"
        if tc
        else "NULL, false"
    )
    t_good = (
        f"CAST(min({tc}) FILTER (WHERE NOT _f) AS VARCHAR), "
        f"CAST(max({tc}) FILTER (WHERE NOT _f) AS VARCHAR), "
        f"coalesce(min({tc}) FILTER (WHERE NOT _f) < {bind(interval_start)}, false)"
        if tc
        else "NULL, NULL, false"
    )
    sql = (
        f"CREATE OR REPLACE TEMP TABLE _bstat AS SELECT count(*) AS n, {t_all}, "
        f"min(CAST({k0} AS VARCHAR)) FILTER (WHERE NOT _f), "
        f"max(CAST({k0} AS VARCHAR)) FILTER (WHERE NOT _f), {t_good}, "
        "list({'k': _k, 'r': _r} ORDER BY _k) FILTER (WHERE _f) AS bad "
        f"FROM (SELECT t.*, {fails} AS _f, CASE WHEN {fails} THEN {rc.reason_sql()} END AS _r "
        f"FROM _bt t {' '.join(rc.joins)})"
    )
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    row = con.execute("SELECT * EXCLUDE (bad) FROM _bstat").fetchone()
    n, ts_all, future, kmin, kmax, tmin, tmax, has_late = row
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _bbad AS SELECT b.k, b.r FROM "
        "(SELECT unnest(bad) AS b FROM _bstat)"
    )
    bad = [
        (br.line_of(int(k)), str(r))
        for k, r in con.execute("SELECT k, r FROM _bbad ORDER BY k").fetchall()
    ]
    tgood = con.execute("SELECT count(*) FROM _tgood").fetchone()[0]
    stats = {"kmin": kmin, "kmax": kmax, "tmin": tmin, "tmax": tmax}
    if tgood or text_count:
        stats, ts_all, future, has_late = _merge_text_stats(
            con, contract, stats, ts_all, future, has_late, interval_end, interval_start
        )
    return BulkChecked(
        bad=bad,
        text_bad=text_bad,
        records=int(n) + text_count,
        stats=stats,
        ts_min_all=ts_all,
        future=bool(future),
        has_late=bool(has_late),
        tgood=int(tgood),
    )


def _merge_text_stats(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    stats: dict[str, Any],
    ts_all: str | None,
    future: bool,
    has_late: bool,
    interval_end: Any,
    interval_start: Any,
) -> tuple[dict[str, Any], str | None, bool, bool]:
    """Fold the text path's rows (``_chk`` all, ``_tgood`` good) into the bulk statistics."""
    k0 = contract.key[0] if contract.key else contract.column_names[0]
    tc = contract.time_column
    row = con.execute(
        f"SELECT min(CAST({k0} AS VARCHAR)), max(CAST({k0} AS VARCHAR))"
        + (f", CAST(min({tc}) AS VARCHAR), CAST(max({tc}) AS VARCHAR)" if tc else ", NULL, NULL")
        + " FROM _tgood"
    ).fetchone()
    out = dict(stats)
    for key, value, pick in (
        ("kmin", row[0], min),
        ("kmax", row[1], max),
        ("tmin", row[2], min),
        ("tmax", row[3], max),
    ):
        if value is not None:
            # compare as the warehouse does (timestamps as text share one offset format)
            out[key] = value if out[key] is None else pick(out[key], value)
    if tc:
        r2 = con.execute(
            f"SELECT CAST(min({tc}) AS VARCHAR), coalesce(min({tc}) >= $e, false) FROM "
            f"(SELECT {tc} FROM _chk UNION ALL SELECT {tc} FROM _bt)",
            {"e": interval_end},
        ).fetchone()
        ts_all, future = r2[0], bool(r2[1])
        late = con.execute(
            f"SELECT count(*) FROM _tgood WHERE {tc} < $s", {"s": interval_start}
        ).fetchone()[0]
        has_late = has_late or bool(late)
    return out, ts_all, future, has_late


def _hash(contract: Contract, prefix: str = "") -> str:
    return "hash(" + ", ".join(f"{prefix}{c}" for c in contract.column_names) + ")"


def duplicates_sorted(
    con: duckdb.DuckDBPyConnection, contract: Contract, br: BulkRead
) -> list[tuple[int, str]] | None:
    """Within-file duplicates from one streaming pass, or None when the keys ever decrease.

    The pass compares every good row with the previous good row in file order, and checks that
    the window saw exactly that order (one chain that only ever steps forward), else it gives
    up. With non-decreasing keys, a key's occurrences are
    adjacent, so the duplicates are exactly the rows whose key equals the previous row's.
    """
    key = list(contract.key)
    cols = contract.column_names
    lags = ", ".join(f"lag({c}) OVER () AS _p_{c}" for c in cols)
    gt = _tuple_cmp(key, ">")
    eq = " AND ".join(f"{k} = _p_{k}" for k in key)
    rows = con.execute(
        f"""
        SELECT _k, _pk, coalesce({eq}, false), {_hash(contract)}, {_hash(contract, "_p_")}
        FROM (SELECT _k, {", ".join(cols)}, lag(_k) OVER () AS _pk, {lags}
              FROM _bt WHERE _k NOT IN (SELECT k FROM _bbad))
        WHERE _pk IS NULL OR _pk >= _k OR NOT coalesce({gt}, false)
        ORDER BY _k
        """
    ).fetchall()
    # the window must have seen one chain in file order: one start, every step forward
    if sum(1 for r in rows if r[1] is None) > 1:
        return None
    first: dict[int, int] = {}
    first_hash: dict[int, int] = {}
    out: list[tuple[int, str]] = []
    for k, pk, is_eq, h, ph in rows:
        if pk is None:
            continue
        if pk >= k or not is_eq:
            return None
        f = first.get(pk)
        if f is None:
            f = pk
            first_hash[f] = ph
        first[k] = f
        kind = "duplicate row" if h == first_hash[f] else "duplicate key"
        out.append((br.line_of(k), f"{kind} (first at line {br.line_of(f)})"))
    return out


def _tuple_cmp(cols: list[str], op: str) -> str:
    """Lexicographic ``(cols) op (previous cols)`` for ``>`` (NULL when a value is NULL)."""
    terms = []
    for i, c in enumerate(cols):
        eqs = [f"{p} = _p_{p}" for p in cols[:i]]
        terms.append("(" + " AND ".join([*eqs, f"{c} {op} _p_{c}"]) + ")")
    return "(" + " OR ".join(terms) + ")"


def create_good_view(con: duckdb.DuckDBPyConnection, contract: Contract, br: BulkRead) -> None:
    """``_bgood``: every good row with its physical line (bulk rows plus the text path's)."""
    cols = ", ".join(contract.column_names)
    _create_gap_table(con, br)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _bgood AS "
        f"SELECT {_line_expr(br)} AS _line, {cols} FROM _bt "
        f"WHERE _k NOT IN (SELECT k FROM _bbad) "
        f"UNION ALL SELECT _line, {cols} FROM _tgood"
    )


def _create_gap_table(con: duckdb.DuckDBPyConnection, br: BulkRead) -> None:
    if len(br.gaps) > MAX_GAPS_INLINE:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _bgaps AS SELECT unnest($g::BIGINT[]) AS g",
            {"g": br.gaps},
        )


def _line_expr(br: BulkRead) -> str:
    if len(br.gaps) > MAX_GAPS_INLINE and br.fmt == "csv":
        return "(_k + 2 + (SELECT count(*) FROM _bgaps WHERE g <= _k))"
    return br.line_sql("_k")


def duplicates_hashed(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[tuple[int, str]]:
    """Within-file duplicates by a hash aggregate over the key (any order): first line wins."""
    key = ", ".join(contract.key)
    on = " AND ".join(f"d.{k} = g.{k}" for k in contract.key)
    rows = con.execute(
        f"""
        SELECT _line, reason FROM (
            SELECT _line, CASE WHEN first_value(h) OVER w = h THEN 'duplicate row'
                               ELSE 'duplicate key' END
                   || ' (first at line ' || first_value(_line) OVER w || ')' AS reason,
                   row_number() OVER w AS rn
            FROM (SELECT g._line, {", ".join(f"g.{k}" for k in contract.key)},
                         {_hash(contract, "g.")} AS h
                  FROM _bgood g JOIN (SELECT {key} FROM _bgood GROUP BY {key}
                                      HAVING count(*) > 1) d ON {on})
            WINDOW w AS (PARTITION BY {key} ORDER BY _line)
        ) WHERE rn > 1 ORDER BY _line
        """
    ).fetchall()
    return [(int(a), str(b)) for a, b in rows]


def duplicates_across(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    files: list[str],
    stats: dict[str, Any],
    skip: list[int],
) -> list[tuple[int, str]]:
    """Good rows whose key is already loaded from an overlapping file (that file wins)."""
    on = " AND ".join(f"r.{k} = c.{k}" for k in contract.key)
    tc = contract.time_column
    prune = ""
    params: dict[str, Any] = {"files": files, "skip": skip}
    # zone maps skip the row groups of other days and of other key ranges
    if tc and stats.get("tmin") is not None:
        prune += f" AND {tc} BETWEEN CAST($tmin AS TIMESTAMPTZ) AND CAST($tmax AS TIMESTAMPTZ)"
        params |= {"tmin": stats["tmin"], "tmax": stats["tmax"]}
    if stats.get("kmin") is not None:
        k0 = contract.key[0]
        prune += f" AND CAST({k0} AS VARCHAR) BETWEEN $kmin AND $kmax"
        params |= {"kmin": stats["kmin"], "kmax": stats["kmax"]}
    rows = con.execute(
        f"""
        SELECT c._line,
               CASE WHEN {_hash(contract, "c.")} = {_hash(contract, "r.")}
                    THEN 'duplicate row' ELSE 'duplicate key' END
               || ' (already loaded from ' || r._file || ' line ' || r._line || ')'
        FROM _bgood c
        JOIN (SELECT * FROM raw.{contract.name} WHERE list_contains($files, _file){prune}) r
          ON {on}
        WHERE NOT list_contains($skip, c._line)
        ORDER BY c._line
        """,
        params,
    ).fetchall()
    return [(int(a), str(b)) for a, b in rows]


def insert_good(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    br: BulkRead,
    skip_lines: list[int],
    label: str,
) -> int:
    """INSERTs of every good row that is not a duplicate; returns the rows inserted.

    The bulk rows are filtered by ordinal (the failing and duplicate lines mapped back to
    ``_k``), so the line number is computed only for the rows that are stored.
    """
    cols = ", ".join(contract.column_names)
    meta = ", ".join(name for name, _, _ in LOAD_COLUMNS)
    skip_k = [k for k in (br.k_of(line) for line in skip_lines) if k is not None]
    _create_gap_table(con, br)
    where = ""
    if skip_k:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _bskip AS SELECT unnest($k::BIGINT[]) AS k",
            {"k": skip_k},
        )
        where = " WHERE _k NOT IN (SELECT k FROM _bskip)"
    n = con.execute(
        f"INSERT INTO raw.{contract.name} ({cols}, {meta}) "
        f"SELECT {cols}, $f, {_line_expr(br)} FROM _bt{where}",
        {"f": label},
    ).fetchone()[0]
    if con.execute("SELECT count(*) FROM _tgood").fetchone()[0]:
        n += con.execute(
            f"INSERT INTO raw.{contract.name} ({cols}, {meta}) "
            f"SELECT {cols}, $f, _line FROM _tgood WHERE NOT list_contains($skip, _line)",
            {"f": label, "skip": skip_lines},
        ).fetchone()[0]
    return int(n)


def raw_texts(con: duckdb.DuckDBPyConnection, br: BulkRead, lines: list[int]) -> dict[int, str]:
    """Quarantine ``raw`` of the given lines: the line text (CSV) or the row as JSON (Parquet).

    For CSV only the file is read, never ``con``: the load calls it in a thread meanwhile.
    """
    if not lines:
        return {}
    if br.fmt == "csv":
        assert br.source_path is not None
        return readers.extract_lines(br.source_path, lines, br.encoding)
    rows = con.execute(
        "SELECT _line, CAST(to_json(b) AS VARCHAR) FROM _bulk b WHERE list_contains($l, _line)",
        {"l": lines},
    ).fetchall()
    out = {}
    for line, text in rows:
        # to_json names the columns c0..cN: give them back their file names
        obj = json.loads(text)
        named = {br.columns[int(k[1:])]: v for k, v in obj.items() if k != "_line"}
        out[int(line)] = json.dumps(named, ensure_ascii=False, separators=(",", ":"))
    return out


def cleanup(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the per-file temp objects so that memory is returned before the next file."""
    for view in ("_bt", "_bgood", "_src"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    _unregister_bulk(con)
    for table in (PARQUET_TABLE, "_bstat", "_bbad", "_bexcl", "_bskip", "_bgaps", "_tgood"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
