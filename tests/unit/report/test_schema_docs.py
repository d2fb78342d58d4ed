"""docs/schema.md is generated from COMMENT ON and must match the DDL; nothing undescribed."""

from __future__ import annotations

from pipelines import warehouse
from pipelines.report.schema_docs import (
    SCHEMA_DOC,
    catalogue,
    check_schema_doc,
    generate,
    missing_comments,
    render_markdown,
)


def test_every_table_and_column_has_a_description():
    _, offenders = generate()
    assert not offenders, "tables/columns without COMMENT ON:\n  " + "\n  ".join(offenders)


def test_docs_schema_md_is_up_to_date():
    text, _ = generate()
    current = SCHEMA_DOC.read_text(encoding="utf-8") if SCHEMA_DOC.exists() else ""
    assert current == text, "docs/schema.md is out of date: run `resilience schema-docs`"


def test_offenders_and_drift_are_reported(tmp_path):
    con = warehouse.connect(":memory:")
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.t (a INTEGER, b VARCHAR)")
    con.execute("COMMENT ON COLUMN marts.t.a IS 'has | a pipe'")
    docs = catalogue(con)
    assert missing_comments(docs) == ["marts.t (table)", "marts.t.b (column)"]
    text = render_markdown(docs)
    assert "| `a` | `INTEGER` | has \\| a pipe |" in text
    stale = tmp_path / "schema.md"
    stale.write_text("old\n", encoding="utf-8")
    problems = check_schema_doc(stale)
    assert problems and "out of date" in problems[0]
