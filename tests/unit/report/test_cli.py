"""``resilience report`` and ``resilience schema-docs`` from the command line."""

from __future__ import annotations

import json

import pytest

from pipelines.cli import main


def test_report_command_prints_paths_as_json(fixture_db, tmp_path, capsys):
    assert main(["report", "--warehouse", str(fixture_db), "--out", str(tmp_path), "-q"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["as_of_date"] == "2025-11-05"
    assert (tmp_path / "risk_report_2025-11-05.html").exists()
    assert (tmp_path / "risk_register_2025-11-05.xlsx").exists()


def test_report_defaults_to_the_published_warehouse(paths, capsys):
    assert main(["report", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no warehouse at") and "_published.duckdb" in err
    assert len(err.splitlines()) == 1


def test_unknown_date_is_a_usage_error(fixture_db, tmp_path, capsys):
    code = main(
        [
            "report",
            "--warehouse",
            str(fixture_db),
            "--out",
            str(tmp_path),
            "--date",
            "2024-01-01",
            "-q",
        ]
    )
    assert code == 2
    assert "no risk assessment for 2024-01-01" in capsys.readouterr().err


def test_bad_date_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--date", "yesterday"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["report", "--help"])
    assert exc.value.code == 0
    assert "risk_report_<date>.html" in capsys.readouterr().out


def test_schema_docs_check_fails_on_a_stale_page(tmp_path, capsys):
    page = tmp_path / "schema.md"
    assert main(["schema-docs", "--output", str(page)]) == 0
    assert main(["schema-docs", "--check", "--output", str(page)]) == 0
    page.write_text(page.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert main(["schema-docs", "--check", "--output", str(page)]) == 1
    assert "out of date" in capsys.readouterr().err
