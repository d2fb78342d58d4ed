"""Report fixtures: one small warehouse per test module, and the report built from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.report import generate_report

from .fixture_warehouse import build_fixture


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("wh") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def built(fixture_db, tmp_path_factory) -> dict[str, Any]:
    """The report, workbook and CSVs for the last date of the fixture warehouse."""
    return generate_report(fixture_db, tmp_path_factory.mktemp("reports"))
