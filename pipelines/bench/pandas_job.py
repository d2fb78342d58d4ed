"""What a user would otherwise write: pandas reads the day's CSVs, then the reference detector.

``pipelines.lifeline.pandas_reference.detect_episodes_pandas`` walks each sensor's readings in
a Python loop (tens of microseconds per reading), so at city scale (28.8 million readings) it
runs for most of an hour. The read is always timed over every file; the detection is timed
over every reading when ``sample_sensors`` is 0 or not smaller than the number of sensors, else
over every reading of an evenly spaced sample of sensors (every k-th sensor id of each file,
so all domains are in it) and scaled by total rows / sampled rows. The per-sensor loop has no
cross-sensor work, so its cost is linear in readings; the JSON says which was done.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.bench.measure import GB, ru_maxrss_bytes


def read_readings(files: list[Path]) -> pd.DataFrame:
    """Plain pandas: read, parse types, drop unparseable rows and duplicate keys."""
    frames = [
        pd.read_csv(
            f,
            dtype={"sensor_id": "string", "measured_at": "string", "value": "string"},
            encoding="utf-8",
            encoding_errors="replace",
            on_bad_lines="skip",
        )
        for f in files
    ]
    df = pd.concat(frames, ignore_index=True)
    df["measured_at"] = pd.to_datetime(
        df["measured_at"], format="ISO8601", utc=True, errors="coerce"
    )
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df = df.dropna(subset=["sensor_id", "measured_at", "value"])
    return df.drop_duplicates(subset=["sensor_id", "measured_at"], keep="first")


def read_sensors(path: Path) -> pd.DataFrame:
    sensors = pd.read_csv(
        path, encoding="utf-8", encoding_errors="replace", on_bad_lines="skip", low_memory=False
    )
    return sensors.drop_duplicates(subset=["sensor_id"], keep="first")


def sample_ids(ids: pd.Series, wanted: int) -> set[str]:
    """Every k-th id in sorted order (k = ceil(n / wanted)), so each domain is represented."""
    uniq = sorted(ids.unique().tolist())
    step = max(1, -(-len(uniq) // wanted))
    return set(uniq[::step])


def run_pandas(files: list[Path], sensors_csv: Path, sample_sensors: int) -> dict[str, Any]:
    """Time read + detection; see the module docstring for what is measured and scaled."""
    from pipelines.lifeline.pandas_reference import detect_episodes_pandas
    from pipelines.lifeline.rules import load_rules

    rules = load_rules()
    t0 = time.perf_counter()
    readings = read_readings(files)
    sensors = read_sensors(sensors_csv)
    read_s = time.perf_counter() - t0
    rows = len(readings)
    n_sensors = int(readings["sensor_id"].nunique())
    sampled = 0 < sample_sensors < n_sensors
    batch = readings
    if sampled:
        keep = sample_ids(readings["sensor_id"], sample_sensors)
        batch = readings[readings["sensor_id"].isin(keep)]
    batch_rows = len(batch)
    t1 = time.perf_counter()
    episodes = detect_episodes_pandas(batch, sensors, rules)
    detect_s = time.perf_counter() - t1
    scale = rows / batch_rows if batch_rows else 1.0
    detect_total = detect_s * scale
    return {
        "seconds": round(read_s + detect_total, 3),
        "read_seconds": round(read_s, 3),
        "detect_seconds_measured": round(detect_s, 3),
        "detect_seconds": round(detect_total, 3),
        "rows": rows,
        "sensors": n_sensors,
        "sampled": sampled,
        "detect_rows": batch_rows,
        "detect_sensors": int(batch["sensor_id"].nunique()),
        "scale_factor": round(scale, 4),
        "episodes_in_detected_batch": len(episodes),
        "us_per_row_detect": round(detect_s / batch_rows * 1e6, 2) if batch_rows else None,
        "timed": "pandas read_csv of the day's reading files + type parsing + dedup, then "
        "detect_episodes_pandas" + (" (detection scaled from the sample)" if sampled else ""),
        "peak_rss_gb": round(ru_maxrss_bytes() / GB, 3),
    }
