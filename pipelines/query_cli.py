"""Analyst commands: ``query``, ``tables``, ``describe``, ``publish``.

Queries run on the published copy of the warehouse, read-only and sandboxed
(``enable_external_access=false``, configuration locked), so they answer while a DAG writes
and cannot read or write files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from pipelines import warehouse
from pipelines.errors import UserError
from pipelines.output import FORMATS, write_rows
from pipelines.settings import get_paths

LAYERS = ("raw", "staging", "marts", "audit")


def _open(path: str | None) -> duckdb.DuckDBPyConnection:
    try:
        return warehouse.analyst_connection(Path(path) if path else None)
    except warehouse.WarehouseMissingError as exc:
        raise UserError(str(exc)) from exc


def run_query(sql: str, path: str | None = None) -> tuple[list[str], list[tuple]]:
    """Run one analyst query in the sandbox; returns (columns, rows)."""
    con = _open(path)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise UserError(f"query failed: {exc}") from exc
    finally:
        con.close()


def table_catalogue(path: str | None = None) -> list[tuple[str, str, str, str]]:
    """(schema, name, kind, comment) for every table and view of the four layers."""
    con = _open(path)
    try:
        return con.execute(
            """
            SELECT schema_name, table_name, 'table' AS kind, coalesce(comment, '')
            FROM duckdb_tables() WHERE schema_name IN ('raw', 'staging', 'marts', 'audit')
            UNION ALL
            SELECT schema_name, view_name, 'view', coalesce(comment, '')
            FROM duckdb_views() WHERE schema_name IN ('raw', 'staging', 'marts', 'audit')
            ORDER BY 1, 2
            """
        ).fetchall()
    finally:
        con.close()


def describe_table(name: str, path: str | None = None) -> tuple[str, list[tuple[str, str, str]]]:
    """Table comment and (column, type, comment) rows; raises UserError for unknown tables."""
    schema, _, table = name.rpartition(".")
    con = _open(path)
    try:
        found = con.execute(
            """
            SELECT coalesce(comment, '') FROM duckdb_tables()
            WHERE table_name = $t AND ($s = '' OR schema_name = $s)
            UNION ALL
            SELECT coalesce(comment, '') FROM duckdb_views()
            WHERE view_name = $t AND ($s = '' OR schema_name = $s)
            """,
            {"t": table, "s": schema},
        ).fetchall()
        if not found:
            known = ", ".join(f"{s}.{t}" for s, t, _, _ in table_catalogue(path)) or "none"
            raise UserError(f"unknown table {name!r}; known tables: {known}")
        columns = con.execute(
            """
            SELECT column_name, data_type, coalesce(comment, '')
            FROM duckdb_columns()
            WHERE table_name = $t AND ($s = '' OR schema_name = $s)
            ORDER BY column_index
            """,
            {"t": table, "s": schema},
        ).fetchall()
        return found[0][0], columns
    finally:
        con.close()


def _cmd_query(args: argparse.Namespace) -> int:
    columns, rows = run_query(args.sql, args.warehouse)
    write_rows(columns, rows, args.format)
    return 0


def _cmd_tables(args: argparse.Namespace) -> int:
    rows = [
        (f"{s}.{t}", kind, comment)
        for s, t, kind, comment in table_catalogue(args.warehouse)
        if args.layer in (None, s)
    ]
    write_rows(["table", "kind", "description"], rows, args.format, max_width=110)
    return 0


def _cmd_describe(args: argparse.Namespace) -> int:
    comment, columns = describe_table(args.table, args.warehouse)
    if args.format == "table":
        print(f"{args.table}: {comment or '(no description)'}")
    write_rows(["column", "type", "description"], columns, args.format, max_width=110)
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    try:
        path = warehouse.publish(get_paths())
    except warehouse.WarehouseMissingError as exc:
        raise UserError(str(exc)) from exc
    print(path)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    wh_help = "warehouse file to read (default: the published copy in RESILIENCE_DATA_DIR)"

    p = sub.add_parser(
        "query",
        help="run read-only SQL against the published warehouse",
        description="Run one SQL statement read-only and sandboxed (no file access) against "
        "the published copy of the warehouse; results on stdout.",
    )
    p.add_argument("sql", help='SQL text, e.g. "SELECT * FROM marts.risk_register LIMIT 5"')
    p.add_argument("--format", choices=FORMATS, default="table", help="output format")
    p.add_argument("--warehouse", help=wh_help)
    p.set_defaults(func=_cmd_query)

    p = sub.add_parser("tables", help="list tables with their descriptions")
    p.add_argument("--layer", choices=LAYERS, help="only this layer")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--warehouse", help=wh_help)
    p.set_defaults(func=_cmd_tables)

    p = sub.add_parser("describe", help="describe a table's columns (from COMMENT ON)")
    p.add_argument("table", help="schema.table, e.g. marts.risk_register")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--warehouse", help=wh_help)
    p.set_defaults(func=_cmd_describe)

    p = sub.add_parser("publish", help="publish a read-only copy of the warehouse for readers")
    p.set_defaults(func=_cmd_publish)
