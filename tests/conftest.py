"""Shared fixtures: every test gets its own data directory, never the checkout's data/."""

from __future__ import annotations

import os

import pytest

from pipelines.settings import Paths, get_paths

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@pytest.fixture
def paths(tmp_path, monkeypatch) -> Paths:
    """A fresh data directory, also exported through the environment for subprocesses."""
    p = get_paths(data_dir=tmp_path / "data").ensure()
    monkeypatch.setenv("RESILIENCE_DATA_DIR", str(p.data_dir))
    monkeypatch.setenv("RESILIENCE_WAREHOUSE", str(p.warehouse))
    return p
