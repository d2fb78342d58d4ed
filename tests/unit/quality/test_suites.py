"""The suite files: one per validated table, valid GX 1.x JSON, in step with the contracts."""

from __future__ import annotations

import json

import great_expectations as gx
import pytest

from pipelines.quality import suites as S
from pipelines.quality.gate import _suite_from_dict

LISTED = [
    "staging.readings",
    "staging.sensors",
    "staging.pipe_segments",
    "staging.pipe_breaks",
    "staging.buildings",
    "staging.building_inspections",
    "staging.districts",
    "staging.dmas",
    "staging.hazardous_facilities",
    "staging.hazard_reports",
]


@pytest.fixture(scope="module")
def gx_context():
    return gx.get_context(mode="ephemeral")


def test_every_listed_table_has_a_suite_file() -> None:
    assert set(LISTED) <= set(S.SUITE_TABLES)
    for table in LISTED:
        assert S.suite_path(table).is_file(), table


@pytest.mark.parametrize("table", LISTED)
def test_suite_loads_through_gx(gx_context, table: str) -> None:
    raw = S.load_suite_dict(table)
    suite = gx_context.suites.add(_suite_from_dict(raw))
    assert suite.name == table
    assert len(suite.expectations) == len(raw["expectations"]) > 0
    for expectation, spec in zip(suite.expectations, raw["expectations"], strict=True):
        assert expectation.expectation_type == spec["type"]
        # GX's own severity field and the gate's meta.severity say the same thing
        assert expectation.severity.value == spec["meta"]["severity"]
        assert spec["meta"]["severity"] in ("critical", "warning")
        assert spec["meta"].get("covers")


@pytest.mark.parametrize("table", LISTED)
def test_suite_enforces_its_contract(table: str) -> None:
    assert S.suite_problems(table) == []


def test_suite_problems_reports_a_missing_contract_rule(tmp_path, monkeypatch) -> None:
    raw = S.load_suite_dict("staging.sensors")
    raw["expectations"] = [
        e
        for e in raw["expectations"]
        if not (
            e["type"] == "expect_column_values_to_not_be_null" and e["kwargs"]["column"] == "unit"
        )
    ]
    raw["expectations"][0]["meta"]["severity"] = "fatal"
    (tmp_path / "staging.sensors.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(S, "EXPECTATIONS_DIR", tmp_path)
    problems = S.suite_problems("staging.sensors")
    assert "required column unit has no not-null expectation" in problems
    assert any("meta.severity 'fatal'" in p for p in problems)


def test_parameters_resolve_for_the_run() -> None:
    kwargs = {"column": "year_built", "max_value": {"$PARAMETER": "current_year"}}
    assert S.resolve_parameters(kwargs, {"current_year": 2024}) == {
        "column": "year_built",
        "max_value": 2024,
    }
    with pytest.raises(KeyError, match="current_year"):
        S.resolve_parameters(kwargs, {})


def test_cli_check_suites_reports_no_problems(capsys) -> None:
    import argparse

    from pipelines.quality.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["quality", "check-suites"])
    assert args.func(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == set(S.SUITE_TABLES)
    assert all(problems == [] for problems in report.values())
