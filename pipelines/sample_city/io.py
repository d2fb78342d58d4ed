"""Writers that keep the sample city byte-deterministic and record every injected bad line.

Rows are dicts keyed by the contract's column names; the column order written is the
contract's. Bad rows are inserted at chosen positions and their 1-based physical line numbers
(header = line 1 for CSV, first record = line 1 for JSON lines) go to the bad-record log.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.settings import load_config

#: A bad row: either a dict (rendered like good rows, may break the contract's rules) or raw
#: bytes written verbatim as one physical line (without the trailing newline).
BadRow = Mapping[str, Any] | bytes


@dataclass
class BadLog:
    """Every injected bad record or file: (file relative to landing, line or None, kind)."""

    landing: Path
    rows: list[tuple[str, int | None, str]] = field(default_factory=list)

    def add(self, path: Path, line: int | None, kind: str) -> None:
        self.rows.append((path.relative_to(self.landing).as_posix(), line, kind))


@cache
def contract_columns(source: str) -> tuple[str, ...]:
    """Column names of a landing source, in contract order."""
    return tuple(c["name"] for c in load_config("contracts")["sources"][source]["columns"])


def landing_dir(source: str) -> str:
    return load_config("contracts")["sources"][source]["landing_dir"]


def fmt(value: Any) -> str:
    """Render one cell: empty for None/NaN, ISO for dates, lower-case booleans, plain numbers."""
    cls = value.__class__
    if cls is str:
        return value
    if value is None:
        return ""
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(round(value, 6) + 0.0)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def write_csv(
    path: Path,
    source: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    encoding: str = "utf-8",
    bad: Iterable[tuple[int, BadRow, str]] = (),
    log: BadLog | None = None,
    columns: Sequence[str] | None = None,
) -> int:
    """Write a CSV with the contract's header; ``bad`` = (insert before good row index, row, kind).

    Text fields never contain newlines, so one row is one physical line. Returns the number of
    good rows written.
    """
    cols = tuple(columns) if columns is not None else contract_columns(source)
    inserts: dict[int, list[tuple[BadRow, str]]] = {}
    for pos, row, kind in bad:
        inserts.setdefault(pos, []).append((row, kind))
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    line = 1
    with open(path, "wb") as fh:

        def flush() -> None:
            fh.write(buf.getvalue().encode(encoding))
            buf.seek(0)
            buf.truncate()

        def emit_bad(pos: int) -> None:
            nonlocal line
            for row, kind in inserts.get(pos, ()):
                line += 1
                if isinstance(row, bytes):
                    flush()
                    fh.write(row + b"\n")
                else:
                    out.writerow([fmt(row.get(c)) for c in cols])
                if log is not None:
                    log.add(path, line, kind)

        out.writerow(cols)
        for i, row in enumerate(rows):
            if i in inserts:
                emit_bad(i)
            line += 1
            out.writerow([fmt(row[c]) for c in cols])
            if not i % 50_000:
                flush()
        emit_bad(len(rows))
        flush()
    return len(rows)


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write_jsonl(
    path: Path,
    source: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    bad: Iterable[tuple[int, BadRow, str]] = (),
    log: BadLog | None = None,
) -> int:
    """JSON lines (UTF-8, Chinese unescaped); line 1 is the first record."""
    cols = contract_columns(source)
    inserts: dict[int, list[tuple[BadRow, str]]] = {}
    for pos, row, kind in bad:
        inserts.setdefault(pos, []).append((row, kind))
    path.parent.mkdir(parents=True, exist_ok=True)
    line = 0
    with open(path, "wb") as fh:

        def emit_bad(pos: int) -> None:
            nonlocal line
            for row, kind in inserts.get(pos, ()):
                line += 1
                if isinstance(row, bytes):
                    fh.write(row + b"\n")
                else:
                    obj = {c: _json_value(row.get(c)) for c in cols if c in row}
                    fh.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
                if log is not None:
                    log.add(path, line, kind)

        for i, row in enumerate(rows):
            emit_bad(i)
            line += 1
            obj = {c: _json_value(row[c]) for c in cols}
            fh.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        emit_bad(len(rows))
    return len(rows)


def write_geojson(path: Path, source: str, features: Sequence[tuple[dict[str, Any], list]]) -> int:
    """FeatureCollection of polygons: ``features`` = (properties, exterior ring in lon/lat)."""
    cols = [c for c in contract_columns(source) if c != "geometry"]
    out = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {c: _json_value(props.get(c)) for c in cols},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for props, ring in features
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(features)
