"""Read and replay ``audit.quarantine``.

Replay re-checks quarantined rows after a contract or mapping fix: rows that now pass move to
raw (with their original file and line) and leave quarantine, and the file's manifest row moves
the same count from ``rows_quarantined`` to ``rows_loaded``. A file rejected as a whole is
re-loaded from its path when it is still there unchanged.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines import warehouse
from pipelines.ingest import readers
from pipelines.ingest.checks import build_projection, create_check_table
from pipelines.ingest.contracts import get_contract, ordered_sources
from pipelines.ingest.load import LoadRun, check_and_store, load_file
from pipelines.ingest.mapping import FileMap, load_mapping
from pipelines.ingest.readers import FileRejected
from pipelines.settings import Paths

LIST_COLUMNS = ("source", "file", "line", "reason", "raw", "run_id", "quarantined_at")


def list_quarantine(
    paths: Paths,
    source: str | None = None,
    file: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Quarantined rows, oldest first, optionally for one source and/or file."""
    if not paths.warehouse.exists():
        raise warehouse.WarehouseMissingError(f"no warehouse at {paths.warehouse}")
    con = warehouse.connect(paths.warehouse, read_only=True)
    try:
        sql = (
            "SELECT source, file, line, reason, raw, run_id, CAST(quarantined_at AS VARCHAR) "
            "FROM audit.quarantine WHERE ($s IS NULL OR source = $s) AND ($f IS NULL OR file = $f) "
            "ORDER BY source, file, line NULLS FIRST"
        )
        params: dict[str, Any] = {"s": source, "f": file}
        if limit is not None:
            sql += " LIMIT $n"
            params["n"] = int(limit)
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return [dict(zip(LIST_COLUMNS, r, strict=True)) for r in rows]


def _file_map(mapping: str | None, source: str) -> FileMap | None:
    return load_mapping(mapping).file_for(source) if mapping else None


def _records(fmt: str, header: str | None, delimiter: str | None, rows: list[tuple[int, str]]):
    """Parse quarantined raw text back into records; unparseable ones are returned apart."""
    good: list[tuple[int, str, dict[str, Any]]] = []
    if fmt == "csv":
        names = readers.parse_header(header or "", delimiter or ",")
        for line, raw in rows:
            fields = next(csv.reader([raw], delimiter=delimiter or ","), [])
            if len(fields) == len(names):
                good.append(
                    (
                        line,
                        raw,
                        {n: (v if v != "" else None) for n, v in zip(names, fields, strict=True)},
                    )
                )
        return names, good
    for line, raw in rows:
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, TypeError):
            continue
        if not isinstance(obj, dict):
            continue
        if fmt == "geojson":
            rec = dict(obj.get("properties") or {})
            rec["geometry"] = obj.get("geometry")
            obj = rec
        good.append((line, raw, obj))
    return None, good


def _replay_rows(
    con: duckdb.DuckDBPyConnection, source: str, manifest: dict[str, Any], run: LoadRun
) -> tuple[int, int]:
    """Row-level replay of one file; returns (moved to raw, still quarantined)."""
    contract = get_contract(source)
    label = manifest["file"]
    rows = con.execute(
        "SELECT line, raw FROM audit.quarantine WHERE file = $f AND line IS NOT NULL ORDER BY line",
        {"f": label},
    ).fetchall()
    names, records = _records(manifest["format"], manifest["header"], manifest["delimiter"], rows)
    if not records:
        return 0, len(rows)
    if names is None:
        names = readers._records_to_src(con, records)
    else:
        values = [(ln, raw, [rec.get(n) for n in names]) for ln, raw, rec in records]
        readers._register(con, readers._rows_to_columns(len(names), values))
    fmap = _file_map(manifest["mapping"], source)
    proj = build_projection(contract, names, fmap)
    create_check_table(con, contract, proj, run.interval_end if contract.is_events else None)
    con.execute(
        "DELETE FROM audit.quarantine WHERE file = $f AND list_contains($lines, line)",
        {"f": label, "lines": [r[0] for r in records]},
    )
    result = readers.ReadResult(fmt=manifest["format"], columns=names, rows=len(records))
    loaded, bad = check_and_store(
        con, contract, label, manifest["checksum"], result, fmap, run, replay=True
    )
    con.execute(
        "UPDATE audit.load_manifest SET rows_loaded = rows_loaded + $n, "
        "rows_quarantined = rows_quarantined - $n, note = concat_ws('; ', note, $note) "
        "WHERE file = $f AND status = 'loaded'",
        {
            "n": loaded,
            "f": label,
            "note": f"replay {run.run_id}: {loaded} rows moved to raw" if loaded else None,
        },
    )
    return loaded, bad + len(rows) - len(records)


def _resolve(paths: Paths, label: str) -> Path:
    p = Path(label)
    return p if p.is_absolute() else paths.landing / p


def replay_quarantine(
    paths: Paths,
    source: str | None = None,
    file: str | None = None,
    interval_end: datetime | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """Re-check quarantined rows (all, one source or one file) under today's contracts and mappings.

    ``interval_end`` (default: now) decides what counts as "in the future".
    """
    now = datetime.now(UTC)
    run = LoadRun(
        run_id or f"replay__{now:%Y%m%dT%H%M%S}",
        datetime(1800, 1, 1, tzinfo=UTC),
        interval_end or now,
        defer_future=False,
    )
    out: dict[str, Any] = {"moved": 0, "still_quarantined": 0, "files": 0, "files_reloaded": 0}
    with warehouse.writer(paths) as con, warehouse.transaction(con):
        targets = con.execute(
            "SELECT DISTINCT source, file FROM audit.quarantine "
            "WHERE ($s IS NULL OR source = $s) AND ($f IS NULL OR file = $f)",
            {"s": source, "f": file},
        ).fetchall()
        order = {s: i for i, s in enumerate(ordered_sources(sorted({t[0] for t in targets})))}
        for src, label in sorted(targets, key=lambda t: (order[t[0]], t[1])):
            row = con.execute(
                "SELECT file, checksum, format, header, delimiter, mapping, status FROM audit.load_manifest "
                "WHERE file = $f AND status IN ('loaded', 'rejected') ORDER BY loaded_at DESC LIMIT 1",
                {"f": label},
            ).fetchone()
            if row is None:
                continue
            manifest = dict(
                zip(
                    ("file", "checksum", "format", "header", "delimiter", "mapping", "status"),
                    row,
                    strict=True,
                )
            )
            out["files"] += 1
            if manifest["status"] == "rejected":
                path = _resolve(paths, label)
                if not path.exists() or readers.checksum(path) != manifest["checksum"]:
                    out["still_quarantined"] += 1
                    continue
                con.execute("DELETE FROM audit.quarantine WHERE file = $f", {"f": label})
                con.execute(
                    "UPDATE audit.load_manifest SET status = 'replaced' WHERE file = $f AND status = 'rejected'",
                    {"f": label},
                )
                fmap = _file_map(manifest["mapping"], src)
                res = load_file(
                    con,
                    get_contract(src),
                    path,
                    run,
                    None if Path(label).is_absolute() else paths.landing,
                    fmap,
                    manifest["mapping"],
                )
                out["files_reloaded"] += 1
                out["moved"] += res.rows_loaded
                out["still_quarantined"] += res.rows_quarantined
                continue
            try:
                moved, still = _replay_rows(con, src, manifest, run)
            except FileRejected:
                still = con.execute(
                    "SELECT count(*) FROM audit.quarantine WHERE file = $f", {"f": label}
                ).fetchone()[0]
                moved = 0
            out["moved"] += moved
            out["still_quarantined"] += still
    return out
