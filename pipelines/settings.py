"""Where things live and how the project is configured.

One data directory (``RESILIENCE_DATA_DIR``, default ``data/`` in the checkout) holds landing
files, the warehouse, quality docs, reports and the sample city's ground truth. Config files in
``config/`` are versioned YAML; each threshold in them cites its source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(os.environ.get("RESILIENCE_CONFIG_DIR", PROJECT_ROOT / "config"))
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
REFERENCE_DATA_DIR = PROJECT_ROOT / "reference_data"

#: Business time zone: schedules, night-flow windows and ``as_of_date`` are local to it.
LOCAL_TZ_NAME = "Asia/Shanghai"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)
#: Projected CRS for distances in metres (CGCS2000 / 3-degree Gauss-Kruger CM 126E).
PROJECTED_CRS = "EPSG:4551"


@dataclass(frozen=True)
class Paths:
    """Resolved locations inside one data directory."""

    data_dir: Path
    warehouse: Path

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def quality(self) -> Path:
        return self.data_dir / "quality"

    @property
    def reports(self) -> Path:
        return self.data_dir / "reports"

    @property
    def sample_truth(self) -> Path:
        return self.data_dir / "sample_truth"

    @property
    def published_warehouse(self) -> Path:
        """Read-only copy of the last completed run, for analysts and reports."""
        return self.warehouse.with_name(self.warehouse.stem + "_published.duckdb")

    def ensure(self) -> Paths:
        for p in (self.data_dir, self.landing, self.quality, self.reports, self.sample_truth):
            p.mkdir(parents=True, exist_ok=True)
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        return self


def get_paths(data_dir: str | Path | None = None, warehouse: str | Path | None = None) -> Paths:
    """Paths from explicit arguments, else the environment, else the checkout's ``data/``."""
    base = Path(data_dir or os.environ.get("RESILIENCE_DATA_DIR") or PROJECT_ROOT / "data")
    base = base.resolve()
    wh = warehouse or os.environ.get("RESILIENCE_WAREHOUSE") or base / "warehouse.duckdb"
    return Paths(data_dir=base, warehouse=Path(wh).resolve())


@cache
def _load_yaml(path: str) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_config(name: str) -> Any:
    """Load ``config/<name>.yaml``; raises a clear error naming the file when it is missing."""
    path = CONFIG_DIR / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if not path.exists():
        raise FileNotFoundError(f"config file not found: {path}")
    return _load_yaml(str(path))
