"""Stage functions of ingestion (called by the DAGs): landing -> raw, raw -> staging, mappings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import duckdb

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.ingest.contracts import get_contract, ordered_sources
from pipelines.ingest.ddl import VIEW_SOURCES
from pipelines.ingest.load import FileResult, LoadRun, landing_files, load_file, set_interval_loaded
from pipelines.ingest.mapping import MappingError, load_mapping
from pipelines.settings import LOCAL_TZ, Paths

log = logging.getLogger(__name__)
#: Start of the "interval" of a mapped export: everything up to the load time is in it.
MAPPED_EPOCH = datetime(1800, 1, 1, tzinfo=UTC)


def summarize(results: list[FileResult]) -> dict[str, int]:
    """Small JSON-able counts for XCom."""
    out = {"files": len(results), "rows_in": 0, "rows_loaded": 0, "rows_quarantined": 0}
    for r in results:
        out[f"files_{r.status}"] = out.get(f"files_{r.status}", 0) + 1
        out["rows_in"] += r.rows_in
        out["rows_loaded"] += r.rows_loaded
        out["rows_quarantined"] += r.rows_quarantined
    return out


def _run(ctx: RunContext, defer_future: bool = True) -> LoadRun:
    return LoadRun(ctx.run_id, ctx.interval_start, ctx.interval_end, defer_future)


def quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No DuckDB progress bar on this (writer) connection: stderr is for logs, not redraws."""
    con.execute("SET enable_progress_bar = false")


def ingest_sources(ctx: RunContext, sources: list[str]) -> dict[str, Any]:
    """landing -> raw for ``sources`` (registries and FK parents first), in one transaction.

    Returns per source: files seen/loaded/unchanged/deferred/rejected and row counts.
    """
    run = _run(ctx)
    counts: dict[str, Any] = {}
    with warehouse.writer(ctx.paths) as con, warehouse.transaction(con):
        quiet(con)
        for name in ordered_sources(sources):
            contract = get_contract(name)
            results = [
                load_file(con, contract, p, run, landing=ctx.paths.landing)
                for p in landing_files(ctx.paths.landing, contract)
            ]
            if contract.is_events:
                set_interval_loaded(con, name, run)
            counts[name] = summarize(results)
    return counts


def _staging_counts(con: duckdb.DuckDBPyConnection, ctx: RunContext, name: str) -> dict[str, int]:
    contract = get_contract(name)
    if name in VIEW_SOURCES:
        tc = contract.time_column
        n = con.execute(
            f"SELECT count(*) FROM staging.{name} WHERE {tc} >= $a AND {tc} < $b",
            {"a": ctx.interval_start, "b": ctx.interval_end},
        ).fetchone()[0]
        return {"rows_in_interval": int(n), "dirty_intervals": len(dirty_intervals(con, name))}
    n = con.execute(f"SELECT count(*) FROM staging.{name}").fetchone()[0]
    return {"rows": int(n)}


def build_staging(ctx: RunContext, sources: list[str]) -> dict[str, Any]:
    """raw -> staging.<source> for ``sources`` by ``sql/staging/<source>.sql``.

    Registries and small event sources are refreshed whole from raw (that covers the run's
    interval and every dirty one); readings are a view over raw, so a run costs nothing that
    grows with history.
    """
    with warehouse.writer(ctx.paths) as con, warehouse.transaction(con):
        return _build_staging(con, ctx, sources)


def _build_staging(
    con: duckdb.DuckDBPyConnection, ctx: RunContext, sources: list[str]
) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for name in ordered_sources(sources):
        warehouse.run_sql_file(con, f"staging/{name}.sql", ctx.params)
        counts[name] = _staging_counts(con, ctx, name)
    return counts


def mapped_paths(mapping_name: str, paths: Paths) -> Paths:
    """The mapping's own warehouse (never the sample city's)."""
    mapping = load_mapping(mapping_name)
    target = (paths.data_dir / mapping.warehouse).resolve()
    if target == paths.warehouse.resolve():
        raise MappingError(f"mapping {mapping.name} must not write into {paths.warehouse}")
    return Paths(data_dir=target.parent, warehouse=target)


def load_mapped(mapping: str, paths: Paths) -> dict[str, Any]:
    """Onboard a city's export by ``config/mappings/<mapping>.yaml`` into its own warehouse.

    Files are loaded parents first with the same checks, manifest and quarantine as landing
    files (``audit.load_manifest.mapping`` names the mapping); staging is then rebuilt.
    """
    m = load_mapping(mapping)
    target = mapped_paths(mapping, paths)
    now = datetime.now(UTC)
    ctx = RunContext(MAPPED_EPOCH, now, f"mapped__{m.name}__{now:%Y%m%dT%H%M%S}", target)
    run = _run(ctx, defer_future=False)
    order = ordered_sources([f.target for f in m.files])
    out: dict[str, Any] = {"warehouse": str(target.warehouse)}
    with warehouse.writer(target) as con, warehouse.transaction(con):
        for name in order:
            for fmap in (f for f in m.files if f.target == name):
                path = fmap.resolve()
                if not path.exists():
                    raise MappingError(f"mapping {m.name}: file not found: {path}")
                res = load_file(con, get_contract(name), path, run, None, fmap, m.name)
                out[name] = {**summarize([res]), "file": res.file, "status": res.status}
        out["staging"] = _build_staging(con, ctx, order)
    return out


def _to_dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC).astimezone(LOCAL_TZ)


def dirty_intervals(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[datetime, datetime]]:
    """Earlier intervals of ``source`` that late or replaced rows changed: re-process them.

    Downstream calls :func:`mark_reprocessed` after it has re-run an interval.
    """
    rows = con.execute(
        "SELECT epoch_us(interval_start), epoch_us(interval_end) FROM audit.interval_status "
        "WHERE source = $s AND status = 'dirty' ORDER BY interval_start",
        {"s": source},
    ).fetchall()
    return [(_to_dt(a), _to_dt(b)) for a, b in rows]


def mark_reprocessed(
    con: duckdb.DuckDBPyConnection, source: str, interval_start: datetime, run_id: str
) -> None:
    """Clear the dirty flag of one interval once downstream has re-processed it."""
    con.execute(
        "UPDATE audit.interval_status SET status = 'reprocessed', rows_late = 0, run_id = $r, "
        "updated_at = now() WHERE source = $s AND interval_start = $a AND status = 'dirty'",
        {"s": source, "a": interval_start, "r": run_id},
    )


__all__ = [
    "build_staging",
    "dirty_intervals",
    "ingest_sources",
    "load_mapped",
    "mapped_paths",
    "mark_reprocessed",
]
