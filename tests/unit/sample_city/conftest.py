"""A tiny sample city generated once per test session, and readers that skip listed bad lines."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipelines.sample_city import generate
from pipelines.settings import Paths, get_paths

TINY = {
    "seed": 7,
    "scale": 0.05,
    "start_date": date(2025, 11, 4),
    "days": 3,
    "history_days": 3,
    "progress": False,
}


@dataclass
class City:
    paths: Paths
    summary: dict[str, Any]

    @property
    def landing(self) -> Path:
        return self.paths.landing

    def bad(self) -> pd.DataFrame:
        return pd.read_csv(
            self.paths.sample_truth / "bad_records.csv",
            dtype={"file": str, "kind": str},
            keep_default_na=False,
        )

    def bad_lines(self, rel: str) -> dict[int, str]:
        b = self.bad()
        b = b[(b["file"] == rel) & (b["line"] != "")]
        return {int(ln): k for ln, k in zip(b["line"], b["kind"], strict=True)}

    def bad_files(self) -> set[str]:
        b = self.bad()
        return set(b.loc[b["line"] == "", "file"])

    def incidents(self) -> pd.DataFrame:
        return pd.read_csv(
            self.paths.sample_truth / "incidents.csv", dtype=str, keep_default_na=False
        )

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.paths.sample_truth / "manifest.json").read_text(encoding="utf-8"))

    def sensors(self) -> pd.DataFrame:
        return read_csv_good(self, "sensors/sensors.csv")

    def readings(self) -> pd.DataFrame:
        """All good readings of the window (CSV minus listed bad lines, plus heating Parquet)."""
        frames = []
        skip = self.bad_files()
        for p in sorted((self.landing / "readings").iterdir()):
            rel = p.relative_to(self.landing).as_posix()
            if rel in skip:
                continue
            if p.suffix == ".parquet":
                df = pd.read_parquet(p)
                df["measured_at"] = pd.to_datetime(df["measured_at"]).dt.tz_convert("Asia/Shanghai")
                frames.append(df)
            else:
                frames.append(read_readings_csv(self, rel))
        return pd.concat(frames, ignore_index=True)


def good_lines(city: City, rel: str) -> list[bytes]:
    """Physical lines of a file (index 0 = line 1) with the listed bad lines replaced by None."""
    raw = (city.landing / rel).read_bytes()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    bad = city.bad_lines(rel)
    return [None if (i + 1) in bad else ln for i, ln in enumerate(lines)]


def read_readings_csv(city: City, rel: str) -> pd.DataFrame:
    lines = [ln for ln in good_lines(city, rel) if ln is not None]
    df = pd.read_csv(io.BytesIO(b"\n".join(lines) + b"\n"), dtype={"sensor_id": str})
    df["measured_at"] = pd.to_datetime(df["measured_at"], format="ISO8601").dt.tz_convert(
        "Asia/Shanghai"
    )
    return df


def read_csv_good(city: City, rel: str, encoding: str = "utf-8") -> pd.DataFrame:
    lines = [ln for ln in good_lines(city, rel) if ln is not None]
    text = b"\n".join(lines).decode(encoding)
    return pd.DataFrame(list(csv.DictReader(io.StringIO(text))))


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> City:
    paths = get_paths(data_dir=tmp_path_factory.mktemp("tiny_city"))
    return City(paths, generate(paths, **TINY))
