"""City of Kitchener (Ontario) water mains and main breaks: the real-data evaluation source.

Kitchener's open data is an *evaluation* source, not part of the sample city's warehouse. This
adapter is the one place that reads it; when ``pipelines.ingest.load_mapped("kitchener", ...)``
is available the body of :func:`load_kitchener` can switch to it without touching callers.

Data: City of Kitchener open data (Water Mains; Water Main Breaks), published by the City of
Kitchener. Files start with a UTF-8 byte-order mark.

Leakage guard: ``CONDITION_SCORE`` and ``CRITICALITY`` are *today's* assessments and are never
read; lining is only used when its date precedes the prediction time (the caller decides).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.settings import REFERENCE_DATA_DIR, load_config

DEFAULT_DIR = REFERENCE_DATA_DIR / "kitchener"
MAINS_FILE = "Water_Mains.csv"
BREAKS_FILE = "Water_Main_Breaks.csv"

#: Columns read from the mains inventory (deliberately excludes CONDITION_SCORE, CRITICALITY).
_MAIN_COLUMNS = [
    "WATMAINID",
    "STATUS",
    "PRESSURE_ZONE",
    "ROADSEGMENTID",
    "PIPE_SIZE",
    "MATERIAL",
    "LINED",
    "LINED_DATE",
    "INSTALLATION_DATE",
    "Shape__Length",
]
_BREAK_COLUMNS = ["WATBREAKINCIDENTID", "INCIDENT_DATE", "BREAK_TYPE", "ROADSEGMENTID", "ASSETID"]


def _id_text(series: pd.Series) -> pd.Series:
    """Integer-like ids as text ('10080', not '10080.0'); missing stays missing."""
    num = pd.to_numeric(series, errors="coerce").astype("Int64")
    return num.astype("string")


def load_kitchener(
    data_dir: str | Path | None = None, *, active_only: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(segments, breaks)`` in the pipe_segments / pipe_breaks contract columns.

    segments: segment_id, network, material, diameter_mm, install_year, length_m, status,
    plus evaluation extras ``road_segment_id``, ``pressure_zone``, ``lined_year``.
    breaks: break_id, segment_id (ASSETID; may not match any main), occurred_at (UTC),
    failure_type, road_segment_id. Breaks are *not* filtered to known mains, so that
    street-level neighbour features can use the ~15 % that do not join.
    """
    base = Path(data_dir) if data_dir else DEFAULT_DIR
    cfg = load_config("pipe_risk")["kitchener"]
    mains = pd.read_csv(base / MAINS_FILE, encoding="utf-8-sig", usecols=_MAIN_COLUMNS)
    raw_breaks = pd.read_csv(base / BREAKS_FILE, encoding="utf-8-sig", usecols=_BREAK_COLUMNS)

    if active_only:
        mains = mains[mains["STATUS"].astype(str).str.upper() == "ACTIVE"]
    material_map: dict[str, str] = cfg["material_map"]
    installed = pd.to_datetime(mains["INSTALLATION_DATE"].str[:10], errors="coerce")
    lined = pd.to_datetime(mains["LINED_DATE"].str[:10], errors="coerce")
    segments = pd.DataFrame(
        {
            "segment_id": _id_text(mains["WATMAINID"]),
            "network": "water",
            "material": mains["MATERIAL"]
            .astype(str)
            .str.strip()
            .map(material_map)
            .fillna("UNKNOWN"),
            "diameter_mm": pd.to_numeric(mains["PIPE_SIZE"], errors="coerce"),
            "install_year": installed.dt.year.astype("Int64"),
            "length_m": pd.to_numeric(mains["Shape__Length"], errors="coerce"),
            "status": mains["STATUS"].astype(str).str.lower(),
            "road_segment_id": _id_text(mains["ROADSEGMENTID"]),
            "pressure_zone": mains["PRESSURE_ZONE"].astype("string"),
            "lined_year": lined.dt.year.astype("Int64").where(
                mains["LINED"].astype(str).str.upper() == "YES"
            ),
        }
    ).reset_index(drop=True)
    # Diameter 0 is "unknown" in the export: keep the segment, leave the size missing.
    segments.loc[segments["diameter_mm"] <= 0, "diameter_mm"] = pd.NA

    breaks = pd.DataFrame(
        {
            "break_id": _id_text(raw_breaks["WATBREAKINCIDENTID"]),
            "segment_id": _id_text(raw_breaks["ASSETID"]),
            "occurred_at": pd.to_datetime(raw_breaks["INCIDENT_DATE"], utc=True, format="mixed"),
            "failure_type": raw_breaks["BREAK_TYPE"]
            .astype(str)
            .str.lower()
            .map({"main": "break"})
            .fillna("leak"),
            "road_segment_id": _id_text(raw_breaks["ROADSEGMENTID"]),
        }
    )
    breaks = breaks.dropna(subset=["occurred_at"]).reset_index(drop=True)
    return segments, breaks
