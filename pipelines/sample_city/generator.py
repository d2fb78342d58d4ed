"""``generate()``: write the whole sample city into landing/ and its ground truth into sample_truth/.

Same arguments ⇒ byte-identical files: every random stream is derived from (seed, stream name)
and nothing depends on the clock, the machine or the order of dict iteration.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from tqdm import tqdm

from pipelines.sample_city import assets, buildings, hazards, incidents, io, sensors
from pipelines.sample_city.city import City, build_city
from pipelines.sample_city.geo import ring_lonlat
from pipelines.sample_city.readings import ReadingsWriter
from pipelines.sample_city.timeline import Timeline
from pipelines.settings import Paths, load_config

TRUTH_COLUMNS = (
    "incident_id",
    "incident_type",
    "domain",
    "sensor_id",
    "asset_id",
    "dma_id",
    "start_at",
    "end_at",
    "magnitude",
    "unit",
    "description",
)


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _clean_previous(paths: Paths) -> None:
    """Remove the files a previous generation wrote (listed in its manifest), nothing else."""
    manifest = paths.sample_truth / "manifest.json"
    if not manifest.exists():
        return
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (ValueError, OSError):
        return
    for rel in files:
        p = (paths.data_dir / rel).resolve()
        if p.is_file() and paths.data_dir in p.parents:
            p.unlink()


def generate(
    paths: Paths,
    *,
    seed: int = 20251104,
    scale: float = 1.0,
    start_date: date = date(2025, 11, 4),
    days: int = 3,
    history_days: int = 14,
    sensors: int | None = None,
    segments: int | None = None,
    buildings: int | None = None,
    inject_bad: bool = True,
    progress: bool = True,
) -> dict[str, Any]:
    """Write every landing source of config/contracts.yaml plus sample_truth/; return counts."""
    if days < 1 or history_days < 0 or scale <= 0:
        raise ValueError("days must be >= 1, history_days >= 0 and scale > 0")
    for name, v in (("sensors", sensors), ("segments", segments), ("buildings", buildings)):
        if v is not None and v < 1:
            raise ValueError(f"{name} must be positive")
    t_begin = time.perf_counter()
    cfg = load_config("sample_city")
    paths.ensure()
    _clean_previous(paths)
    land = paths.landing
    log = io.BadLog(land)
    bar = tqdm(
        total=15 + days * 4 + history_days,
        desc="sample city",
        unit="file",
        file=sys.stderr,
        disable=not progress,
    )

    def step(msg: str) -> None:
        bar.set_postfix_str(msg, refresh=False)
        bar.update(1)

    written: list[Path] = []

    def ldir(source: str) -> Path:
        d = land / io.landing_dir(source)
        d.mkdir(parents=True, exist_ok=True)
        return d

    def out(source: str, name: str) -> Path:
        written.append(ldir(source) / name)
        return written[-1]

    city = build_city(cfg, _rng(seed, "city"))
    n_seg = (
        segments if segments is not None else max(40, int(round(cfg["counts"]["segments"] * scale)))
    )
    n_bld = (
        buildings
        if buildings is not None
        else max(30, int(round(cfg["counts"]["buildings"] * scale)))
    )
    segs = assets.make_segments(
        city, _rng(seed, "segments"), n_seg, cfg["counts"]["network_share"], start_date
    )
    breaks = assets.make_breaks(
        segs,
        _rng(seed, "breaks"),
        cfg["breaks"],
        start_date,
        int(cfg["time"]["history_years_breaks"]),
    )
    scounts = sensors_counts(cfg, scale, sensors, len(city.dmas))
    sens = sensors_make(city, segs, _rng(seed, "sensors"), scounts, cfg, start_date)
    tl = Timeline(
        start_date, days, int(cfg["time"]["sampling_interval_s"]), cfg, _rng(seed, "weather")
    )
    incs = incidents.plan_incidents(sens, tl, cfg, _rng(seed, "incidents"), scale)
    benign = _benign_transient(sens, tl, incs, _rng(seed, "benign"))
    bset = buildings_make(city, _rng(seed, "buildings"), n_bld, cfg, start_date)
    fac = hazards.make_facilities(
        city,
        _rng(seed, "facilities"),
        max(5, int(round(cfg["counts"]["hazardous_facilities"] * scale))),
        {k: float(v) for k, v in cfg["hazmat_thresholds_t"].items() if k != "source"},
    )
    hz = hazards.make_hazards(
        city,
        _rng(seed, "hazards"),
        max(8, int(round(cfg["counts"]["hazard_reports"] * scale))),
        start_date,
        days,
        _hazard_sources(city, segs, bset, fac, _rng(seed, "hazard_sources")),
    )
    bad_rng = _rng(seed, "bad")
    counts: dict[str, int] = {}

    # ---- registries
    counts["districts"] = io.write_geojson(
        out("districts", "districts.geojson"),
        "districts",
        [
            (
                {
                    "district_id": d.district_id,
                    "name_zh": d.name_zh,
                    "name_en": d.name_en,
                    "population": d.population,
                    "area_km2": round(d.area_km2, 1),
                },
                ring_lonlat(city.plane, d.poly),
            )
            for d in city.districts
        ],
    )
    step("districts")
    counts["dmas"] = io.write_geojson(
        out("dmas", "dmas.geojson"),
        "dmas",
        [
            (
                {
                    "dma_id": m.dma_id,
                    "district_id": m.district.district_id,
                    "name": m.name,
                    "mains_length_km": m.mains_length_km,
                    "service_connections": m.service_connections,
                    "private_pipe_km": m.private_pipe_km,
                    "avg_pressure_m": m.avg_pressure_m,
                },
                ring_lonlat(city.plane, m.poly),
            )
            for m in city.dmas
        ],
    )
    step("dmas")
    counts["seismic_zones"] = io.write_geojson(
        out("seismic_zones", "seismic_zones.geojson"),
        "seismic_zones",
        [
            ({k: v for k, v in z.items() if k != "poly"}, ring_lonlat(city.plane, z["poly"]))
            for z in city.zones
        ],
    )
    step("seismic_zones")
    counts["responsible_units"] = io.write_csv(
        out("responsible_units", "responsible_units.csv"),
        "responsible_units",
        city.units,
        encoding="gbk",
        log=log,
        bad=[
            (
                len(city.units) - 2,
                {
                    "unit_id": "RU-PWR",
                    "name_zh": "国网长春供电公司",
                    "domain": "electricity",
                    "district_id": None,
                    "contact": "95598",
                },
                "invalid_value",
            )
        ]
        if inject_bad
        else [],
    )
    step("responsible_units")
    counts["sensors"] = io.write_csv(
        out("sensors", "sensors.csv"),
        "sensors",
        sens.rows,
        log=log,
        bad=_sensor_bad(sens, bad_rng) if inject_bad else [],
    )
    step("sensors")
    counts["pipe_segments"] = _write_segments(out("pipe_segments", "pipe_segments.parquet"), segs)
    step("pipe_segments")
    for inc in incs:
        if inc.incident_type == "water_main_burst":
            breaks.append(
                {
                    "break_id": f"BR-{len(breaks) + 1:07d}",
                    "segment_id": inc.asset_id,
                    "occurred_at": inc.start_at + timedelta(minutes=15),
                    "failure_type": "break",
                    "repaired_at": inc.end_at,
                }
            )
    counts["pipe_breaks"] = io.write_csv(
        out("pipe_breaks", "pipe_breaks.csv"),
        "pipe_breaks",
        breaks,
        log=log,
        bad=_breaks_bad(breaks, bad_rng) if inject_bad else [],
    )
    step("pipe_breaks")
    counts["buildings"] = io.write_csv(
        out("buildings", "buildings.csv"),
        "buildings",
        bset.rows,
        encoding="gbk",
        log=log,
        bad=_buildings_bad(bset.rows, bad_rng) if inject_bad else [],
    )
    step("buildings")
    counts["building_inspections"] = io.write_jsonl(
        out("building_inspections", "building_inspections.jsonl"),
        "building_inspections",
        bset.inspections,
        log=log,
        bad=_inspections_bad(bset.inspections, bad_rng) if inject_bad else [],
    )
    step("building_inspections")
    retro_bad = []
    if inject_bad and bset.retrofits:
        r0 = bset.retrofits[0]
        retro_bad = [
            (
                1,
                {**r0, "retrofit_id": "RF-900001", "building_id": "BLD-9999999"},
                "unknown_building",
            ),
            (
                len(bset.retrofits),
                {**r0, "retrofit_id": "RF-900002", "kind": "painting"},
                "invalid_value",
            ),
        ]
    counts["building_retrofits"] = io.write_csv(
        out("building_retrofits", "building_retrofits.csv"),
        "building_retrofits",
        bset.retrofits,
        log=log,
        bad=retro_bad,
    )
    step("building_retrofits")
    fac_bad = []
    if inject_bad:
        fac_bad = [
            (
                2,
                {**fac[1], "stored_tonnes": fac[1]["stored_tonnes"] + 7.5},
                "duplicate_key_conflict",
            ),
            (
                len(fac) - 1,
                {**fac[0], "facility_id": "HF-90001", "stored_tonnes": -5.0},
                "impossible_value",
            ),
        ]
    counts["hazardous_facilities"] = io.write_csv(
        out("hazardous_facilities", "hazardous_facilities.csv"),
        "hazardous_facilities",
        fac,
        log=log,
        bad=fac_bad,
    )
    step("hazardous_facilities")
    rep_bad = []
    if inject_bad:
        r0 = hz.reports[0]
        rep_bad = [
            (3, {**r0, "report_id": "HR-900001", "description": None}, "missing_required"),
            (
                len(hz.reports) - 1,
                {**r0, "report_id": "HR-900002", "severity": "urgent"},
                "invalid_value",
            ),
        ]
    counts["hazard_reports"] = io.write_jsonl(
        out("hazard_reports", "hazard_reports.jsonl"),
        "hazard_reports",
        hz.reports,
        log=log,
        bad=rep_bad,
    )
    step("hazard_reports")
    upd_bad = []
    if inject_bad:
        u = hz.updates
        upd_bad = [
            (5, {**u[4], "status": "rectified", "note": "重复上报"}, "duplicate_key_conflict"),
            (len(u) - 1, {**u[0], "update_id": "HU-900001", "status": "done"}, "invalid_value"),
        ]
    counts["hazard_updates"] = io.write_csv(
        out("hazard_updates", "hazard_updates.csv"),
        "hazard_updates",
        hz.updates,
        log=log,
        bad=upd_bad,
    )
    step("hazard_updates")
    decisions = _decisions(incs, benign, bset, fac, tl)
    counts["officer_decisions"] = io.write_csv(
        out("officer_decisions", "officer_decisions.csv"),
        "officer_decisions",
        decisions,
        log=log,
        bad=[
            (
                len(decisions),
                {**decisions[0], "decision_id": "OD-9001", "kind": "escalate"},
                "invalid_value",
            )
        ]
        if inject_bad
        else [],
    )
    step("officer_decisions")

    # ---- readings
    effects = [e for inc in incs for e in inc.effects] + benign["effects"]
    rw = ReadingsWriter(sens, tl, cfg, seed, ldir("readings"), log, effects, inject_bad)
    tl.heavy["day_index"]
    gbk_day = 1 if days > 1 else 0
    rows_bar = tqdm(
        total=len(sens.ids) * tl.T * days + len(sens.of("dma_inflow")) * tl.T * history_days,
        desc="readings",
        unit="row",
        unit_scale=True,
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )
    for k in range(-history_days, 0):
        rw.write_day("water_history", k, progress=rows_bar.update)
        step(f"history {k}")
    for k in range(days):
        for dom in ("gas", "water", "drainage", "heating"):
            special: tuple[str, ...] = ()
            if inject_bad:
                if dom == "gas" and k == 0:
                    special = ("nul_bytes",)
                if dom == "water" and k == gbk_day:
                    special = ("gbk_line",)
                if dom == "drainage" and k == days - 1:
                    special = ("truncated_last_line",)
            rw.write_day(dom, k, special, progress=rows_bar.update)
            step(f"{dom} day {k}")
    rows_bar.close()
    counts["readings"] = rw.rows_written
    counts["readings_history"] = len(sens.of("dma_inflow")) * tl.T * history_days
    if inject_bad:
        _whole_bad_files(land, log, start_date, days, sens, breaks)

    # ---- truth
    for inc in incs:
        if inc.incident_type == "stuck_sensor":
            inc.magnitude = rw.stuck_values.get(inc.sensor)
    truth = paths.sample_truth
    truth.mkdir(parents=True, exist_ok=True)
    with open(truth / "incidents.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TRUTH_COLUMNS)
        for inc in incs:
            row = inc.truth_row()
            w.writerow([io.fmt(row[c]) for c in TRUTH_COLUMNS])
    with open(truth / "bad_records.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("file", "line", "kind"))
        for f, ln, kind in sorted(log.rows, key=lambda r: (r[0], r[1] or 0)):
            w.writerow((f, "" if ln is None else ln, kind))
    step("truth")
    by_type: dict[str, int] = {}
    for inc in incs:
        by_type[inc.incident_type] = by_type.get(inc.incident_type, 0) + 1
    files = sorted({*rw.files, *(land / f for f, _, _ in log.rows), *written})
    manifest = {
        "seed": seed,
        "scale": scale,
        "start_date": start_date.isoformat(),
        "days": days,
        "history_days": history_days,
        "inject_bad": inject_bad,
        "counts": counts,
        "sensor_counts": scounts,
        "incidents": by_type,
        "bad_records": len(log.rows),
        "heavy_rain": tl.heavy,
        "anomalies": {
            "inspection_contradictions": bset.contradictions,
            "impossible_years": bset.impossible_years,
            "missing_structure_type": bset.missing_structure,
            "hazard_ledger": hz.anomalies,
        },
        "benign_events": benign["rows"],
        "files": {p.relative_to(paths.data_dir).as_posix(): _sha256(p) for p in files}
        | {f"sample_truth/{n}": _sha256(truth / n) for n in ("incidents.csv", "bad_records.csv")},
    }
    (truth / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    bar.close()
    return {
        "data_dir": str(paths.data_dir),
        "seed": seed,
        "start_date": start_date.isoformat(),
        "days": days,
        "sensors": len(sens.ids),
        "counts": counts,
        "incidents": by_type,
        "bad_records": len(log.rows),
        "seconds": round(time.perf_counter() - t_begin, 1),
    }


# Thin aliases keep generate() readable while its keyword arguments shadow the module names.
sensors_counts = sensors.plan_counts
sensors_make = sensors.make_sensors


def buildings_make(
    city: City, rng: np.random.Generator, n: int, cfg: dict[str, Any], start: date
) -> buildings.BuildingSet:
    return buildings.make_buildings(city, rng, n, cfg["buildings"], start)


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _write_segments(path: Path, segs: assets.Segments) -> int:
    table = assets.segments_arrow(segs, io.contract_columns("pipe_segments"))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=256_000)
    return table.num_rows


def _benign_transient(
    sens: sensors.Sensors, tl: Timeline, incs: list[incidents.Incident], rng: np.random.Generator
) -> dict[str, Any]:
    """A 10-minute sewer-biogas blip on one manhole (an officer later marks it a false alarm)."""
    used = {i.sensor for i in incs}
    pool = [k for k in sens.of("methane_adjacent").tolist() if k not in used]
    if not pool:
        return {"effects": [], "rows": []}
    k = pool[int(rng.integers(0, len(pool)))]
    g0 = int(rng.integers(tl.T // 3, tl.T // 2))
    peak = float(rng.uniform(26.0, 30.0))
    eff = incidents.Effect(k, "methane", g0, g0 + 2, {"peak": peak, "ramp": 1})
    row = {
        "sensor_id": str(sens.ids[k]),
        "start_at": tl.stamp(0, g0).isoformat(),
        "end_at": tl.stamp(0, g0 + 2).isoformat(),
        "peak_lel": round(peak, 1),
        "note": "sewer biogas blip; not a gas leak (false alarm)",
    }
    return {"effects": [eff], "rows": [row], "sensor": k, "g0": g0}


def alarm_id(sensor_id: str, start: Any) -> str:
    """Reference for an alarm episode used by officer decisions: ALM-<sensor>-<YYYYmmddHHMM>."""
    return f"ALM-{sensor_id}-{start:%Y%m%d%H%M}"


def _decisions(
    incs: list[incidents.Incident],
    benign: dict[str, Any],
    bset: buildings.BuildingSet,
    fac: list[dict[str, Any]],
    tl: Timeline,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    leak = next(
        (
            i
            for i in incs
            if i.incident_type == "gas_leak_adjacent_space" and (i.magnitude or 0) >= 25
        ),
        incs[0],
    )
    rows.append(
        {
            "kind": "alarm_ack",
            "target_id": alarm_id(leak.sensor_id, leak.start_at),
            "decided_at": leak.start_at + timedelta(minutes=40),
            "officer": "值班员赵某",
            "reason": "已通知长春燃气抢修，现场处置中",
            "new_level": None,
        }
    )
    if benign["rows"]:
        st = tl.stamp(0, benign["g0"])
        rows.append(
            {
                "kind": "false_alarm",
                "target_id": alarm_id(benign["rows"][0]["sensor_id"], st),
                "decided_at": st + timedelta(minutes=35),
                "officer": "值班员孙某",
                "reason": "现场检测为污水井沼气，非燃气泄漏",
                "new_level": None,
            }
        )
    target = bset.contradictions[0] if bset.contradictions else bset.rows[0]["building_id"]
    rows.append(
        {
            "kind": "level_override",
            "target_id": target,
            "decided_at": tl.stamp(0, 0) + timedelta(hours=10),
            "officer": "科长周某",
            "reason": "鉴定结论矛盾，现场复核前按重大风险管控",
            "new_level": "red",
        }
    )
    over = next((f for f in fac if f["stored_tonnes"] > f["threshold_tonnes"]), fac[0])
    rows.append(
        {
            "kind": "level_override",
            "target_id": over["facility_id"],
            "decided_at": tl.stamp(0, 0) + timedelta(hours=11),
            "officer": "科长周某",
            "reason": "构成重大危险源，提级管控",
            "new_level": "orange",
        }
    )
    rows.sort(key=lambda r: (r["decided_at"], r["target_id"]))
    for n, r in enumerate(rows):
        r["decision_id"] = f"OD-{n + 1:04d}"
    return rows


def _hazard_sources(
    city: City,
    segs: assets.Segments,
    bset: buildings.BuildingSet,
    fac: list[dict[str, Any]],
    rng: np.random.Generator,
) -> dict[str, list[tuple[str, str, float, float]]]:
    out: dict[str, list[tuple[str, str, float, float]]] = {}
    c = segs.cols
    for net in assets.NETWORKS:
        idx = np.flatnonzero(c["network"] == net)
        if len(idx) == 0:
            continue
        pick = rng.choice(idx, size=min(50, len(idx)), replace=False)
        lon, lat = assets.segment_lonlat(city, segs, pick)
        out[net] = [
            (str(c["segment_id"][i]), str(c["district_id"][i]), float(a), float(b))
            for i, a, b in zip(pick.tolist(), lon.tolist(), lat.tolist(), strict=True)
        ]
    sel = rng.choice(len(bset.rows), size=min(50, len(bset.rows)), replace=False)
    out["building"] = [
        (
            bset.rows[i]["building_id"],
            bset.rows[i]["district_id"],
            bset.rows[i]["lon"],
            bset.rows[i]["lat"],
        )
        for i in sel.tolist()
    ]
    out["hazardous_facility"] = [
        (f["facility_id"], f["district_id"], f["lon"], f["lat"]) for f in fac
    ]
    out["general"] = [
        ("", d.district_id, *(round(float(v), 6) for v in city.plane.to_lonlat(*d.core)))
        for d in city.districts
    ]
    return out


def _sensor_bad(sens: sensors.Sensors, rng: np.random.Generator) -> list[tuple[int, Any, str]]:
    rows = sens.rows
    k = int(rng.integers(0, len(rows) - 1))
    proto = dict(rows[k])
    return [
        (k + 1, {**proto, "lon": round(proto["lon"] + 0.01, 6)}, "duplicate_key_conflict"),
        (
            len(rows) // 2,
            {**proto, "sensor_id": "GM-9000001", "district_id": "220199"},
            "unknown_district",
        ),
        (
            len(rows) // 3,
            {**proto, "sensor_id": "GM-9000002", "measure": "co_ppm"},
            "invalid_value",
        ),
        (len(rows), {**proto, "sensor_id": "GM-9000003", "lon": None}, "missing_required"),
    ]


def _breaks_bad(
    breaks: list[dict[str, Any]], rng: np.random.Generator
) -> list[tuple[int, Any, str]]:
    if len(breaks) < 4:
        return []
    k = int(rng.integers(1, len(breaks) - 2))
    proto = breaks[k]
    return [
        (
            k + 1,
            {**proto, "failure_type": "leak" if proto["failure_type"] != "leak" else "joint"},
            "duplicate_key_conflict",
        ),
        (
            len(breaks) // 2,
            {**proto, "break_id": "BR-9000001", "segment_id": "WS-9999999"},
            "unknown_segment",
        ),
        (len(breaks) // 3, {**proto, "break_id": "BR-9000002", "occurred_at": "n/a"}, "wrong_type"),
        (len(breaks) // 4, b"BR-9000003,WS-0000001", "garbled_line"),
    ]


def _buildings_bad(
    rows: list[dict[str, Any]], rng: np.random.Generator
) -> list[tuple[int, Any, str]]:
    k = int(rng.integers(0, len(rows) - 1))
    proto = rows[k]
    return [
        (k + 1, {**proto, "floors": proto["floors"] + 3}, "duplicate_key_conflict"),
        (
            len(rows) // 2,
            {**proto, "building_id": "BLD-9000001", "use": "warehouse"},
            "invalid_value",
        ),
        (len(rows), {**proto, "building_id": "BLD-9000002", "floors": 0}, "impossible_value"),
    ]


def _inspections_bad(
    rows: list[dict[str, Any]], rng: np.random.Generator
) -> list[tuple[int, Any, str]]:
    if len(rows) < 3:
        return []
    k = int(rng.integers(0, len(rows) - 1))
    proto = rows[k]
    return [
        (
            k + 1,
            {**proto, "grade": "D" if proto["grade"] != "D" else "A"},
            "duplicate_key_conflict",
        ),
        (
            len(rows) // 2,
            {**proto, "inspection_id": "INS-9000001", "building_id": "BLD-9999999"},
            "unknown_building",
        ),
        (len(rows) // 3, {**proto, "inspection_id": "INS-9000002", "grade": "E"}, "invalid_value"),
        (
            len(rows),
            b'{"inspection_id": "INS-9000003", "building_id": "BLD-0000001", "inspected_at": "2024-05-0',
            "garbled_line",
        ),
    ]


def _whole_bad_files(
    land: Path,
    log: io.BadLog,
    start: date,
    days: int,
    sens: sensors.Sensors,
    breaks: list[dict[str, Any]],
) -> None:
    """An empty file, a file missing a required column and a file with an extra column."""
    rd = land / io.landing_dir("readings")
    empty = rd / f"drainage_{start:%Y%m%d}_resend.csv"
    empty.write_bytes(b"")
    log.add(empty, None, "empty_file")
    last = start + timedelta(days=days - 1)
    missing = rd / f"gas_{last:%Y%m%d}_vendor_b.csv"
    sid = str(sens.ids[sens.of("gas_pressure")[0]])
    missing.write_text(
        "sensor_id,measured_at\n"
        + "".join(f"{sid},{last.isoformat()}T0{h}:03:00+08:00\n" for h in range(3)),
        encoding="utf-8",
    )
    log.add(missing, None, "missing_column")
    extra = land / io.landing_dir("pipe_breaks") / "pipe_breaks_vendor_extra_column.csv"
    cols = [*io.contract_columns("pipe_breaks"), "remark"]
    lines = [",".join(cols)]
    for n, b in enumerate(breaks[:3]):
        lines.append(
            ",".join(
                [
                    f"BR-8{n:06d}",
                    b["segment_id"],
                    io.fmt(b["occurred_at"]),
                    b["failure_type"],
                    io.fmt(b["repaired_at"]),
                    "补录",
                ]
            )
        )
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.add(extra, None, "extra_column")
