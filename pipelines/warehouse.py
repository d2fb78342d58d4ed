"""The DuckDB warehouse: connections, schema set-up from ``sql/``, and the published copy.

DuckDB allows one writing process per file and refuses even read-only opens while a writer holds
it. Writers therefore hold the file only while writing (Airflow serialises them through a pool
of one slot), and every completed run publishes a copy that analysts and reports read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from pipelines.settings import LOCAL_TZ_NAME, SQL_DIR, Paths, get_paths

log = logging.getLogger(__name__)

#: Layer folders under ``sql/`` that define tables, applied in this order by ``ensure_schema``.
SCHEMA_LAYERS = ("schemas",)


class WarehouseMissingError(FileNotFoundError):
    """The warehouse (or its published copy) does not exist yet."""


@cache
def extension_directory() -> str:
    """Folder of DuckDB extensions shipped by the ``duckdb-ext-*`` pip packages (offline)."""
    import duckdb_ext  # namespace package: __file__ is None, __path__ is not

    for base in duckdb_ext.__path__:
        candidate = Path(base) / "extensions"
        if candidate.is_dir():
            return str(candidate)
    raise RuntimeError("duckdb-ext-spatial is installed but has no extensions/ folder")


#: DuckDB's own memory budget per process. DuckDB's default (80 % of RAM) let the register
#: stage of a 1M-segment city grow to 5 GB; with a limit, large joins and aggregates spill to
#: ``<warehouse>.tmp`` instead, keeping a whole city day within 4 GB (issue 8).
DEFAULT_MEMORY_LIMIT = "3GB"


def memory_limit() -> str:
    """``RESILIENCE_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as ``6GB``), else the default."""
    return os.environ.get("RESILIENCE_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def _base_config(extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "extension_directory": extension_directory(),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": memory_limit(),
    }
    if extra:
        config.update(extra)
    return config


def _local_time(con: duckdb.DuckDBPyConnection) -> None:
    """Business time (timestamps shown and parsed without an offset) is Asia/Shanghai."""
    con.execute(f"SET TimeZone = '{LOCAL_TZ_NAME}'")


def connect(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (or an in-memory database when ``path == ':memory:'``) with spatial loaded."""
    target = str(path) if path is not None else str(get_paths().warehouse)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only, config=_base_config())
    con.execute("LOAD spatial")
    _local_time(con)
    return con


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A throw-away in-memory database with the warehouse's settings (no extensions loaded).

    For work that must stay outside the load transaction (see ``readers.read_csv_rejects``).
    """
    con = duckdb.connect(":memory:", config=_base_config())
    try:
        _local_time(con)
        yield con
    finally:
        con.close()


@contextmanager
def writer(paths: Paths | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Hold the warehouse for writing, for as short as possible; schema is ensured on open."""
    paths = paths or get_paths()
    paths.ensure()
    con = connect(paths.warehouse)
    try:
        ensure_schema(con)
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: a crash inside leaves the warehouse as it was before."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def sql_text(relpath: str) -> str:
    """Text of ``sql/<relpath>``."""
    path = SQL_DIR / relpath
    if not path.exists():
        raise FileNotFoundError(f"SQL file not found: {path}")
    return path.read_text(encoding="utf-8")


def run_sql_file(
    con: duckdb.DuckDBPyConnection, relpath: str, params: Mapping[str, Any] | None = None
) -> None:
    """Run every statement of ``sql/<relpath>``; ``$name`` placeholders bind from ``params``.

    Each statement only receives the parameters it mentions, so one file can mix statements.
    """
    for statement in split_statements(sql_text(relpath)):
        used = {k: v for k, v in (params or {}).items() if f"${k}" in statement}
        con.execute(statement, used) if used else con.execute(statement)


def split_statements(text: str) -> list[str]:
    """Split SQL text on semicolons that end a line, ignoring ``--`` comment lines."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("--") and not current:
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(current).strip().rstrip(";").strip()
            if stmt:
                statements.append(stmt)
            current = []
    tail = "\n".join(current).strip()
    if tail and not all(x.strip().startswith("--") or not x.strip() for x in current):
        statements.append(tail)
    return statements


def schema_fingerprint() -> str:
    """Hash of every DDL file: the schema a warehouse was set up with."""
    digest = hashlib.sha256()
    for layer in SCHEMA_LAYERS:
        for path in sorted((SQL_DIR / layer).glob("*.sql")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas and tables idempotently from ``sql/schemas/*.sql`` (in file-name order).

    Skipped when the warehouse was already set up from identical DDL files (every writer open
    calls this, and re-running all DDL costs seconds).
    """
    fingerprint = schema_fingerprint()
    try:
        done = con.execute(
            "SELECT fingerprint FROM audit.schema_version WHERE fingerprint = ?", [fingerprint]
        ).fetchone()
    except duckdb.CatalogException:
        done = None
    if done:
        return
    for layer in SCHEMA_LAYERS:
        for path in sorted((SQL_DIR / layer).glob("*.sql")):
            run_sql_file(con, f"{layer}/{path.name}")
    con.execute(
        "CREATE TABLE IF NOT EXISTS audit.schema_version "
        "(fingerprint VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)"
    )
    con.execute(
        "COMMENT ON TABLE audit.schema_version IS "
        "'DDL fingerprints the warehouse was set up with (sha256 of sql/schemas/*.sql)'"
    )
    con.execute("COMMENT ON COLUMN audit.schema_version.fingerprint IS 'sha256 of the DDL files'")
    con.execute("COMMENT ON COLUMN audit.schema_version.applied_at IS 'when this DDL was applied'")
    con.execute("INSERT OR REPLACE INTO audit.schema_version VALUES (?, now())", [fingerprint])


def publish(paths: Paths | None = None) -> Path:
    """Copy the closed warehouse to the published file atomically (readers never wait).

    Call after the writer has closed: the copy is a consistent, checkpointed file.
    """
    paths = paths or get_paths()
    if not paths.warehouse.exists():
        raise WarehouseMissingError(f"no warehouse at {paths.warehouse}; run the pipeline first")
    tmp = paths.published_warehouse.with_suffix(".duckdb.tmp")
    shutil.copyfile(paths.warehouse, tmp)
    os.replace(tmp, paths.published_warehouse)
    log.info("published %s", paths.published_warehouse)
    return paths.published_warehouse


def analyst_connection(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """Read-only, sandboxed connection for ad-hoc SQL: no file access, configuration locked.

    Reads the published copy by default so that it answers while a DAG is writing.
    """
    if path is None:
        paths = get_paths()
        path = paths.published_warehouse
        if not Path(path).exists():
            raise WarehouseMissingError(
                f"no published warehouse at {path}; run `make demo` (or a DAG) first"
            )
    elif not Path(path).exists():
        raise WarehouseMissingError(f"no warehouse at {path}")
    con = duckdb.connect(str(path), read_only=True, config=_base_config())
    # DuckDB shares one database instance between connections of a process, so a second
    # connection may find the sandbox already locked in place.
    if not con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        con.execute("LOAD spatial")  # load before locking: LOAD is impossible afterwards
        _local_time(con)
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con
