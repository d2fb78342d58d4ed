"""EPANET import through wntr (Net3, ky10) and the Kitchener adapter."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.pipes.epanet import example_network, import_inp, material_from_roughness
from pipelines.pipes.kitchener import load_kitchener
from pipelines.settings import load_config

CFG = load_config("pipe_risk")
CONTRACT = [
    "segment_id",
    "network",
    "material",
    "diameter_mm",
    "install_year",
    "length_m",
    "status",
    "geometry",
]


@pytest.mark.parametrize(("name", "pipes"), [("Net3", 117), ("ky10", 1043)])
def test_import_wntr_example_networks(name: str, pipes: int) -> None:
    frame = import_inp(example_network(name), CFG)
    assert len(frame) == pipes
    assert set(CONTRACT) <= set(frame.columns)
    assert frame["segment_id"].is_unique and (frame["network"] == "water").all()
    assert frame["diameter_mm"].between(10, 4000).all() and (frame["length_m"] > 0).all()
    assert (
        frame["geometry"].str.startswith("LINESTRING (").all() and (frame["crs"] == "local").all()
    )


def test_ky10_materials_come_from_hazen_williams_c() -> None:
    frame = import_inp(example_network("ky10"), CFG)
    by_c = frame.groupby("roughness")["material"].first()
    assert by_c[150.0] == "PVC" and by_c[100.0] == "CI" and by_c[140.0] == "UNKNOWN"
    assert material_from_roughness(150, "D-W", CFG) == "UNKNOWN"


def test_ky10_first_pipe_geometry_and_units() -> None:
    row = import_inp(example_network("ky10"), CFG).set_index("segment_id").loc["ky10:P-1"]
    assert row["diameter_mm"] == pytest.approx(203.2)  # 8 in
    assert row["length_m"] == pytest.approx(150.6474)
    assert row["geometry"].startswith("LINESTRING (5765080.500 3843715.000, 5765082.160")


def test_kitchener_adapter_reads_bom_files_without_today_scores(tmp_path) -> None:
    mains = (
        "\ufeffOBJECTID,WATMAINID,STATUS,PRESSURE_ZONE,ROADSEGMENTID,PIPE_SIZE,MATERIAL,LINED,LINED_DATE,"
        "INSTALLATION_DATE,CRITICALITY,CONDITION_SCORE,Shape__Length\n"
        "1,10080,ACTIVE,KIT 6,5457,450,DI,NO,,1979/01/01 00:00:00+00,6,8.5,34.21\n"
        "2,10081,ACTIVE,KIT 4,5458,150,PVCO,NO,,,7,4.0,12.5\n"
        "3,10082,COMPLETE,KIT 4,5459,0,CI,YES,2001/05/01 00:00:00+00,1930/01/01 00:00:00+00,9,1.0,80\n"
    )
    breaks = (
        "\ufeffX,Y,OBJECTID,WATBREAKINCIDENTID,INCIDENT_DATE,BREAK_TYPE,ROADSEGMENTID,ASSETID\n"
        "-80.4,43.4,1,2252,2017/12/01 15:15:00+00,MAIN,5457,10080\n"
        "-80.4,43.4,2,2253,2001/03/26 00:00:00+00,SERVICE,9999,4101323\n"
    )
    (tmp_path / "Water_Mains.csv").write_text(mains, encoding="utf-8")
    (tmp_path / "Water_Main_Breaks.csv").write_text(breaks, encoding="utf-8")
    seg, brk = load_kitchener(tmp_path)
    assert list(seg["segment_id"]) == ["10080", "10081"]  # ACTIVE only
    assert list(seg["material"]) == ["DI", "PVC"] and pd.isna(seg["install_year"].iloc[1])
    assert not {"CONDITION_SCORE", "CRITICALITY", "condition_score"} & set(seg.columns)
    assert list(brk["segment_id"]) == ["10080", "4101323"]  # unmatched breaks kept for neighbours
    assert brk["occurred_at"].iloc[0] == pd.Timestamp("2017-12-01 15:15", tz="UTC")
    seg_all, _ = load_kitchener(tmp_path, active_only=False)
    assert pd.isna(seg_all["diameter_mm"].iloc[2]) and seg_all["lined_year"].iloc[2] == 2001
