"""Buildings (Chinese names/addresses), JGJ 125 inspections over the years, and retrofits.

Older and prefab hollow-core slab (预制板) buildings deteriorate faster, so they collect worse
grades; retrofitted ones improve. A handful of deliberate contradictions (a D building later
graded A without any retrofit), unknown structure types and impossible years are kept as
valid-by-contract rows: downstream quality checks must flag them, not the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from pipelines.sample_city.city import City
from pipelines.settings import LOCAL_TZ

STRUCTURES = (
    "unreinforced_masonry",
    "brick_concrete",
    "prefab_hollow_core_slab",
    "rc_frame",
    "rc_shear_wall",
    "steel",
    "timber",
)
# Structure mix by era bin [<1970, 1970s, 1980s, 1990s, 2000s, 2010+]: prefab slabs peak 1970s-1990s.
STRUCTURE_MIX = np.array(
    [
        [0.35, 0.45, 0.02, 0.08, 0.00, 0.02, 0.08],
        [0.15, 0.43, 0.32, 0.08, 0.00, 0.02, 0.00],
        [0.05, 0.45, 0.38, 0.10, 0.00, 0.02, 0.00],
        [0.02, 0.45, 0.25, 0.18, 0.08, 0.02, 0.00],
        [0.00, 0.25, 0.02, 0.33, 0.35, 0.05, 0.00],
        [0.00, 0.05, 0.00, 0.30, 0.58, 0.07, 0.00],
    ]
)
YEAR_EDGES = np.array([1950, 1970, 1980, 1990, 2000, 2010, 2025])
YEAR_WEIGHTS = np.array([0.05, 0.12, 0.20, 0.23, 0.22, 0.18])
USES = (
    "residential",
    "office",
    "commercial",
    "industrial",
    "school",
    "hospital",
    "elderly_care",
    "group_rental",
    "public_assembly",
)
USE_P = np.array([0.70, 0.06, 0.08, 0.05, 0.03, 0.015, 0.015, 0.03, 0.02])
ESTATES = (
    "桂林",
    "南湖",
    "文化",
    "红旗",
    "自由",
    "幸福",
    "繁荣",
    "建设",
    "东盛",
    "长通",
    "吉顺",
    "同志",
    "工农",
    "民康",
    "青年",
    "春城",
    "西安",
    "胜利",
    "和平",
    "光明",
    "新民",
    "安达",
    "永昌",
    "平阳",
    "东站",
    "西解放",
    "亚泰",
    "净月",
    "北湖",
    "宏光",
    "铁北",
    "兴隆",
    "长青",
    "锦江",
    "富锦",
    "明珠",
    "吉林",
    "硅谷",
    "卫星",
)
ROADS = (
    "人民大街",
    "自由大路",
    "解放大路",
    "亚泰大街",
    "南湖大路",
    "西安大路",
    "卫星路",
    "繁荣路",
    "青年路",
    "东盛大街",
    "吉林大路",
    "长春大街",
    "北京大街",
    "珠江路",
    "临河街",
    "开运街",
    "同志街",
    "建设街",
    "红旗街",
    "工农大路",
    "普阳街",
    "硅谷大街",
    "景阳大路",
    "锦程大街",
    "东风大街",
    "长白路",
    "大经路",
)
INSPECTORS = ("长春市房屋安全鉴定中心", "吉林省建筑科学研究设计院", "长春市建筑设计研究院鉴定所")


@dataclass
class BuildingSet:
    rows: list[dict[str, Any]]
    inspections: list[dict[str, Any]] = field(default_factory=list)
    retrofits: list[dict[str, Any]] = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)
    impossible_years: list[str] = field(default_factory=list)
    missing_structure: list[str] = field(default_factory=list)


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(len(probs))[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def make_buildings(
    city: City, rng: np.random.Generator, n: int, bcfg: dict[str, Any], start: date
) -> BuildingSet:
    """``n`` buildings with attributes, inspections and retrofits (vectorised attribute draws)."""
    w = city.district_weights()
    dist_idx = np.sort(rng.choice(len(w), size=n, p=w))
    x = np.empty(n)
    y = np.empty(n)
    for d in city.districts:
        sel = np.flatnonzero(dist_idx == d.idx)
        if len(sel):
            x[sel], y[sel] = city.sample_district_points(rng, d, len(sel), margin=0.2)
    lon, lat = city.plane.to_lonlat(x, y)
    era = rng.choice(len(YEAR_WEIGHTS), size=n, p=YEAR_WEIGHTS)
    year = (
        YEAR_EDGES[era]
        + np.floor(rng.random(n) * (np.minimum(YEAR_EDGES[era + 1], start.year) - YEAR_EDGES[era]))
    ).astype(int)
    stype = _choice_rows(rng, STRUCTURE_MIX[era])
    use = rng.choice(len(USES), size=n, p=USE_P / USE_P.sum())
    hall = (
        np.isin(use, [USES.index("industrial"), USES.index("public_assembly")])
        & (rng.random(n) < 0.45)
        & (year >= 1970)
    )
    stype = np.where(hall, STRUCTURES.index("steel"), stype)
    lo = np.array([1, 2, 4, 3, 11, 1, 1])[stype]
    hi = np.array([3, 7, 7, 12, 33, 3, 2])[stype]
    floors = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(int)
    storey = np.where(use == 0, 2.9, 3.6)
    height = floors * storey + rng.uniform(0.3, 1.5, n)
    steel_hall = stype == STRUCTURES.index("steel")
    height = np.where(steel_hall, rng.uniform(8.0, 22.0, n), height)
    # a few super-tall towers (> 100 m) built after 2005
    n_tall = max(3, int(round(n * float(bcfg["super_tall_per_1000"]) / 1000.0)))
    cand = np.flatnonzero((use <= 2) & (dist_idx < 5))
    tall = rng.choice(cand, size=min(n_tall, len(cand)), replace=False)
    year[tall] = rng.integers(2006, start.year, len(tall))
    stype[tall] = np.where(
        rng.random(len(tall)) < 0.7, STRUCTURES.index("rc_shear_wall"), STRUCTURES.index("steel")
    )
    floors[tall] = rng.integers(34, 62, len(tall))
    height[tall] = floors[tall] * rng.uniform(3.3, 4.0, len(tall))
    steel_hall[tall] = False
    floors = np.where(steel_hall, np.minimum(floors, 3), floors)
    span = np.where(use == 0, rng.uniform(3.3, 6.6, n), rng.uniform(6.0, 12.0, n))
    big = (steel_hall | (use == USES.index("public_assembly"))) & (rng.random(n) < 0.6)
    span = np.where(big, rng.uniform(18.0, 60.0, n), span)
    span[tall] = rng.uniform(8.0, 12.0, len(tall))
    occ_per_floor = np.array([11, 60, 150, 40, 0, 0, 0, 15, 0])[use]
    occ = floors * occ_per_floor * rng.uniform(0.7, 1.3, n)
    occ = np.where(use == 4, rng.integers(600, 2400, n), occ)
    occ = np.where(use == 5, rng.integers(300, 1500, n), occ)
    occ = np.where(use == 6, rng.integers(50, 300, n), occ)
    occ = np.where(use == 8, rng.integers(300, 3000, n), occ)
    occ = np.round(occ).astype(int)
    # fortification: pre-TJ11-78 none or 6, 1980s mostly 6, since GBJ 11-89 the site's 7
    u = rng.random(n)
    fort = np.where(
        year < 1979,
        np.where(u < 0.7, 0, 6),
        np.where(
            year < 1990,
            np.where(u < 0.2, 0, np.where(u < 0.8, 6, 7)),
            np.where(year < 2002, np.where(u < 0.15, 6, 7), 7),
        ),
    )
    glass = np.isin(use, [1, 2]) & (year >= 1995) & (rng.random(n) < 0.45)
    glass[tall] = True

    est = rng.integers(0, len(ESTATES), n)
    road = rng.integers(0, len(ROADS), n)
    num = rng.integers(1, 3000, n)
    bno = rng.integers(1, 40, n)
    names = []
    for i in range(n):
        e, k, uu = ESTATES[est[i]], int(bno[i]), int(use[i])
        names.append(
            (
                f"{e}小区{k}号楼",
                f"{e}大厦",
                f"{e}商场",
                f"{e}厂房{k}号",
                f"长春市{e}学校{k}号教学楼",
                f"{e}医院{k}号楼",
                f"{e}养老院",
                f"{e}公寓{k}号",
                f"{e}体育馆",
            )[uu]
        )
    ids = [f"BLD-{i + 1:07d}" for i in range(n)]
    stype_s = np.array(STRUCTURES, dtype=object)[stype]
    bs = BuildingSet(rows=[])
    # valid-by-contract oddities that downstream checks must flag
    odd = rng.choice(
        n,
        size=min(n, len(bcfg["impossible_years"]) + int(bcfg["missing_structure"])),
        replace=False,
    )
    for k, yv in zip(odd[: len(bcfg["impossible_years"])], bcfg["impossible_years"], strict=False):
        year[k] = int(yv)
        bs.impossible_years.append(ids[k])
    for k in odd[len(bcfg["impossible_years"]) :]:
        stype_s[k] = None
        bs.missing_structure.append(ids[k])
    dids = [d.district_id for d in city.districts]
    dnames = [d.name_zh for d in city.districts]
    for i in range(n):
        di = int(dist_idx[i])
        bs.rows.append(
            {
                "building_id": ids[i],
                "name": names[i],
                "address": f"长春市{dnames[di]}{ROADS[road[i]]}{int(num[i])}号",
                "district_id": dids[di],
                "lon": round(float(lon[i]), 6),
                "lat": round(float(lat[i]), 6),
                "structure_type": stype_s[i],
                "year_built": int(year[i]),
                "floors": int(floors[i]),
                "height_m": round(float(height[i]), 1),
                "use": USES[int(use[i])],
                "occupancy": int(occ[i]),
                "fortification_intensity": int(fort[i]),
                "max_span_m": round(float(span[i]), 1),
                "glass_curtain_wall": bool(glass[i]),
                "responsible_unit_id": f"RU-HB-{dids[di]}",
            }
        )
    _inspections(bs, rng, year, stype, bcfg, start)
    return bs


GRADES = "ABCD"
MEMBER_SHARE = {"A": (0.0, 0.0), "B": (0.005, 0.045), "C": (0.05, 0.24), "D": (0.25, 0.45)}


def _grade(score: float) -> str:
    return "A" if score < 0.45 else "B" if score < 0.85 else "C" if score < 1.12 else "D"


def _inspections(
    bs: BuildingSet,
    rng: np.random.Generator,
    year: np.ndarray,
    stype: np.ndarray,
    bcfg: dict[str, Any],
    start: date,
) -> None:
    """JGJ 125 grades from a latent condition that worsens with age and slab type."""
    n = len(bs.rows)
    first = date(2012, 1, 1)
    span_days = (start - first).days - 1
    real_year = np.clip(year, 1900, start.year)
    frail = (
        (stype == STRUCTURES.index("prefab_hollow_core_slab")) * 0.35
        + (stype == 0) * 0.25
        + (stype == 6) * 0.2
    )
    p_insp = np.clip(0.08 + 0.45 * (real_year < 1990) + 0.25 * (stype == 2), 0, 0.9)
    has = rng.random(n) < p_insp
    cond = rng.normal(0.0, 0.18, n)
    insp: list[tuple[datetime, int, str]] = []
    retro: list[tuple[datetime, int, str, int | None]] = []
    for i in np.flatnonzero(has).tolist():
        k = int(rng.integers(1, 4))
        days = np.sort(rng.integers(0, span_days, k))
        improved = 0.0
        for dd in days.tolist():
            when = datetime.combine(
                first + timedelta(days=dd), datetime.min.time(), LOCAL_TZ
            ) + timedelta(hours=int(rng.integers(9, 17)))
            age = when.year - real_year[i]
            score = max(0.0, age / 60.0 + frail[i] + cond[i] - improved)
            g = _grade(score)
            insp.append((when, i, g))
            if g in "CD" and rng.random() < 0.4 and when.date() < start - timedelta(days=60):
                done = when + timedelta(days=int(rng.integers(60, 400)))
                if done.date() >= start:
                    continue
                kind = (
                    "prefab_governance"
                    if stype[i] == 2
                    else ("seismic_retrofit" if rng.random() < 0.6 else "renovation")
                )
                retro.append((done, i, kind, 7 if kind == "seismic_retrofit" else None))
                improved += 0.6
    # deliberate contradictions: graded D, later graded A, with no retrofit in between
    retrofitted = {r[1] for r in retro}
    cands = [i for i in np.flatnonzero(real_year < 1990).tolist() if i not in retrofitted]
    picks = rng.choice(len(cands), size=min(len(cands), int(bcfg["contradictions"])), replace=False)
    for p in picks.tolist():
        i = cands[p]
        d1 = int(rng.integers(0, span_days // 2))
        d2 = d1 + int(rng.integers(120, span_days // 2))
        t1 = datetime.combine(
            first + timedelta(days=d1), datetime.min.time(), LOCAL_TZ
        ) + timedelta(hours=10)
        t2 = datetime.combine(
            first + timedelta(days=d2), datetime.min.time(), LOCAL_TZ
        ) + timedelta(hours=14)
        insp = [r for r in insp if r[1] != i] + [(t1, i, "D"), (t2, i, "A")]
        bs.contradictions.append(bs.rows[i]["building_id"])
    insp.sort(key=lambda r: (r[0], r[1]))
    contra = set(bs.contradictions)
    for k, (when, i, g) in enumerate(insp):
        total = int(rng.integers(40, 400))
        lo, hi = MEMBER_SHARE[g]
        dangerous = int(round(total * rng.uniform(lo, hi))) if g != "A" else 0
        if g == "B":
            dangerous = max(1, dangerous)
        bs.inspections.append(
            {
                "inspection_id": f"INS-{k + 1:07d}",
                "building_id": bs.rows[i]["building_id"],
                "inspected_at": when,
                "grade": g,
                "dangerous_members": dangerous,
                "total_members": total,
                "inspector": INSPECTORS[int(rng.integers(0, len(INSPECTORS)))],
                "valid": bool(rng.random() > 0.02) or bs.rows[i]["building_id"] in contra,
            }
        )
    retro.sort(key=lambda r: (r[0], r[1]))
    for k, (when, i, kind, fi) in enumerate(retro):
        bs.retrofits.append(
            {
                "retrofit_id": f"RF-{k + 1:06d}",
                "building_id": bs.rows[i]["building_id"],
                "completed_at": when,
                "kind": kind,
                "new_fortification_intensity": fi,
            }
        )
