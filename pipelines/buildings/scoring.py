"""Scoring rules for one building: flags, likelihood, consequence, matrix level, drivers.

Pure functions over a feature row (a dict from ``bld_features``, see
sql/marts/buildings/01_features.sql) and the two config files, so every rule is unit-testable
without a warehouse. Numbers come from config/building_risk.yaml, never from literals here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pipelines.buildings import fragility

LEVEL_RANK = {"blue": 0, "yellow": 1, "orange": 2, "red": 3}
ROMAN = {5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X"}


def member_ratio_grade(ratio: float | None, cfg: Mapping[str, Any]) -> str | None:
    """JGJ 125 grade implied by the (unweighted) share of dangerous members."""
    if ratio is None:
        return None
    mr = cfg["inspection"]["member_ratio"]
    if ratio <= 0:
        return "A"
    if ratio < mr["c_from"]:
        return "B"
    if ratio < mr["d_from"]:
        return "C"
    return "D"


def matrix_level(likelihood: int, consequence: int, cfg: Mapping[str, Any]) -> str:
    """Level of a (likelihood, consequence) cell of the configured 5x5 matrix."""
    if not (1 <= likelihood <= 5 and 1 <= consequence <= 5):
        raise ValueError(f"scores must be 1-5, got L={likelihood} C={consequence}")
    return cfg["risk"]["matrix"][likelihood - 1][consequence - 1]


def risk_level(likelihood: int, consequence: int, grade: str | None, cfg: Mapping[str, Any]) -> str:
    """Matrix level, raised to the floor a C/D grade imposes."""
    level = matrix_level(likelihood, consequence, cfg)
    floor = cfg["risk"]["level_floor_by_grade"].get(grade or "")
    if floor and LEVEL_RANK[floor] > LEVEL_RANK[level]:
        return floor
    return level


def valid_year(year: int | None, as_of: date, cfg: Mapping[str, Any]) -> int | None:
    """The build year when possible, else None (the caller flags it)."""
    if year is None or year < cfg["renovation"]["impossible_year_before"] or year > as_of.year:
        return None
    return year


def data_flags(row: Mapping[str, Any], as_of: date, cfg: Mapping[str, Any]) -> list[str]:
    """Data problems of one building, in words; never resolved by guessing."""
    flags: list[str] = []
    if row.get("contradiction"):
        flags.append(f"contradicting_grades ({row['contradiction']}, no works between)")
    if not row.get("structure_type"):
        flags.append("structure_type_missing")
    year = row.get("year_built")
    if year is None:
        flags.append("year_missing")
    elif valid_year(year, as_of, cfg) is None:
        flags.append(f"year_impossible ({year})")
    mgrade = member_ratio_grade(row.get("member_ratio"), cfg)
    grade = row.get("latest_grade")
    if mgrade is not None and grade is not None and mgrade != grade:
        flags.append(
            f"grade_vs_member_ratio (reported {grade}, members {mgrade} at {100 * row['member_ratio']:.1f} %)"
        )
    if row.get("fortification_intensity") is None:
        flags.append("fortification_missing")
    if row.get("site_intensity") is None:
        flags.append("site_intensity_unknown")
    return flags


def _both(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def likelihood(
    row: Mapping[str, Any], as_of: date, cfg: Mapping[str, Any]
) -> tuple[int, list[str]]:
    """Likelihood 1-5 and the drivers that raised it."""
    lk = cfg["likelihood"]
    grade = row.get("latest_grade")
    key = grade or "none"
    label = lk["grade_labels"][key]
    drivers: list[str] = []
    when = f" {row['latest_inspected_on']}" if grade else ""
    drivers.append(_both(f"{label['zh']}{when}", f"{label['en']}{when}"))
    score = int(lk["grade_base"][key])

    year = valid_year(row.get("year_built"), as_of, cfg)
    age = as_of.year - year if year is not None else None
    stype = row.get("structure_type")
    for rule in lk["structure_rules"]:
        if stype in rule["structure_types"] and year is not None and year < rule["built_before"]:
            lab = rule["label"]
            waiver = rule.get("waived_by_work")
            done = row.get(f"last_{waiver}_at") if waiver else None
            if done is not None:
                drivers.append(
                    _both(
                        f"{lab['zh']} {year}（{done.year}年已治理）",
                        f"{lab['en']} {year}, {waiver} {done.year}",
                    )
                )
            else:
                score += int(rule["points"])
                drivers.append(_both(f"{lab['zh']} {year}", f"{lab['en']} {year}"))
    if age is not None and age >= lk["old_age"]["min_age_years"]:
        score += int(lk["old_age"]["points"])
        drivers.append(_both(f"建成{age}年", f"{age} years old"))

    fort, site = row.get("fortification_intensity"), row.get("site_intensity")
    retro = row.get("last_seismic_retrofit_at")
    if retro is not None:
        drivers.append(
            _both(
                f"{retro.year}年抗震加固（设防{fort}度）",
                f"seismic retrofit {retro.year} (fortification {fort})",
            )
        )
    demo = row.get("last_demolition_at")
    if demo is not None and not row.get("demolished"):
        drivers.append(
            _both(
                f"{demo.year}年原拆原建（设防{fort}度）",
                f"rebuilt {demo.year} (fortification {fort})",
            )
        )
    if fort is not None and site is not None and fort < site:
        fd = lk["fortification_deficit"]
        score += min((site - fort) * int(fd["points_per_degree"]), int(fd["max_points"]))
        site_r = ROMAN.get(site, str(site))
        drivers.append(
            _both(f"设防{fort}度 < 场地{site_r}度", f"fortification {fort} < site {site_r}")
        )

    insp = cfg["inspection"]
    if grade:
        interval = int(insp["interval_days"][grade])
        if (as_of - row["latest_inspected_on"]).days > interval:
            score += int(lk["overdue_inspection"]["points"])
            drivers.append(
                _both(
                    f"鉴定逾期（上次{row['latest_inspected_on']}，周期{interval}天）",
                    f"inspection overdue (last {row['latest_inspected_on']}, every {interval} days)",
                )
            )
    elif age is not None and age >= insp["never_inspected_min_age_years"]:
        score += int(lk["overdue_inspection"]["points"])
        drivers.append(_both(f"从未鉴定，建成{age}年", f"never inspected, {age} years old"))

    height, span = row.get("height_m"), row.get("max_span_m")
    if height is not None and height > lk["super_tall"]["height_m_over"]:
        score += int(lk["super_tall"]["points"])
        drivers.append(_both(f"超高层 {height:.0f} m", f"super-tall {height:.0f} m"))
    if span is not None and span >= lk["large_span"]["span_m_at_least"]:
        score += int(lk["large_span"]["points"])
        drivers.append(_both(f"大跨度 {span:.0f} m", f"large span {span:.0f} m"))
    gcw = lk["glass_curtain_wall"]
    if row.get("glass_curtain_wall") and (age is None or age >= gcw["min_age_years"]):
        score += int(gcw["points"])
        age_txt = f"{age}年" if age is not None else "年限不明"
        drivers.append(
            _both(
                f"玻璃幕墙（{age_txt}）",
                f"glass curtain wall ({age if age is not None else 'age unknown'} y)",
            )
        )
    return max(1, min(5, score)), drivers


def consequence(row: Mapping[str, Any], cfg: Mapping[str, Any]) -> tuple[int, list[str]]:
    """Consequence 1-5 from use, occupancy and height, with the drivers in words."""
    cc = cfg["consequence"]
    use = row.get("use") or ""
    score = int(cc["use_points"].get(use, 1))
    occ = row.get("occupancy")
    for band in cc["occupancy_points"]:
        if occ is not None and occ >= band["min_occupants"]:
            score += int(band["points"])
            break
    lab = cc["use_labels"].get(use, {"zh": use, "en": use})
    occ_zh = f"{occ}人" if occ is not None else "人数不明"
    occ_en = f"{occ} occupants" if occ is not None else "occupants unknown"
    drivers = [_both(f"{lab['zh']}，{occ_zh}", f"{lab['en']}, {occ_en}")]
    hr = cc["high_rise"]
    height, floors = row.get("height_m"), row.get("floors")
    limit = hr["residential_height_m_over"] if use == "residential" else hr["other_height_m_over"]
    high = (
        height > limit
        if height is not None
        else (floors is not None and floors >= hr["floors_at_least_when_no_height"])
    )
    if high:
        score += int(hr["points"])
        drivers.append(_both(f"高层 {floors}层", f"high-rise, {floors} floors"))
    return max(1, min(5, score)), drivers


def scenario(
    row: Mapping[str, Any], valid_build_year: int | None, frag: Mapping[str, Any]
) -> dict[str, Any]:
    """Hazus-style damage-state probabilities at the site's scenario PGA (None where unknown)."""
    out: dict[str, Any] = {
        "hazus_type": None,
        "code_level": None,
        "scenario_pga_g": fragility.scenario_pga_g(
            row.get("site_intensity"), row.get("zone_pga_g"), frag
        ),
        "p_slight": None,
        "p_moderate": None,
        "p_extensive": None,
        "p_complete": None,
        "expected_occupants_affected": None,
    }
    htype = fragility.hazus_building_type(row.get("structure_type"), row.get("floors"), frag)
    if htype is None:
        return out
    retrofitted = row.get("last_seismic_retrofit_at") is not None or (
        row.get("last_demolition_at") is not None and not row.get("demolished")
    )
    level = fragility.code_level(
        row.get("fortification_intensity"), valid_build_year, retrofitted, frag
    )
    curves = fragility.curves_for(htype, level, frag)
    if curves is None:
        return out
    out["hazus_type"], out["code_level"] = curves.hazus_type, curves.code_level
    pga = out["scenario_pga_g"]
    if pga is None:
        return out
    probs = fragility.damage_state_probabilities(pga, curves.medians, curves.betas)
    out.update({f"p_{k}": v for k, v in probs.items()})
    out["expected_occupants_affected"] = fragility.expected_occupants_affected(
        row.get("occupancy"), probs, frag["occupants_affected"]
    )
    return out


def score_building(
    row: Mapping[str, Any], as_of: date, cfg: Mapping[str, Any], frag: Mapping[str, Any]
) -> dict[str, Any]:
    """All mart columns computed for one building (identity columns are copied by SQL)."""
    flags = data_flags(row, as_of, cfg)
    lk, l_drivers = likelihood(row, as_of, cfg)
    cq, c_drivers = consequence(row, cfg)
    grade = row.get("latest_grade")
    level = risk_level(lk, cq, grade, cfg)
    drivers = l_drivers + c_drivers
    if level != matrix_level(lk, cq, cfg):
        drivers.append(_both(f"{grade}级危房不低于{level}", f"raised to {level} by grade {grade}"))
    sc = scenario(row, valid_year(row.get("year_built"), as_of, cfg), frag)
    if sc["p_complete"] is not None:
        name = frag["scenario"]["name"]
        lab = frag["scenario"]["labels"][name]
        eoa = sc["expected_occupants_affected"]
        eoa_txt = f"{eoa:.0f}" if eoa is not None else "?"
        drivers.append(
            _both(
                f"{lab['zh']} {sc['scenario_pga_g']:.2f}g {sc['hazus_type']}：完全破坏{100 * sc['p_complete']:.0f}%，受影响约{eoa_txt}人",
                f"{lab['en']} {sc['scenario_pga_g']:.2f} g {sc['hazus_type']} {sc['code_level']}: "
                f"P(complete) {100 * sc['p_complete']:.0f} %, ~{eoa_txt} occupants affected",
            )
        )
    if row.get("fortification_intensity") is None and sc["code_level"] is not None:
        drivers.append(
            _both(
                "设防烈度不明，按未设防计算", "fortification unknown: scenario uses pre-code curves"
            )
        )
    return {
        "building_id": row["building_id"],
        "member_ratio_grade": member_ratio_grade(row.get("member_ratio"), cfg),
        "likelihood": lk,
        "consequence": cq,
        "risk_score": lk * cq,
        "risk_level": level,
        "data_flags": "; ".join(flags) if flags else None,
        "drivers": "; ".join(drivers),
        **sc,
    }
