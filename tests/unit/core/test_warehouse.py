"""Warehouse: schema set-up, transactions, publishing, and the analysts' sandbox."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from pipelines import warehouse
from pipelines.errors import UserError
from pipelines.query_cli import describe_table, run_query


def _seed(paths) -> None:
    with warehouse.writer(paths) as con:
        con.execute("CREATE TABLE IF NOT EXISTS marts.t (id INTEGER, name VARCHAR)")
        con.execute("COMMENT ON TABLE marts.t IS 'a test table'")
        con.execute("COMMENT ON COLUMN marts.t.id IS 'identifier'")
        con.execute("INSERT INTO marts.t VALUES (1, '南关区'), (2, 'x')")
    warehouse.publish(paths)


def test_schema_layers_are_created_idempotently(paths):
    for _ in range(2):
        with warehouse.writer(paths) as con:
            names = {
                r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()
            }
    assert {"raw", "staging", "marts", "audit"} <= names


def test_transaction_rolls_back_on_error(paths):
    _seed(paths)
    with warehouse.writer(paths) as con:
        with pytest.raises(RuntimeError), warehouse.transaction(con):
            con.execute("DELETE FROM marts.t")
            raise RuntimeError("crash mid-run")
        assert con.execute("SELECT count(*) FROM marts.t").fetchone()[0] == 2


def test_spatial_extension_loads_offline(paths):
    con = warehouse.connect(":memory:")
    d = con.execute(
        "SELECT ST_Distance(ST_Transform(ST_Point(125.30, 43.88), 'EPSG:4326', 'EPSG:4551', always_xy := true),"
        " ST_Transform(ST_Point(125.31, 43.88), 'EPSG:4326', 'EPSG:4551', always_xy := true))"
    ).fetchone()[0]
    # 0.01 degree of longitude at 43.88 N is about 802 m
    assert 790 < d < 815


def test_query_reads_published_copy(paths):
    _seed(paths)
    cols, rows = run_query("SELECT name FROM marts.t ORDER BY id")
    assert cols == ["name"] and rows == [("南关区",), ("x",)]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1) TO '/tmp/resilience_escape.csv'",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SET enable_external_access = true",
        "CREATE TABLE marts.evil AS SELECT 1",
        "ATTACH '/tmp/other.duckdb' AS o",
    ],
)
def test_query_sandbox_refuses_files_and_writes(paths, sql):
    _seed(paths)
    with pytest.raises(UserError):
        run_query(sql)


def test_query_errors_are_clear(paths):
    with pytest.raises(UserError, match="no published warehouse"):
        run_query("SELECT 1")
    _seed(paths)
    with pytest.raises(UserError, match="query failed"):
        run_query("SELEC nonsense")
    with pytest.raises(UserError, match="unknown table"):
        describe_table("marts.nope")


def test_describe_prints_comments(paths):
    _seed(paths)
    comment, columns = describe_table("marts.t")
    assert comment == "a test table"
    assert ("id", "INTEGER", "identifier") in columns


def test_query_answers_while_a_writer_holds_the_warehouse(paths):
    _seed(paths)
    holder = duckdb.connect(str(paths.warehouse))  # a DAG task writing right now
    holder.execute("BEGIN TRANSACTION")
    holder.execute("INSERT INTO marts.t VALUES (3, 'in flight')")
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "query",
                "SELECT count(*) AS n FROM marts.t",
                "--format",
                "csv",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.stdout == "n\n2\n"


def test_publish_requires_a_warehouse(paths):
    with pytest.raises(warehouse.WarehouseMissingError):
        warehouse.publish(paths)


def test_split_statements_handles_comments_and_semicolons():
    text = "-- header\nCREATE TABLE a (x INT);\n-- between\nINSERT INTO a\nVALUES (1);\n"
    assert warehouse.split_statements(text) == [
        "CREATE TABLE a (x INT)",
        "INSERT INTO a\nVALUES (1)",
    ]
