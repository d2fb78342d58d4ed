"""Determinism, speed, CLI, size overrides, geometry and the realism of the registries."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines import cli
from pipelines.sample_city import assets, generate
from pipelines.sample_city.city import build_city
from pipelines.settings import get_paths, load_config

from .conftest import TINY, read_csv_good


def _digests(root) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files_and_tiny_run_is_fast(tiny, tmp_path) -> None:
    paths = get_paths(data_dir=tmp_path / "again")
    t0 = time.perf_counter()
    generate(paths, **TINY)
    assert time.perf_counter() - t0 < 20.0
    first, second = _digests(tiny.paths.data_dir), _digests(paths.data_dir)
    assert first == second
    assert len(first) > 30
    manifest = tiny.manifest()
    assert manifest["files"]["landing/sensors/sensors.csv"] == first["landing/sensors/sensors.csv"]
    other = get_paths(data_dir=tmp_path / "other_seed")
    generate(other, **{**TINY, "seed": 8, "history_days": 0})
    assert (
        _digests(other.data_dir)["landing/readings/gas_20251104.csv"]
        != first["landing/readings/gas_20251104.csv"]
    )


def test_cli_prints_summary_and_regeneration_replaces_old_files(tmp_path, capsys) -> None:
    args = [
        "generate",
        "--scale",
        "0.02",
        "--days",
        "2",
        "--history-days",
        "1",
        "--no-progress",
        "--data-dir",
        str(tmp_path),
    ]
    assert cli.main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"]["sensors"] == summary["sensors"] > 0
    assert (tmp_path / "landing/readings/gas_20251105.csv").exists()
    assert (
        cli.main(
            [
                *args[:4],
                "1",
                "--history-days",
                "0",
                "--no-bad",
                "--no-progress",
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert not (tmp_path / "landing/readings/gas_20251105.csv").exists()
    assert not (tmp_path / "landing/readings/water_history_20251103.csv").exists()
    bad = pd.read_csv(tmp_path / "sample_truth/bad_records.csv")
    assert bad.empty
    with pytest.raises(SystemExit) as exc:  # argparse usage error
        cli.main(["generate", "--days", "0", "--data-dir", str(tmp_path)])
    assert exc.value.code == 2
    assert cli.main(["generate", "--history-days", "-1", "--data-dir", str(tmp_path)]) == 2


def test_size_overrides(tmp_path) -> None:
    s = generate(
        get_paths(data_dir=tmp_path),
        sensors=160,
        segments=300,
        buildings=120,
        days=1,
        history_days=0,
        progress=False,
    )
    assert s["sensors"] == 160
    assert s["counts"]["pipe_segments"] == 300 and s["counts"]["buildings"] == 120
    assert s["counts"]["readings"] > 150 * 280
    assert (
        pq.read_metadata(tmp_path / "landing/pipe_segments/pipe_segments.parquet").num_rows == 300
    )


def _inside(poly: list, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Ray casting point-in-polygon for many points."""
    res = np.zeros(len(lon), bool)
    for (x1, y1), (x2, y2) in zip(poly[:-1], poly[1:], strict=True):
        cond = (y1 > lat) != (y2 > lat)
        xint = (x2 - x1) * (lat - y1) / np.where(y2 == y1, 1e-12, y2 - y1) + x1
        res ^= cond & (lon < xint)
    return res


def test_geometry_points_inside_their_district(tiny) -> None:
    districts = json.loads(
        (tiny.landing / "districts/districts.geojson").read_text(encoding="utf-8")
    )["features"]
    polys = {f["properties"]["district_id"]: f["geometry"]["coordinates"][0] for f in districts}
    assert len(polys) == 7 and {"220102", "220113"} <= set(polys)
    assert {f["properties"]["name_zh"] for f in districts} >= {
        "南关区",
        "宽城区",
        "朝阳区",
        "二道区",
        "绿园区",
        "双阳区",
        "九台区",
    }
    for df in (tiny.sensors(), read_csv_good(tiny, "buildings/buildings.csv", "gbk")):
        lon, lat = df["lon"].astype(float).to_numpy(), df["lat"].astype(float).to_numpy()
        hits = np.column_stack([_inside(polys[d], lon, lat) for d in polys])
        assert (hits.sum(axis=1) == 1).all()  # non-overlapping outlines
        own = np.array([list(polys).index(d) for d in df["district_id"]])
        assert hits[np.arange(len(df)), own].all()
    dmas = json.loads((tiny.landing / "dmas/dmas.geojson").read_text(encoding="utf-8"))["features"]
    for f in dmas:
        ring = np.array(f["geometry"]["coordinates"][0])
        c = ring[:-1].mean(axis=0)
        assert _inside(polys[f["properties"]["district_id"]], np.array([c[0]]), np.array([c[1]]))[0]
    segs = pq.read_table(tiny.landing / "pipe_segments/pipe_segments.parquet").to_pandas()
    assert segs["geometry"].str.startswith("LINESTRING (").all()


def test_registries_are_plausible(tiny) -> None:
    dmas = pd.DataFrame(
        [
            f["properties"]
            for f in json.loads((tiny.landing / "dmas/dmas.geojson").read_text(encoding="utf-8"))[
                "features"
            ]
        ]
    )
    assert (dmas["service_connections"] > 5000).mean() >= 0.8
    assert (dmas["service_connections"] / dmas["mains_length_km"] > 20).all()
    assert dmas["avg_pressure_m"].between(25, 60).all()
    zones = [
        f["properties"]
        for f in json.loads(
            (tiny.landing / "seismic_zones/seismic_zones.geojson").read_text(encoding="utf-8")
        )["features"]
    ]
    susc = {z["liquefaction_susceptibility"] for z in zones}
    assert susc & {"moderate", "high"} and susc & {"none", "very_low"}
    assert {(z["site_intensity"], z["pga_g"]) for z in zones} == {(7, 0.1)}
    b = read_csv_good(tiny, "buildings/buildings.csv", "gbk")
    year = b["year_built"].astype(int)
    prefab = b["structure_type"] == "prefab_hollow_core_slab"
    assert prefab.any() and year[prefab].between(1970, 1999).mean() > 0.8
    assert (b["height_m"].astype(float) > 100).sum() >= 3
    assert (b["structure_type"] == "").sum() >= 1
    assert {2091, 1650} <= set(year)
    old = year.between(1900, 1977)
    assert b.loc[old, "fortification_intensity"].astype(int).isin([0, 6]).all()
    m = tiny.manifest()["anomalies"]
    insp = [
        json.loads(x)
        for x in (tiny.landing / "building_inspections/building_inspections.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[:-1]
    ]
    insp = pd.DataFrame([i for i in insp if i["inspection_id"].startswith("INS-0")])
    retro = read_csv_good(tiny, "building_retrofits/building_retrofits.csv")
    for bid in m["inspection_contradictions"]:
        grades = insp[insp["building_id"] == bid].sort_values("inspected_at")["grade"].tolist()
        assert grades == ["D", "A"] and bid not in set(retro["building_id"])
    fac = read_csv_good(tiny, "hazardous_facilities/hazardous_facilities.csv")
    assert (fac["stored_tonnes"].astype(float) > fac["threshold_tonnes"].astype(float)).any()
    reports = (tiny.landing / "hazard_reports/hazard_reports.jsonl").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" in reports
    upd = read_csv_good(tiny, "hazard_updates/hazard_updates.csv")
    assert {a["kind"] for a in m["hazard_ledger"]} == {
        "closed_unverified",
        "backwards",
        "unknown_hazard",
    }
    assert "HZ-HR-999999" in set(upd["hazard_id"])
    dec = read_csv_good(tiny, "officer_decisions/officer_decisions.csv")
    assert set(dec["kind"]) == {"level_override", "alarm_ack", "false_alarm"}


def test_break_history_prior_breaks_predict_future_and_winter_peaks() -> None:
    cfg = load_config("sample_city")
    city = build_city(cfg, np.random.default_rng(1))
    segs = assets.make_segments(
        city, np.random.default_rng(2), 20_000, cfg["counts"]["network_share"], date(2025, 11, 4)
    )
    br = pd.DataFrame(
        assets.make_breaks(segs, np.random.default_rng(3), cfg["breaks"], date(2025, 11, 4), 15)
    )
    br["year"] = br["occurred_at"].str[:4].astype(int)
    br["month"] = br["occurred_at"].str[5:7].astype(int)
    past = set(br.loc[br["year"] < 2021, "segment_id"])
    future = br[br["year"] >= 2021].groupby("segment_id").size()
    ids = pd.Series(segs.cols["segment_id"])
    length = pd.Series(segs.cols["length_m"], index=ids)
    with_past = ids[ids.isin(past)]
    without = ids[~ids.isin(past)]
    rate_with = future.reindex(with_past, fill_value=0).sum() / length[with_past].sum()
    rate_without = future.reindex(without, fill_value=0).sum() / length[without].sum()
    assert rate_with > 2.0 * rate_without
    by_month = br.groupby("month").size()
    assert by_month[[12, 1, 2]].mean() > 1.5 * by_month[[6, 7, 8]].mean()
    ci = br["segment_id"].map(pd.Series(segs.cols["material"], index=ids))
    assert (ci == "CI").mean() > (pd.Series(segs.cols["material"]) == "CI").mean()
