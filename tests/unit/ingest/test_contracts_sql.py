"""Generated SQL matches the contracts; every table and column is documented."""

from __future__ import annotations

from pipelines import warehouse
from pipelines.ingest import ddl
from pipelines.ingest.contracts import load_contracts, ordered_sources


def test_committed_sql_matches_contracts() -> None:
    for path, expected in ddl.generated_files().items():
        assert path.exists(), f"{path} missing: run python -m pipelines.ingest.ddl"
        assert path.read_text(encoding="utf-8") == expected, f"{path} is stale: regenerate it"


def test_every_ingest_table_and_column_has_a_comment() -> None:
    con = warehouse.connect(":memory:")
    warehouse.ensure_schema(con)
    warehouse.ensure_schema(con)  # idempotent
    missing = con.execute(
        """SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()
           WHERE schema_name IN ('raw', 'staging', 'audit') AND (comment IS NULL OR comment = '')"""
    ).fetchall()
    assert missing == []
    tables = con.execute(
        """SELECT schema_name || '.' || table_name FROM duckdb_tables()
           WHERE schema_name IN ('raw', 'staging', 'audit') AND (comment IS NULL OR comment = '')"""
    ).fetchall()
    assert tables == []
    raw_cols = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'readings'"
        ).fetchall()
    }
    # per-file facts (checksum, run, load time) live once in audit.load_manifest
    assert raw_cols == {"sensor_id", "measured_at", "value", "_file", "_line"}


def test_load_order_puts_registries_and_parents_first() -> None:
    order = ordered_sources(
        ["readings", "pipe_breaks", "sensors", "dmas", "districts", "pipe_segments"]
    )
    assert (
        order.index("districts")
        < order.index("dmas")
        < order.index("sensors")
        < order.index("readings")
    )
    assert order.index("pipe_segments") < order.index("pipe_breaks")
    contracts = load_contracts()
    kinds = [contracts[s].kind for s in order]
    assert kinds == sorted(kinds, key=lambda k: k != "registry")
