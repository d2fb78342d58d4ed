"""Fixtures for the lifeline tests: a tmp data dir and a writer connection for setup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse
from pipelines.settings import Paths, get_paths


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return get_paths(data_dir=tmp_path).ensure()


@pytest.fixture
def con(paths: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    """Writer connection for setting up staging rows; tests close it before the stage runs."""
    c = warehouse.connect(paths.warehouse)
    warehouse.ensure_schema(c)
    try:
        yield c
    finally:
        c.close()
