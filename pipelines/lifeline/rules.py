"""Alarm rules from ``config/alarm_rules.yaml`` as plain rows the SQL joins against.

The rules file is the single place for thresholds; this module only checks it and flattens
it, so that SQL never sees a literal threshold and tests can pass their own rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.settings import load_config

GRADES = ("I", "II", "III")
#: Severity number used in SQL: 3 = grade I (most severe) ... 1 = grade III, 0 = normal.
SEVERITY = {"I": 3, "II": 2, "III": 1}
LEVEL_METRICS = ("value", "ratio_nominal", "ratio_depth", "delta_nominal")


@dataclass(frozen=True)
class Channel:
    """One alarm rule applied to every sensor of a measure (and location types)."""

    name: str
    measure: str
    location_types: tuple[str, ...]
    exclude_location_types: tuple[str, ...]
    domain: str
    detection_type: str | None
    label: str
    unit: str
    level_metric: str
    direction: int  # +1 alarms on high values, -1 on low values
    level: dict[str, float | None]  # grade -> threshold
    level_close: float
    drop: dict[str, float] | None  # grade -> drop fraction of nominal
    drop_close: float | None
    source: str
    iii_consecutive: int | None = None  # longer persistence for grade III, if any
    detection_min_sev: int = 1  # episodes below this severity do not count as detection_type

    def row(self) -> tuple[Any, ...]:
        """Row of the ``ll_rule`` table (column order of ``RULE_COLUMNS``)."""
        d = self.drop or {}
        return (
            self.name,
            self.measure,
            list(self.location_types),
            list(self.exclude_location_types),
            self.domain,
            self.detection_type,
            self.label,
            self.unit,
            self.level_metric,
            self.direction,
            self.level.get("III"),
            self.level.get("II"),
            self.level.get("I"),
            self.level_close,
            self.drop is not None,
            d.get("III"),
            d.get("II"),
            d.get("I"),
            self.drop_close,
            " ".join(self.source.split())[:400],
            self.iii_consecutive is not None,
            self.detection_min_sev,
        )


RULE_COLUMNS = (
    "channel VARCHAR, measure VARCHAR, location_types VARCHAR[], exclude_location_types VARCHAR[], "
    "domain VARCHAR, detection_type VARCHAR, label VARCHAR, level_unit VARCHAR, "
    "level_metric VARCHAR, dir INTEGER, lt3 DOUBLE, lt2 DOUBLE, lt1 DOUBLE, lclose DOUBLE, "
    "drop_on BOOLEAN, dt3 DOUBLE, dt2 DOUBLE, dt1 DOUBLE, dclose DOUBLE, source VARCHAR, "
    "iii_long BOOLEAN, det_min_sev INTEGER"
)


@dataclass(frozen=True)
class Rules:
    """Everything the alarm, fault and compound steps need from config."""

    channels: tuple[Channel, ...]
    open_n: int
    close_m: int
    gap_factor: float
    ref_window_min: int
    ref_gap_min: int
    offline_minutes: int
    offline_min_missed: int
    stuck_hours: dict[str, float | None]
    stuck_exempt: dict[str, list[float]]
    ranges: dict[str, tuple[float, float]]
    compound: dict[str, Any]

    @property
    def iii_n(self) -> int:
        """Readings needed to hold grade III on channels with a longer III persistence."""
        return max([self.open_n] + [c.iii_consecutive or 0 for c in self.channels])

    @property
    def tail_len(self) -> int:
        """Readings per channel carried to the next run to continue consecutive counts."""
        return max(self.open_n, self.close_m, self.iii_n, 2) - 1

    def channel(self, name: str) -> Channel:
        for ch in self.channels:
            if ch.name == name:
                return ch
        raise KeyError(name)


def _grades(spec: dict[str, Any], where: str) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for g in spec:
        if g not in GRADES:
            raise ValueError(f"{where}: unknown grade {g!r} (use I, II, III)")
    for g in GRADES:
        v = spec.get(g)
        out[g] = None if v is None else float(v)
    return out


def parse_rules(cfg: dict[str, Any], measures: dict[str, Any]) -> Rules:
    """Check and flatten a rules mapping (the content of ``alarm_rules.yaml``)."""
    channels: list[Channel] = []
    for name, spec in cfg["channels"].items():
        where = f"alarm_rules.channels.{name}"
        if not spec.get("source"):
            raise ValueError(f"{where}: every rule needs a source citation")
        level = spec["level"]
        if level["metric"] not in LEVEL_METRICS:
            raise ValueError(f"{where}: metric must be one of {LEVEL_METRICS}")
        direction = {"high": 1, "low": -1}[level["direction"]]
        grades = _grades(level["grades"], where)
        known = [v for v in (grades["III"], grades["II"], grades["I"]) if v is not None]
        if [direction * v for v in known] != sorted(direction * v for v in known):
            raise ValueError(f"{where}: grade thresholds must get worse from III to I")
        if known and direction * float(level["close"]) >= direction * known[0]:
            raise ValueError(f"{where}: close must lie on the safe side of grade III (hysteresis)")
        drop = spec.get("drop")
        loc = spec.get("location_types", "*")
        channels.append(
            Channel(
                name=name,
                measure=spec["measure"],
                location_types=("*",) if loc == "*" else tuple(loc),
                exclude_location_types=tuple(spec.get("exclude_location_types") or ()),
                domain=spec["domain"],
                detection_type=spec.get("incident_type"),
                label=spec.get("label", name),
                unit=level.get("unit", ""),
                level_metric=level["metric"],
                direction=direction,
                level=grades,
                level_close=float(level["close"]),
                drop={g: v for g, v in _grades(drop["grades"], where).items() if v is not None}
                if drop
                else None,
                drop_close=float(drop["close"]) if drop else None,
                source=spec["source"],
                iii_consecutive=int(spec["grade_iii_consecutive"])
                if spec.get("grade_iii_consecutive")
                else None,
                detection_min_sev=SEVERITY[spec.get("detection_min_grade", "III")],
            )
        )
    longer = {c.iii_consecutive for c in channels if c.iii_consecutive is not None}
    if len(longer) > 1:
        raise ValueError("alarm_rules: all grade_iii_consecutive values must be equal")
    ep, faults, ref = cfg["episode"], cfg["faults"], cfg["drop_reference"]
    ranges = {m: (float(v["min"]), float(v["max"])) for m, v in measures["measures"].items()}
    rules = Rules(
        channels=tuple(channels),
        open_n=int(ep["open_consecutive"]),
        close_m=int(ep["close_consecutive"]),
        gap_factor=float(ep["gap_factor"]),
        ref_window_min=int(ref["window_minutes"]),
        ref_gap_min=int(ref["gap_minutes"]),
        offline_minutes=int(faults["offline_minutes"]),
        offline_min_missed=int(faults["offline_min_missed_readings"]),
        stuck_hours={
            k: (None if v is None else float(v)) for k, v in faults["stuck_hours"].items()
        },
        stuck_exempt={
            k: [float(x) for x in v] for k, v in (faults.get("stuck_exempt_values") or {}).items()
        },
        ranges=ranges,
        compound=cfg["compound"],
    )
    if rules.open_n < 1 or rules.close_m < 1:
        raise ValueError("alarm_rules.episode: open/close counts must be >= 1")
    # The stage pre-filters sensors with 30-minute buckets (pipelines/lifeline/stage.py):
    if rules.ref_window_min % 30 or rules.ref_gap_min % 30 or rules.ref_gap_min < 30:
        raise ValueError("alarm_rules.drop_reference: window and gap must be multiples of 30 min")
    if rules.ref_window_min < 60:
        raise ValueError("alarm_rules.drop_reference: window must be >= 60 min (run look-back)")
    if any(h is not None and h < 1.0 for h in rules.stuck_hours.values()):
        raise ValueError("alarm_rules.faults.stuck_hours: at least 1 h (two 30-min buckets)")
    return rules


def load_rules() -> Rules:
    """Rules from ``config/alarm_rules.yaml`` and physical ranges from ``config/measures.yaml``."""
    return parse_rules(load_config("alarm_rules"), load_config("measures"))


def register_rule_tables(con: duckdb.DuckDBPyConnection, rules: Rules) -> None:
    """Create the temp tables ``ll_rule`` and ``ll_measure`` the lifeline SQL joins against."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE ll_rule ({RULE_COLUMNS})")
    con.executemany(
        f"INSERT INTO ll_rule VALUES ({', '.join(['?'] * 22)})", [c.row() for c in rules.channels]
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ll_measure "
        "(measure VARCHAR, min_value DOUBLE, max_value DOUBLE, stuck_hours DOUBLE, "
        "stuck_exempt DOUBLE[])"
    )
    measures = sorted(set(rules.ranges) | set(rules.stuck_hours))
    con.executemany(
        "INSERT INTO ll_measure VALUES (?, ?, ?, ?, ?)",
        [
            (
                m,
                *rules.ranges.get(m, (None, None)),
                rules.stuck_hours.get(m),
                rules.stuck_exempt.get(m, []),
            )
            for m in measures
        ],
    )
