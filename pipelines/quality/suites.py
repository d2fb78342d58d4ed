"""Expectation suites: the JSON files in ``expectations/`` are the source of truth.

One GX 1.x suite per validated table (``expectations/<schema>.<table>.json``). Each expectation
carries ``meta.severity`` (critical stops the run, warning is recorded), ``meta.covers`` (which
rows it is evaluated over) and ``meta.source`` (the contract clause or reference it comes from);
``meta.derived`` names a query in ``pipelines/quality/sql/`` whose result the expectation is
evaluated on instead of the table's rows. This module reads the files without importing GX
(cheap for DAG parsing) and checks them against ``config/contracts.yaml``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.settings import EXPECTATIONS_DIR, load_config

#: Tables the gate has a suite for (the staging tables downstream stages rely on).
SUITE_TABLES: tuple[str, ...] = (
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
)

SEVERITIES = ("critical", "warning")

#: Row-level expectation types that have an exact DuckDB translation (metrics mode).
ROW_TYPES = (
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b",
)
#: Key expectations: always checked across the whole scope with a DuckDB GROUP BY.
KEY_TYPES = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
#: Table-level expectations evaluated on the row count of the scope.
TABLE_TYPES = ("expect_table_row_count_to_be_between",)


@dataclass(frozen=True)
class Check:
    """One expectation of a suite, with what the gate needs to route and report it."""

    index: int
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return str(self.meta.get("severity", "critical"))

    @property
    def covers(self) -> str:
        return str(self.meta.get("covers", ""))

    @property
    def derived(self) -> str | None:
        return self.meta.get("derived")

    @property
    def kind(self) -> str:
        """derived, key, table or row: decides where the expectation is evaluated."""
        if self.derived:
            return "derived"
        if self.type in KEY_TYPES:
            return "key"
        if self.type in TABLE_TYPES:
            return "table"
        return "row"

    @property
    def columns(self) -> list[str]:
        """Columns the expectation reads, in argument order."""
        kw = self.kwargs
        if "column" in kw:
            return [kw["column"]]
        if "column_list" in kw:
            return list(kw["column_list"])
        if "column_A" in kw:
            return [kw["column_A"], kw["column_B"]]
        return []

    @property
    def column_label(self) -> str | None:
        return ",".join(self.columns) or None

    def describe(self) -> str:
        """Short human label, e.g. ``expect_column_values_to_not_be_null(value)``."""
        return f"{self.type}({self.column_label or ''})"


def suite_path(table: str) -> Path:
    """Where the suite of ``table`` lives (``expectations/staging.readings.json``)."""
    return EXPECTATIONS_DIR / f"{table}.json"


def load_suite_dict(table: str) -> dict[str, Any]:
    """The raw suite JSON of ``table``; a clear error when the table has no suite."""
    path = suite_path(table)
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite for {table}: expected {path}")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def checks_of(suite: dict[str, Any]) -> list[Check]:
    """The suite's expectations as :class:`Check` objects, in file order."""
    return [
        Check(
            index=i,
            type=e["type"],
            kwargs=dict(e.get("kwargs", {})),
            meta=dict(e.get("meta") or {}),
        )
        for i, e in enumerate(suite.get("expectations", []))
    ]


def source_of(table: str) -> str:
    """Contract source name of a staging table (``staging.readings`` -> ``readings``)."""
    return table.split(".", 1)[1] if "." in table else table


def contract_of(table: str) -> dict[str, Any]:
    """The contract of the table's source in ``config/contracts.yaml``."""
    sources = load_config("contracts")["sources"]
    name = source_of(table)
    if name not in sources:
        raise KeyError(f"{table}: no source {name!r} in config/contracts.yaml")
    return sources[name]


def resolve_parameters(value: Any, params: dict[str, Any]) -> Any:
    """Replace GX ``{"$PARAMETER": name}`` references by their run values."""
    if isinstance(value, dict) and set(value) == {"$PARAMETER"}:
        name = value["$PARAMETER"]
        if name not in params:
            raise KeyError(f"suite parameter {name!r} has no value for this run")
        return params[name]
    if isinstance(value, dict):
        return {k: resolve_parameters(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_parameters(v, params) for v in value]
    return value


def _has(checks: list[Check], type_: str, **kwargs: Any) -> Check | None:
    for c in checks:
        if c.type == type_ and all(c.kwargs.get(k) == v for k, v in kwargs.items()):
            return c
    return None


def suite_problems(table: str) -> list[str]:
    """What is wrong with a suite: contract rules it does not enforce, bad severities/types.

    The suites are hand-maintained JSON; this keeps them in step with the contract.
    """
    suite = load_suite_dict(table)
    checks = checks_of(suite)
    contract = contract_of(table)
    problems: list[str] = []
    if suite.get("name") != table:
        problems.append(f"suite name {suite.get('name')!r} is not {table!r}")
    for c in checks:
        if c.severity not in SEVERITIES:
            problems.append(f"{c.describe()}: meta.severity {c.severity!r} not in {SEVERITIES}")
        if not c.covers:
            problems.append(f"{c.describe()}: meta.covers is missing")
        if c.kind == "row" and c.type not in ROW_TYPES:
            problems.append(f"{c.describe()}: no metrics-mode translation for {c.type}")
    for col in contract["columns"]:
        name = col["name"]
        if col.get("required") and not _has(
            checks, "expect_column_values_to_not_be_null", column=name
        ):
            problems.append(f"required column {name} has no not-null expectation")
        if "allowed" in col:
            c = _has(checks, "expect_column_values_to_be_in_set", column=name)
            if c is None or list(c.kwargs.get("value_set", [])) != list(col["allowed"]):
                problems.append(f"column {name}: no in-set expectation matching contract's allowed")
        if "min" in col or "max" in col:
            found = any(
                c.type == "expect_column_values_to_be_between"
                and c.kwargs.get("column") == name
                and c.severity == "critical"
                and (c.kwargs.get("min_value") == col.get("min"))
                and (c.kwargs.get("max_value") == col.get("max"))
                for c in checks
            )
            if not found:
                problems.append(
                    f"column {name}: no critical between expectation with contract min/max"
                )
    key = list(contract["key"])
    key_check = (
        _has(checks, "expect_column_values_to_be_unique", column=key[0])
        if len(key) == 1
        else _has(checks, "expect_compound_columns_to_be_unique", column_list=key)
    )
    if key_check is None:
        problems.append(f"key {key} has no uniqueness expectation")
    if contract["kind"] == "registry" and not any(
        c.type == "expect_table_row_count_to_be_between"
        and c.severity == "critical"
        and (c.kwargs.get("min_value") or 0) >= 1
        for c in checks
    ):
        problems.append("registry has no critical row count > 0 expectation")
    return problems
