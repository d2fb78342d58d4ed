"""Hazardous facilities (GB 18218-2018), hidden-hazard reports, rectification updates, decisions.

Updates follow the ledger's lifecycle (assigned → rectifying → rectified → verified → closed);
a few deliberately break it (closing an unverified hazard, an unknown hazard id, a step
backwards). Those rows are valid by contract: the hazard ledger must flag them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from pipelines.sample_city.city import City
from pipelines.settings import LOCAL_TZ

FACILITY_KINDS = ("gas_station", "hazchem_store", "lpg_station", "cng_station", "gas_storage")
FACILITY_P = np.array([0.40, 0.25, 0.15, 0.12, 0.08])
HAZCHEM = ("液氯", "液氨", "甲醇", "苯", "乙醇")


def make_facilities(
    city: City, rng: np.random.Generator, n: int, thresholds: dict[str, float]
) -> list[dict[str, Any]]:
    """Facilities with stored quantity vs the GB 18218-2018 critical quantity (some above it)."""
    w = city.district_weights()
    dist_idx = np.sort(rng.choice(len(w), size=n, p=w))
    kinds = rng.choice(len(FACILITY_KINDS), size=n, p=FACILITY_P)
    # make sure every kind appears (a demo must show each)
    kinds[: min(n, len(FACILITY_KINDS))] = np.arange(min(n, len(FACILITY_KINDS)))
    rows = []
    for i in range(n):
        d = city.districts[int(dist_idx[i])]
        x, y = city.sample_district_points(rng, d, 1, margin=0.3)
        lon, lat = city.plane.to_lonlat(x[0], y[0])
        kind = FACILITY_KINDS[int(kinds[i])]
        if kind == "gas_station":
            sub, stored, unit, nm = (
                "汽油",
                rng.uniform(20, 150),
                "RU-HZ-PC" if i % 2 else "RU-HZ-SP",
                "加油站",
            )
        elif kind == "lpg_station":
            sub, stored, unit, nm = "液化石油气", rng.uniform(10, 120), "RU-GAS", "液化石油气充装站"
        elif kind == "cng_station":
            sub, stored, unit, nm = "天然气", rng.uniform(1, 9), "RU-GAS", "CNG加气站"
        elif kind == "gas_storage":
            sub, stored, unit, nm = "天然气", rng.uniform(60, 400), "RU-GAS", "燃气储配站"
        else:
            sub = HAZCHEM[int(rng.integers(0, len(HAZCHEM)))]
            stored, unit, nm = thresholds[sub] * rng.uniform(0.2, 2.5), "RU-HZ-CH", f"{sub}仓库"
        rows.append(
            {
                "facility_id": f"HF-{i + 1:05d}",
                "name": f"{d.name_zh}{i + 1}号{nm}",
                "kind": kind,
                "district_id": d.district_id,
                "lon": round(float(lon), 6),
                "lat": round(float(lat), 6),
                "substance": sub,
                "stored_tonnes": round(float(stored), 2),
                "threshold_tonnes": float(thresholds[sub]),
                "responsible_unit_id": unit,
            }
        )
    return rows


TEMPLATES = {
    "gas": [
        "燃气管道{n}处防腐层破损，局部锈蚀",
        "燃气阀井内有异味，井盖松动",
        "占压燃气管线违章建筑一处",
        "调压箱护栏缺失，存在碰撞风险",
    ],
    "water": ["供水管道{n}处接口渗漏，路面积水", "阀门井井盖缺失", "老旧铸铁管多次爆管，建议改造"],
    "drainage": ["雨水口堵塞{n}处，汛期易积水", "检查井井盖破损", "排水管道淤积严重"],
    "heating": ["热力管道保温层破损，冒汽", "换热站泄压阀失效", "检查室积水，管道腐蚀"],
    "building": [
        "预制板楼板裂缝{n}条，存在坠落风险",
        "外墙保温层空鼓脱落",
        "承重墙体开裂，需鉴定",
        "楼梯间墙体裂缝",
    ],
    "hazardous_facility": ["储罐区可燃气体报警器失效", "危化品超量存放", "消防通道被占用"],
    "general": ["广告牌松动，存在坠落风险", "地下空间消防设施缺失"],
}
ACTORS = ("网格员王某", "网格员李某", "网格员张某", "巡检员刘某", "巡检员陈某")


@dataclass
class HazardSet:
    reports: list[dict[str, Any]]
    updates: list[dict[str, Any]] = field(default_factory=list)
    anomalies: list[dict[str, str]] = field(default_factory=list)


def make_hazards(
    city: City,
    rng: np.random.Generator,
    n: int,
    start: date,
    days: int,
    sources: dict[str, list[tuple[str, str, float, float]]],
) -> HazardSet:
    """Reports over the 60 days before and during the window, with lifecycle updates.

    ``sources`` maps a domain to candidate (source_id, district_id, lon, lat).
    """
    t0 = datetime.combine(start - timedelta(days=60), datetime.min.time(), LOCAL_TZ)
    t_end = datetime.combine(start + timedelta(days=days), datetime.min.time(), LOCAL_TZ)
    span_min = int((t_end - t0).total_seconds() // 60) - 60
    domains = list(TEMPLATES)
    p = np.array([0.22, 0.15, 0.15, 0.1, 0.25, 0.08, 0.05])
    reports: list[dict[str, Any]] = []
    times = np.sort(rng.integers(0, span_min, n))
    for i in range(n):
        dom = domains[int(rng.choice(len(domains), p=p))]
        cands = sources.get(dom) or sources["general"]
        sid, did, lon, lat = cands[int(rng.integers(0, len(cands)))]
        tpl = TEMPLATES[dom][int(rng.integers(0, len(TEMPLATES[dom])))]
        reports.append(
            {
                "report_id": f"HR-{i + 1:06d}",
                "reported_at": t0 + timedelta(minutes=int(times[i])),
                "domain": dom,
                "source_id": sid,
                "district_id": did,
                "lon": lon,
                "lat": lat,
                "severity": "major" if rng.random() < 0.15 else "general",
                "description": tpl.format(n=int(rng.integers(1, 6))),
                "reporter": ACTORS[int(rng.integers(0, len(ACTORS)))],
            }
        )
    # two descriptions carry markup that reports must escape
    if n >= 2:
        reports[1]["description"] += "<script>alert(1)</script>"
        reports[n // 2]["description"] = (
            "<b>紧急</b> " + reports[n // 2]["description"] + ' <img src=x onerror="alert(2)">'
        )
    hs = HazardSet(reports)
    steps = ("assigned", "rectifying", "rectified", "verified", "closed")
    gaps_h = ((2, 48), (12, 96), (24, 480), (12, 120), (2, 72))
    units = {
        "gas": "RU-GAS",
        "water": "RU-WATER",
        "drainage": "RU-DRAIN",
        "heating": "RU-HEAT",
        "hazardous_facility": "RU-HZ-CH",
        "general": "RU-EMA",
    }
    events: list[tuple[datetime, str, str, str, str | None, str]] = []
    for k, r in enumerate(reports):
        t = r["reported_at"]
        unit = units.get(r["domain"], f"RU-HB-{r['district_id']}")
        hid = f"HZ-{r['report_id']}"
        plan = list(steps)
        if k == 3:  # closed without verification
            plan = ["assigned", "rectifying", "rectified", "closed"]
            hs.anomalies.append({"hazard_id": hid, "kind": "closed_unverified"})
        if k == 5:  # going backwards after verification
            plan = ["assigned", "rectifying", "rectified", "verified", "rectifying"]
            hs.anomalies.append({"hazard_id": hid, "kind": "backwards"})
        for s, (lo, hi) in zip(plan, [gaps_h[steps.index(s)] for s in plan], strict=True):
            t = t + timedelta(hours=int(rng.integers(lo, hi)) if k not in (3, 5) else lo)
            if t >= t_end:
                break
            events.append(
                (
                    t,
                    hid,
                    s,
                    "整改责任单位" if s in ("rectifying", "rectified") else "区应急管理局",
                    unit if s == "assigned" else None,
                    s,
                )
            )
    if n:
        t = t0 + timedelta(days=30, hours=9)
        events.append((t, "HZ-HR-999999", "assigned", "区应急管理局", "RU-EMA", "未登记隐患"))
        hs.anomalies.append({"hazard_id": "HZ-HR-999999", "kind": "unknown_hazard"})
    events.sort(key=lambda e: (e[0], e[1]))
    notes = {
        "assigned": "已派单",
        "rectifying": "正在整改",
        "rectified": "整改完成，待验收",
        "verified": "验收合格",
        "closed": "销号",
    }
    for i, (t, hid, s, actor, unit, note) in enumerate(events):
        hs.updates.append(
            {
                "update_id": f"HU-{i + 1:06d}",
                "hazard_id": hid,
                "updated_at": t,
                "status": s,
                "actor": actor,
                "responsible_unit_id": unit,
                "note": notes.get(note, note),
            }
        )
    return hs
