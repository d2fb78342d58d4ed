"""Query helpers for ingestion tests (no TIMESTAMPTZ crosses into Python: pytz is absent)."""

from __future__ import annotations

from typing import Any

from pipelines import warehouse
from pipelines.settings import Paths


def query(paths: Paths, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
    con = warehouse.connect(paths.warehouse, read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def quarantine(paths: Paths, file: str | None = None) -> list[tuple[int | None, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in query(
            paths,
            "SELECT line, reason, raw FROM audit.quarantine WHERE $f IS NULL OR file = $f ORDER BY line",
            {"f": file},
        )
    ]


def table_checksum(paths: Paths, table: str) -> tuple[int, int]:
    """Order-independent content checksum of a whole table (every column, as text)."""
    row = query(
        paths, f"SELECT count(*), coalesce(sum(hash(CAST(t AS VARCHAR))), 0) FROM {table} t"
    )[0]
    return int(row[0]), int(row[1])


def manifest_balanced(paths: Paths) -> bool:
    rows = query(paths, "SELECT rows_in, rows_loaded, rows_quarantined FROM audit.load_manifest")
    return all(a == b + c for a, b, c in rows)
