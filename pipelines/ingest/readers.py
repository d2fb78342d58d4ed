"""Readers: put one landing file into the temp view ``_src`` of a DuckDB connection.

``_src`` always has ``_line`` (1-based physical line, header = 1; row number for Parquet, feature
number for GeoJSON), ``_raw`` (the original line text, or the record as JSON) and the file's
columns as ``c0 .. cN`` (VARCHAR), named by position so that no header text is ever formatted
into SQL. Problems the reader itself finds (undecodable lines, NUL bytes, wrong field counts,
unparseable JSON) come back as ``bad`` rows with exact line numbers; problems with the file as
a whole come back as ``file_error``.

Large files of contracts without geometry and without a mapping take the bulk path instead
(:mod:`pipelines.ingest.bulk`); the pre-scan here locates their rare NUL and non-UTF-8 lines so
that those lines alone are handled one by one.

CSV has two paths. The fast path (the usual case, and the one that matters for millions of
readings) is one byte-level pre-scan in 16 MiB chunks (checksum, UTF-8 check, NUL bytes, quote
characters, blank lines), then DuckDB's parallel ``read_csv`` with ``store_rejects``; DuckDB keeps
file order in the temp table (``preserve_insertion_order``), and the rejected lines it reports
give the exact physical line of every other row. A file with quotes, blank lines, NUL bytes or
non-UTF-8 text takes the slow path: Python decodes it line by line, quarantines the bad lines
and parses the rest with the ``csv`` module (which handles quoted newlines).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

log = logging.getLogger(__name__)

CHUNK = 16 * 1024 * 1024
BOM = codecs.BOM_UTF8
#: Formats by file suffix.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".geojson": "geojson",
}


class FileRejected(Exception):
    """The file as a whole cannot be read; ``raw`` is what is kept in quarantine."""

    def __init__(self, reason: str, raw: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.raw = raw


#: At most this many NUL / non-UTF-8 lines are located by the pre-scan and handled line by line
#: inside the fast path; a file with more takes the slow path.
MAX_SPECIAL_LINES = 10_000


@dataclass
class PreScan:
    """What one pass over the bytes found."""

    checksum: str
    size: int
    bom: bool = False
    utf8_ok: bool = True
    nul: bool = False
    quote: bool = False
    blank_line: bool = False
    ends_with_newline: bool = True
    #: Physical lines (the last one counts even without a final newline).
    lines: int = 0
    #: Line numbers (1-based) of lines holding NUL bytes / bytes that are not UTF-8, with their
    #: bytes (``None`` when more than :data:`MAX_SPECIAL_LINES` were found: use the slow path).
    nul_lines: dict[int, bytes] | None = field(default_factory=dict)
    bad_utf8_lines: dict[int, bytes] | None = field(default_factory=dict)
    #: Some non-ASCII line is valid UTF-8 (decides GBK detection like ``_detect_encoding``).
    utf8_non_ascii: bool = False

    @property
    def special_lines(self) -> dict[int, bytes] | None:
        """NUL and non-UTF-8 lines together (None when too many to handle one by one)."""
        if self.nul_lines is None or self.bad_utf8_lines is None:
            return None
        return {**self.bad_utf8_lines, **self.nul_lines}


@dataclass
class ReadResult:
    """Outcome of reading one file into ``_src``."""

    fmt: str
    columns: list[str]
    rows: int
    bad: list[tuple[int | None, str, str]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header: str | None = None
    notes: list[str] = field(default_factory=list)
    #: Set by the fast CSV path: quarantined lines are read back from this file by number.
    source_path: Path | None = None


def file_format(path: Path, declared: str | None = None) -> str:
    """Format declared by a mapping, else by suffix; unknown suffixes are rejected."""
    if declared:
        return declared
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileRejected(f"unsupported file type {path.suffix!r}")
    return fmt


def checksum(path: Path) -> str:
    """SHA-256 of the file (the identity of a file version)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


_SURROGATE = re.compile("[\udc80-\udcff]+")
_NON_ASCII_TEXT = re.compile("[^\x00-\x7f\udc80-\udcff]")
#: A whole line of valid UTF-8 text holding a non-ASCII character.
_UTF8_NON_ASCII_LINE = re.compile(
    "^[^\n\udc80-\udcff]*[^\x00-\x7f\udc80-\udcff][^\n\udc80-\udcff]*$", re.MULTILINE
)


def _lines_of(
    text: str | bytes, positions: list[int], first_line: int
) -> list[tuple[int, int, int]]:
    """(line number, start, end) of the lines holding ``positions`` (sorted), counted once."""
    nl = "\n" if isinstance(text, str) else b"\n"
    out: list[tuple[int, int, int]] = []
    line, counted = first_line, 0
    for pos in positions:
        if out and pos <= out[-1][2]:
            continue
        line += text.count(nl, counted, pos)
        start = text.rfind(nl, 0, pos) + 1
        end = text.find(nl, pos)
        end = len(text) if end < 0 else end
        out.append((line, start, end))
        counted = start
    return out


def _add_special(scan: PreScan, attr: str, found: dict[int, bytes]) -> None:
    current = getattr(scan, attr)
    if current is None:
        return
    current.update(found)
    if len(current) > MAX_SPECIAL_LINES:
        setattr(scan, attr, None)


def _scan_block(scan: PreScan, block: bytes, first_line: int) -> None:
    """Locate NUL and non-UTF-8 lines of a block of whole lines starting at ``first_line``.

    Both are rare, so they are found with C-speed searches (``bytes.find``, a regex over the
    text decoded with ``surrogateescape``) and only their lines are counted.
    """
    if b"\x00" in block:
        scan.nul = True
        positions, pos = [], block.find(b"\x00")
        while pos >= 0 and len(positions) <= MAX_SPECIAL_LINES:
            positions.append(pos)
            pos = block.find(b"\x00", pos + 1)
        found = {ln: block[a:b] for ln, a, b in _lines_of(block, positions, first_line)}
        _add_special(scan, "nul_lines", found)
    if block.isascii():
        return
    text = block.decode("utf-8", "surrogateescape")
    bad = []
    # runs of non-UTF-8 bytes a block may hold before the file counts as a non-UTF-8 export
    max_runs = 2 * MAX_SPECIAL_LINES
    if scan.bad_utf8_lines is not None:
        bad = list(itertools.islice((m.start() for m in _SURROGATE.finditer(text)), max_runs))
    if scan.bad_utf8_lines is None or len(bad) == max_runs:
        # a non-UTF-8 (GBK) export: too many lines to locate, only the two flags still matter
        if bad or _SURROGATE.search(text):
            scan.utf8_ok = False
            scan.bad_utf8_lines = None
        if not scan.utf8_non_ascii and _UTF8_NON_ASCII_LINE.search(text):
            scan.utf8_non_ascii = True
        return
    spans = _lines_of(text, bad, first_line)
    if spans:
        scan.utf8_ok = False
        found = {
            ln: text[a:b].encode("utf-8", "surrogateescape")
            for ln, a, b in spans[: MAX_SPECIAL_LINES + 1]
        }
        _add_special(scan, "bad_utf8_lines", found)
    if not scan.utf8_non_ascii:
        # a valid non-ASCII character outside the non-UTF-8 lines: search between those lines
        edges = [0] + [x for _, a, b in spans for x in (a, b + 1)] + [len(text)]
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            if a < b and _NON_ASCII_TEXT.search(text, a, b):
                scan.utf8_non_ascii = True
                break


def prescan(path: Path) -> PreScan:
    """One pass over the bytes in big chunks: checksum, line count and everything that decides
    the CSV path (NUL and non-UTF-8 lines are located, quotes and blank lines flagged)."""
    h = hashlib.sha256()
    scan = PreScan(checksum="", size=0)
    prev = b""
    carry = b""
    first = True
    last = b""
    line_no = 1  # number of the line that starts at the beginning of ``carry``
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            scan.size += len(chunk)
            if first:
                scan.bom = chunk.startswith(BOM)
                first = False
            joined = prev + chunk[:2]
            scan.quote = scan.quote or b'"' in chunk
            if not scan.blank_line:
                # two-byte searches are the slowest part of the scan: \n\r\n only with a \r
                cr = b"\r" in chunk or b"\r" in joined
                scan.blank_line = (
                    b"\n\n" in chunk
                    or b"\n\n" in joined
                    or (cr and (b"\n\r\n" in chunk or b"\n\r\n" in joined))
                )
            prev = chunk[-2:]
            last = chunk[-1:]
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                carry += chunk
                continue
            block = carry + chunk[:cut] if carry else chunk[:cut]
            if line_no == 1 and scan.bom:
                block = block[len(BOM) :]
            _scan_block(scan, block, line_no)
            n = block.count(b"\n")
            line_no += n
            scan.lines += n
            carry = chunk[cut:]
    if carry:
        if line_no == 1 and scan.bom:
            carry = carry[len(BOM) :]
        _scan_block(scan, carry, line_no)
        scan.lines += 1
    scan.ends_with_newline = last in (b"\n", b"")
    scan.checksum = h.hexdigest()
    return scan


def _empty_to_none(value: str) -> str | None:
    return value if value != "" else None


def _register(con: duckdb.DuckDBPyConnection, columns: dict[str, list[Any]]) -> None:
    """Materialise Python columns as the temp table ``_read`` and the view ``_src``."""
    types = {"_line": pa.int64()}
    _read_from_arrow(
        con, pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})
    )
    con.execute("CREATE OR REPLACE TEMP VIEW _src AS SELECT * FROM _read")


def _read_from_arrow(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    """The temp table ``_read`` with the rows of ``table``, in order."""
    con.register("_arrow_in", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM _arrow_in")
    finally:
        con.unregister("_arrow_in")


def _rows_to_columns(
    n_cols: int, records: list[tuple[int, str, list[str | None]]]
) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {"_line": [], "_raw": []}
    for i in range(n_cols):
        cols[f"c{i}"] = []
    for line, raw, values in records:
        cols["_line"].append(line)
        cols["_raw"].append(raw)
        for i in range(n_cols):
            cols[f"c{i}"].append(values[i])
    return cols


def parse_header(text: str, delimiter: str) -> list[str]:
    """Column names of a CSV header line (BOM and surrounding blanks removed)."""
    names = next(csv.reader([text.lstrip("\ufeff")], delimiter=delimiter))
    return [n.strip() for n in names]


def _detect_encoding(lines: list[bytes]) -> str:
    """UTF-8 unless no non-ASCII line is valid UTF-8 and the text decodes as GBK (GB18030).

    A UTF-8 file with a few GBK lines (mixed encodings) stays UTF-8 so that exactly those
    lines are quarantined.
    """
    utf8_non_ascii = 0
    failures = 0
    for raw in lines:
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            utf8_non_ascii += 1
        except UnicodeDecodeError:
            failures += 1
    if failures and not utf8_non_ascii:
        try:
            for raw in lines:
                raw.decode("gb18030")
            return "gbk"
        except UnicodeDecodeError:
            return "utf-8"
    return "utf-8"


def _decode(raw: bytes, encoding: str) -> str:
    return raw.decode("gb18030" if encoding == "gbk" else encoding)


def read_csv_slow(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    delimiter: str = ",",
    encoding: str | None = None,
    truncated_hint: bool = False,
) -> ReadResult:
    """Line-by-line reader for files that fail the pre-scan; exact lines for every problem."""
    data = path.read_bytes()
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM) :]
    ends_nl = data.endswith(b"\n")
    lines = data.split(b"\n")
    if ends_nl:
        lines = lines[:-1]
    lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
    if not lines or not any(lines):
        raise FileRejected("empty file", "")
    enc = encoding or ("utf-8-sig" if bom else _detect_encoding(lines))
    dec_enc = "utf-8" if enc == "utf-8-sig" else enc
    try:
        header_text = _decode(lines[0], dec_enc)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"header line is not {enc} text", lines[0].decode(dec_enc, "backslashreplace")
        ) from exc
    if "\x00" in header_text:
        raise FileRejected("NUL byte in header line", header_text.replace("\x00", "\\x00"))
    names = parse_header(header_text, delimiter)
    n = len(names)
    bad: list[tuple[int | None, str, str]] = []
    good: list[tuple[int, str]] = []
    for idx, raw in enumerate(lines[1:], start=2):
        if b"\x00" in raw:
            text = raw.replace(b"\x00", b"\\x00").decode(dec_enc, "backslashreplace")
            bad.append((idx, "NUL byte in line", text))
            continue
        try:
            text = _decode(raw, dec_enc)
        except UnicodeDecodeError:
            bad.append(
                (
                    idx,
                    f"line is not valid {enc} text (mixed encoding)",
                    raw.decode(dec_enc, "backslashreplace"),
                )
            )
            continue
        if text.strip() == "":
            continue
        good.append((idx, text))
    consumed: list[int] = []
    texts = dict(good)

    def feed():
        for idx, text in good:
            consumed.append(idx)
            yield text + "\n"

    reader = csv.reader(feed(), delimiter=delimiter)
    records: list[tuple[int, str, list[str | None]]] = []
    last_line = len(lines)
    while True:
        start = len(consumed)
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = consumed[start] if start < len(consumed) else last_line
            bad.append((line, f"unparseable CSV: {exc}", texts.get(line, "")))
            continue
        used = consumed[start:]
        line = used[0]
        raw_text = "\n".join(texts[i] for i in used)
        if len(rec) != n:
            reason = f"wrong number of fields: expected {n}, found {len(rec)}"
            if used[-1] == last_line and not ends_nl:
                reason += " (truncated last line)"
            bad.append((line, reason, raw_text))
            continue
        records.append((line, raw_text, [_empty_to_none(v) for v in rec]))
    _register(con, _rows_to_columns(n, records))
    return ReadResult(
        fmt="csv",
        columns=names,
        rows=len(records),
        bad=bad,
        encoding=enc,
        delimiter=delimiter,
        header=header_text.lstrip("\ufeff"),
    )


def _first_line(path: Path) -> bytes:
    with open(path, "rb") as fh:
        line = fh.readline(1024 * 1024)
    return line.rstrip(b"\r\n")


@dataclass
class CsvRejectsRead:
    """A typed ``read_csv`` as Arrow (file order) with the lines DuckDB rejected."""

    table: pa.Table
    #: (line, error types, first error message, line text), one per rejected line, by line.
    rejects: list[tuple[int, list[str], str, str | None]]


def read_csv_rejects(path: Path, delimiter: str, columns: dict[str, str]) -> CsvRejectsRead:
    """DuckDB ``read_csv`` with ``store_rejects`` in a fresh in-memory database.

    DuckDB 1.4.4 crashes (SIGSEGV/SIGBUS) on the second ``store_rejects`` read inside one
    transaction, so the read runs outside the load's transaction and its result comes back as
    Arrow: reading a file needs nothing from the warehouse.
    """
    from pipelines.warehouse import scratch

    with scratch() as con:
        table = con.execute(
            """
            SELECT * FROM read_csv($path, header = false, skip = 1, auto_detect = false,
                                   delim = $delim, quote = '"', escape = '"', columns = $cols,
                                   store_rejects = true, rejects_table = '_rej',
                                   rejects_scan = '_rejscan', null_padding = false)
            """,
            {"path": str(path), "delim": delimiter, "cols": columns},
        ).fetch_arrow_table()
        rejects = con.execute(
            "SELECT line, list(DISTINCT error_type ORDER BY error_type), "
            "first(error_message ORDER BY column_idx), any_value(csv_line) "
            "FROM _rej GROUP BY line ORDER BY line"
        ).fetchall()
    return CsvRejectsRead(table, [(int(a), list(b), str(c), d) for a, b, c, d in rejects])


def read_csv_fast(
    con: duckdb.DuckDBPyConnection, path: Path, scan: PreScan, delimiter: str = ","
) -> ReadResult:
    """DuckDB ``read_csv`` for clean files; line numbers from the order plus the rejected lines."""
    header_text = _first_line(path).decode("utf-8-sig")
    names = parse_header(header_text, delimiter)
    n = len(names)
    read = read_csv_rejects(path, delimiter, {f"c{i}": "VARCHAR" for i in range(n)})
    _read_from_arrow(con, read.table)
    rejects = read.rejects
    bad: list[tuple[int | None, str, str]] = []
    total_lines = None
    for line, etypes, message, text in rejects:
        etype = etypes[0]
        reason = f"unreadable CSV line ({etype.lower()}): {message}"
        if etype in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            found = len(next(csv.reader([text or ""], delimiter=delimiter))) if text else 0
            reason = f"wrong number of fields: expected {n}, found {found}"
            if not scan.ends_with_newline:
                if total_lines is None:
                    total_lines = _count_lines(path)
                if line == total_lines:
                    reason += " (truncated last line)"
        bad.append((int(line), reason, text or ""))
    # rows before the j-th rejected line: g_j = r_j - 2 - j; a row k (0-based) sits after every
    # rejected line with g_j <= k, so its physical line is k + 2 + #{j : g_j <= k}.
    gaps = [int(r[0]) - 2 - j for j, r in enumerate(rejects)]
    # The table keeps file order (preserve_insertion_order); inside a transaction its row ids
    # start at a large base but stay contiguous, so the ordinal is rowid - min(rowid).
    base, top, rows = con.execute("SELECT min(rowid), max(rowid), count(*) FROM _read").fetchone()
    if rows and top - base + 1 != rows:
        raise RuntimeError("row ids of _read are not contiguous; cannot number lines")
    k = f"(_read.rowid - {int(base or 0)})"
    if not gaps:
        line_expr = f"{k} + 2"
    elif len(gaps) <= 64:
        line_expr = f"{k} + 2 + " + " + ".join(f"({k} >= {g})::BIGINT" for g in gaps)
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE _gaps AS SELECT unnest($g) AS g", {"g": gaps})
        line_expr = f"{k} + 2 + (SELECT count(*) FROM _gaps WHERE g <= {k})"
    sep = delimiter.replace("'", "''")
    raw_expr = f" || '{sep}' || ".join(f"coalesce(c{i}, '')" for i in range(n)) if n else "''"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _src AS SELECT {line_expr} AS _line, {raw_expr} AS _raw, * "
        "FROM _read"
    )
    return ReadResult(
        fmt="csv",
        columns=names,
        rows=int(rows),
        bad=bad,
        encoding="utf-8-sig" if scan.bom else "utf-8",
        delimiter=delimiter,
        header=header_text,
        source_path=path,
    )


def extract_lines(path: Path, numbers: list[int], encoding: str | None = "utf-8") -> dict[int, str]:
    """Text of the given 1-based physical lines, in one chunked pass (for quarantine ``raw``).

    Newline positions of a chunk that holds wanted lines come from numpy (no per-line Python).
    """
    wanted = sorted(set(numbers))
    out: dict[int, str] = {}
    if not wanted:
        return out
    enc = "utf-8" if encoding in (None, "utf-8-sig") else encoding
    line_no = 1  # number of the line that starts at the beginning of ``carry``
    carry = b""
    i = 0
    with open(path, "rb") as fh:
        while i < len(wanted) and (chunk := fh.read(CHUNK)):
            data = carry + chunk
            n = data.count(b"\n")
            if wanted[i] >= line_no + n:  # no wanted complete line in this block
                cut = data.rfind(b"\n") + 1
                carry = data[cut:]
                line_no += n
                continue
            ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
            while i < len(wanted) and wanted[i] < line_no + n:
                j = wanted[i] - line_no  # index of the line inside ``data``
                start = int(ends[j - 1]) + 1 if j > 0 else 0
                out[wanted[i]] = (
                    data[start : int(ends[j])].rstrip(b"\r").decode(enc, "backslashreplace")
                )
                i += 1
            carry = data[int(ends[-1]) + 1 :]
            line_no += n
    while i < len(wanted) and wanted[i] == line_no:
        out[wanted[i]] = carry.rstrip(b"\r").decode(enc, "backslashreplace")
        i += 1
    if 1 in out:
        out[1] = out[1].lstrip("\ufeff")
    return out


def _count_lines(path: Path) -> int:
    count = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (1 if last not in (b"\n", b"") else 0)


def read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    scan: PreScan,
    delimiter: str = ",",
    encoding: str | None = None,
) -> ReadResult:
    """Fast path when the pre-scan is clean, slow path otherwise (see module docstring)."""
    if scan.size == 0:
        raise FileRejected("empty file", "")
    fast_ok = (
        scan.utf8_ok
        and not scan.nul
        and not scan.quote
        and not scan.blank_line
        and encoding in (None, "utf-8", "utf-8-sig")
        and delimiter not in ("'", '"')
    )
    if fast_ok:
        header = _first_line(path)
        if not header.strip(BOM + b" \t"):
            raise FileRejected("empty file or empty header line", "")
        return read_csv_fast(con, path, scan, delimiter)
    causes = [
        name
        for name, flag in (
            ("non-UTF-8 bytes", not scan.utf8_ok),
            ("NUL bytes", scan.nul),
            ("quotes", scan.quote),
            ("blank lines", scan.blank_line),
            (f"declared encoding {encoding}", encoding not in (None, "utf-8", "utf-8-sig")),
        )
        if flag
    ]
    result = read_csv_slow(con, path, delimiter, encoding)
    result.notes.append("slow path: " + ", ".join(causes))
    return result


def _json_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _records_to_src(
    con: duckdb.DuckDBPyConnection, records: list[tuple[int, str, dict[str, Any]]]
) -> list[str]:
    names: list[str] = []
    for _, _, rec in records:
        for k in rec:
            if k not in names:
                names.append(k)
    rows = [(line, raw, [_json_value(rec.get(k)) for k in names]) for line, raw, rec in records]
    _register(con, _rows_to_columns(len(names), rows))
    return names


def read_jsonl(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None = None
) -> ReadResult:
    """JSON lines: one object per physical line; unparseable lines are quarantined."""
    data = path.read_bytes()
    if not data.strip():
        raise FileRejected("empty file", "")
    enc = encoding or ("utf-8-sig" if data.startswith(BOM) else "utf-8")
    if data.startswith(BOM):
        data = data[len(BOM) :]
    bad: list[tuple[int | None, str, str]] = []
    records: list[tuple[int, str, dict[str, Any]]] = []
    for idx, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            text = _decode(raw, "utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            bad.append(
                (
                    idx,
                    f"line is not valid {enc} text (mixed encoding)",
                    raw.decode("utf-8", "backslashreplace"),
                )
            )
            continue
        if "\x00" in text:
            bad.append((idx, "NUL byte in line", text.replace("\x00", "\\x00")))
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            bad.append((idx, f"unparseable JSON: {exc.msg}", text))
            continue
        if not isinstance(obj, dict):
            bad.append((idx, "JSON line is not an object", text))
            continue
        records.append((idx, text, obj))
    names = _records_to_src(con, records)
    return ReadResult(fmt="jsonl", columns=names, rows=len(records), bad=bad, encoding=enc)


def read_geojson(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    """GeoJSON FeatureCollection: properties become columns, the geometry the GEOMETRY column.

    ``_line`` is the 1-based feature number; ``_raw`` is the feature as JSON.
    """
    data = path.read_bytes()
    if not data.strip():
        raise FileRejected("empty file", "")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRejected(
            f"unreadable GeoJSON: {exc}", data[:500].decode("utf-8", "backslashreplace")
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise FileRejected(
            "GeoJSON is not a FeatureCollection", data[:500].decode("utf-8", "backslashreplace")
        )
    bad: list[tuple[int | None, str, str]] = []
    records: list[tuple[int, str, dict[str, Any]]] = []
    for idx, feat in enumerate(doc.get("features") or [], start=1):
        raw = json.dumps(feat, ensure_ascii=False)
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            bad.append((idx, "GeoJSON item is not a Feature", raw))
            continue
        rec = dict(feat.get("properties") or {})
        rec["geometry"] = feat.get("geometry")
        records.append((idx, raw, rec))
    names = _records_to_src(con, records)
    return ReadResult(fmt="geojson", columns=names, rows=len(records), bad=bad, encoding="utf-8")


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    """Parquet via DuckDB; ``_line`` is the 1-based row number, ``_raw`` the row as JSON.

    Geometry arrives as GEOMETRY, WKB (BLOB) or WKT text and is passed on as WKT.
    """
    # Validate with pyarrow first: a failing DuckDB statement would abort the whole transaction.
    import pyarrow.parquet as pq

    try:
        pq.ParquetFile(path).metadata  # noqa: B018 - reading the footer is the check
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise FileRejected(f"unreadable Parquet: {exc}", None) from exc
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM read_parquet($p, file_row_number = true)",
            {"p": str(path)},
        )
    except duckdb.Error as exc:
        raise FileRejected(f"unreadable Parquet: {str(exc).splitlines()[0]}", None) from exc
    described = [
        r
        for r in con.execute("SELECT column_name, column_type FROM (DESCRIBE _read)").fetchall()
        if r[0] != "file_row_number"
    ]
    names = [str(n) for n, _ in described]
    exprs = []
    for i, (_, typ) in enumerate(described, start=1):
        t = str(typ).upper()
        if t == "GEOMETRY":
            exprs.append(f"ST_AsText(#{i + 2})")
        elif t == "BLOB":
            exprs.append(f"ST_AsText(TRY(ST_GeomFromWKB(#{i + 2})))")
        else:
            exprs.append(f"CAST(#{i + 2} AS VARCHAR)")
    # positions are shifted by the two leading columns of the inner select
    inner = (
        "SELECT file_row_number + 1 AS _line, json_merge_patch(to_json(r), '{\"file_row_number\": null}') AS _raw, "
        "* EXCLUDE (file_row_number) FROM _read r"
    )
    select = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _src AS SELECT _line, _raw{', ' if select else ''}{select} FROM ({inner})"
    )
    rows = con.execute("SELECT count(*) FROM _read").fetchone()[0]
    return ReadResult(fmt="parquet", columns=names, rows=int(rows))


def read_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    scan: PreScan,
    delimiter: str = ",",
    encoding: str | None = None,
) -> ReadResult:
    """Dispatch on format; raises :class:`FileRejected` for a file that cannot be read at all."""
    if scan.size == 0:
        raise FileRejected("empty file", "")
    if fmt == "csv":
        return read_csv(con, path, scan, delimiter, encoding)
    if fmt == "parquet":
        return read_parquet(con, path)
    if fmt == "jsonl":
        return read_jsonl(con, path, encoding)
    if fmt == "geojson":
        return read_geojson(con, path)
    raise FileRejected(f"unsupported format {fmt!r}")
