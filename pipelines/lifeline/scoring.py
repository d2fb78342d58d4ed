"""Score everything the lifeline stage detected against the sample city's ground truth.

Detections: alarm episodes with a detection type, night-flow leak runs (consecutive flagged
nights of a DMA), and stuck/offline faults from ``marts.sensor_health``. A detection matches an
incident of its type when it concerns the same sensor, asset or DMA and overlaps the incident's
window widened by the tolerance on each side; a night-flow leak matches when its flagged nights
include the night the leak starts or the next. Several detections of one incident count once
for recall; a detection matching nothing is a false positive of its type.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import warehouse
from pipelines.errors import UserError
from pipelines.settings import LOCAL_TZ, Paths

TOLERANCE = timedelta(minutes=60)
#: Night-flow windows end at this local hour; a leak starting later shows the next night.
NIGHT_END_HOUR = 4
FAULT_TYPES = {"stuck": "stuck_sensor", "offline": "offline_sensor"}
DETECTION_COLUMNS = [
    "det_id", "det_type", "sensor_id", "asset_id", "dma_id", "start", "end", "night_first", "night_last",
]  # fmt: skip


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v == ""


def _same_object(det: pd.Series, inc: pd.Series) -> bool:
    for key in ("sensor_id", "asset_id", "dma_id"):
        if not _blank(det[key]) and not _blank(inc[key]) and det[key] == inc[key]:
            return True
    return False


def _start_night(ts: pd.Timestamp) -> Any:
    local = ts.tz_convert(LOCAL_TZ)
    return local.date() if local.hour < NIGHT_END_HOUR else local.date() + timedelta(days=1)


def _overlaps(det: pd.Series, inc: pd.Series, tolerance: timedelta) -> bool:
    if inc["incident_type"] == "hidden_leak" and not pd.isna(det["night_first"]):
        first = _start_night(inc["start_at"])
        lo, hi = pd.Timestamp(det["night_first"]).date(), pd.Timestamp(det["night_last"]).date()
        return any(lo <= n <= hi for n in (first, first + timedelta(days=1)))
    lo, hi = inc["start_at"] - tolerance, inc["end_at"] + tolerance
    end = det["end"]
    return det["start"] <= hi and (pd.isna(end) or end >= lo)


def score(
    truth: pd.DataFrame, detections: pd.DataFrame, tolerance: timedelta = TOLERANCE
) -> dict[str, Any]:
    """Precision and recall overall and per incident type (keys: the truth's incident types)."""
    truth = truth.copy()
    for col in ("start_at", "end_at"):
        truth[col] = pd.to_datetime(truth[col], utc=True)
    det_matched: dict[int, bool] = {}
    inc_matched: set[str] = set()
    by_inc_type = {t: g for t, g in truth.groupby("incident_type")}
    for i, det in detections.reset_index(drop=True).iterrows():
        hits = [
            inc["incident_id"]
            for _, inc in by_inc_type.get(det["det_type"], truth.iloc[0:0]).iterrows()
            if _same_object(det, inc) and _overlaps(det, inc, tolerance)
        ]
        det_matched[int(i)] = bool(hits)
        inc_matched.update(hits)
    dets = detections.reset_index(drop=True).assign(
        matched=[det_matched[i] for i in range(len(detections))]
    )
    by_type: dict[str, dict[str, float]] = {}
    for itype in sorted(truth["incident_type"].unique()):
        incs = truth[truth["incident_type"] == itype]
        d = dets[dets["det_type"] == itype]
        by_type[itype] = {
            "precision": float(d["matched"].mean()) if len(d) else 1.0,
            "recall": float(incs["incident_id"].isin(inc_matched).mean()),
            "n": int(len(incs)),
        }
    overall = {
        "precision": float(dets["matched"].mean()) if len(dets) else 1.0,
        "recall": float(truth["incident_id"].isin(inc_matched).mean()) if len(truth) else 1.0,
    }
    return {"overall": overall, "by_type": by_type}


def _open_readonly(paths: Paths) -> duckdb.DuckDBPyConnection:
    """The warehouse read-only; the published copy when a writer holds the file."""
    if paths.warehouse.exists():
        try:
            return warehouse.connect(paths.warehouse, read_only=True)
        except duckdb.IOException:
            pass
    if paths.published_warehouse.exists():
        return warehouse.connect(paths.published_warehouse, read_only=True)
    raise UserError(f"no warehouse at {paths.warehouse}; run the lifeline stage first")


def load_detections(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every scored detection in the warehouse, one row each (``DETECTION_COLUMNS``)."""
    alarms = con.execute(
        """
        SELECT episode_id AS det_id, detection_type AS det_type, sensor_id, asset_id, dma_id,
            opened_at AS start, closed_at AS "end", NULL::DATE AS night_first,
            NULL::DATE AS night_last
        FROM marts.lifeline_alarms
        WHERE detection_type IS NOT NULL
        """
    ).df()
    leaks = con.execute(
        """
        SELECT 'leak:' || dma_id || ':' || leak_since::VARCHAR AS det_id, 'hidden_leak' AS det_type,
            NULL::VARCHAR AS sensor_id, NULL::VARCHAR AS asset_id, dma_id,
            min(window_start) AS start, max(window_end) AS "end",
            min(night_date) AS night_first, max(night_date) AS night_last
        FROM marts.dma_night_flow
        WHERE leak_flag
        GROUP BY dma_id, leak_since
        """
    ).df()
    faults = con.execute(
        """
        SELECT 'fault:' || h.sensor_id || ':' || h.fault_type || ':' || epoch(h.fault_since)::VARCHAR
                AS det_id,
            CASE h.fault_type WHEN 'stuck' THEN 'stuck_sensor' ELSE 'offline_sensor' END AS det_type,
            h.sensor_id, any_value(s.asset_id) AS asset_id, any_value(s.dma_id) AS dma_id,
            h.fault_since AS start,
            arg_max_null(h.fault_until, h.as_of_date) AS "end",
            NULL::DATE AS night_first, NULL::DATE AS night_last
        FROM marts.sensor_health AS h
        LEFT JOIN staging.sensors AS s ON s.sensor_id = h.sensor_id
        WHERE h.fault_type IN ('stuck', 'offline')
        GROUP BY h.sensor_id, h.fault_type, h.fault_since
        """
    ).df()
    frames = [f for f in (alarms, leaks, faults) if len(f)]
    if not frames:
        return pd.DataFrame(columns=DETECTION_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[DETECTION_COLUMNS]
    for col in ("start", "end"):
        out[col] = pd.to_datetime(out[col], utc=True)
    return out


def load_truth(paths: Paths) -> pd.DataFrame:
    path: Path = paths.sample_truth / "incidents.csv"
    if not path.exists():
        raise UserError(f"no sample truth at {path}; generate the sample city first")
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    required = {
        "incident_id",
        "incident_type",
        "sensor_id",
        "asset_id",
        "dma_id",
        "start_at",
        "end_at",
    }
    missing = required - set(truth.columns)
    if missing:
        raise UserError(f"{path}: missing columns {sorted(missing)}")
    return truth


def score_paths(paths: Paths) -> dict[str, Any]:
    """Score the warehouse of a data directory against its ``sample_truth/incidents.csv``."""
    truth = load_truth(paths)
    con = _open_readonly(paths)
    try:
        detections = load_detections(con)
    finally:
        con.close()
    return score(truth, detections)
