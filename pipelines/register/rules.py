"""config/risk_matrix.yaml as small rule tables that the register SQL joins.

The bands, matrix and LEC values live in config; loading them into temp tables keeps the SQL
free of literals and lets DuckDB band every source of a city in one pass (ASOF joins).
"""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.register.labels import LEVEL_RANK, LEVELS
from pipelines.settings import load_config

METHODS = ("matrix", "lec")
SOURCE_TYPES = ("pipe_segment", "building", "monitored_asset", "hazardous_facility")


class ConfigError(ValueError):
    """config/risk_matrix.yaml is inconsistent (unknown method, level or band set)."""


def load_rules(cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    """The risk matrix config, checked: method, levels, matrix shape and LEC band set."""
    cfg = cfg if cfg is not None else load_config("risk_matrix")
    method = cfg.get("method")
    if method not in METHODS:
        raise ConfigError(f"risk_matrix.yaml method must be one of {METHODS}, not {method!r}")
    rows = cfg["matrix"]["rows"]
    if len(rows) != 5 or any(len(r) != 5 for r in rows):
        raise ConfigError("risk_matrix.yaml matrix.rows must be 5 rows of 5 levels")
    if any(level not in LEVELS for r in rows for level in r):
        raise ConfigError(f"risk_matrix.yaml matrix holds a level outside {LEVELS}")
    lec = cfg["lec"]
    if lec["bands"] not in lec["band_sets"]:
        raise ConfigError(f"risk_matrix.yaml lec.bands {lec['bands']!r} is not a band set")
    missing = [t for t in SOURCE_TYPES if t not in cfg["domains"]]
    if missing:
        raise ConfigError(f"risk_matrix.yaml domains lacks {missing}")
    return cfg


def lec_bands(cfg: dict[str, Any]) -> list[tuple[int, str, float, bool]]:
    """(order, level, threshold, strict) of the configured LEC band set, negligible folded in."""
    lec = cfg["lec"]
    out = []
    for i, band in enumerate(lec["band_sets"][lec["bands"]]):
        level = band["level"]
        if level == "negligible":
            level = lec["negligible_level"]
        if level not in LEVEL_RANK:
            raise ConfigError(f"LEC band level {band['level']!r} is not a register level")
        if "gt" in band:
            out.append((i, level, float(band["gt"]), True))
        else:
            out.append((i, level, float(band["ge"]), False))
    return out


def matrix_level(cfg: dict[str, Any], likelihood: int, consequence: int) -> str:
    """Level of a 1-5 likelihood x consequence pair (the same lookup the SQL does)."""
    return cfg["matrix"]["rows"][likelihood - 1][consequence - 1]


def lec_level(cfg: dict[str, Any], d: float) -> str:
    """Level of an LEC score D under the configured band set (negligible folded into blue)."""
    for _, level, threshold, strict in lec_bands(cfg):
        if (strict and d > threshold) or (not strict and d >= threshold):
            return level
    return cfg["lec"]["negligible_level"]


def _table(
    con: duckdb.DuckDBPyConnection, name: str, ddl: str, rows: list[tuple[Any, ...]]
) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({ddl})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO {name} VALUES ({marks})", [list(r) for r in rows])


def _bands(scale: str, bands: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(scale, float(b["min"]), int(b["score"]), str(b["reason"])) for b in bands]


def register_rule_tables(con: duckdb.DuckDBPyConnection, cfg: dict[str, Any]) -> None:
    """Create the reg_* temp tables the register SQL files join."""
    dom = cfg["domains"]
    pipe, ll, fac = dom["pipe_segment"], dom["monitored_asset"], dom["hazardous_facility"]
    _table(
        con,
        "reg_band",
        "scale VARCHAR, lo DOUBLE, score INTEGER, reason VARCHAR",
        _bands("pipe_likelihood", pipe["likelihood"]["bands"])
        + _bands("pipe_consequence", pipe["consequence"]["bands"])
        + _bands("alarm_count", ll["likelihood"]["bands"])
        + _bands("facility_ratio", fac["consequence"]["bands"]),
    )
    _table(
        con,
        "reg_grade_score",
        "axis VARCHAR, grade VARCHAR, score INTEGER",
        [("open_floor", g, int(s)) for g, s in ll["likelihood"]["open_floor_by_grade"].items()]
        + [("consequence", g, int(s)) for g, s in ll["consequence"]["by_grade"].items()],
    )
    _table(
        con,
        "reg_kind_score",
        "kind VARCHAR, score INTEGER",
        [(k, int(s)) for k, s in fac["likelihood"]["by_kind"].items()],
    )
    _table(
        con,
        "reg_matrix",
        "likelihood INTEGER, consequence INTEGER, level VARCHAR",
        [
            (li + 1, ci + 1, level)
            for li, row in enumerate(cfg["matrix"]["rows"])
            for ci, level in enumerate(row)
        ],
    )
    lec = cfg["lec"]
    _table(
        con,
        "reg_lec_value",
        "axis VARCHAR, score INTEGER, value DOUBLE",
        [("likelihood", int(k), float(v)) for k, v in lec["likelihood_values"].items()]
        + [("consequence", int(k), float(v)) for k, v in lec["consequence_values"].items()],
    )
    _table(
        con,
        "reg_exposure",
        "domain VARCHAR, exposure DOUBLE",
        [(d, float(e)) for d, e in lec["exposure"].items()],
    )
    _table(
        con,
        "reg_lec_band",
        "ord INTEGER, level VARCHAR, threshold DOUBLE, strict BOOLEAN",
        lec_bands(cfg),
    )
    _table(con, "reg_level", "level VARCHAR, rnk INTEGER", list(LEVEL_RANK.items()))
    _table(
        con,
        "reg_action",
        "level VARCHAR, action VARCHAR",
        [(lvl, f"{a['zh']} / {a['en']}") for lvl, a in cfg["actions"].items()],
    )
    _table(
        con,
        "reg_type_cfg",
        "source_type VARCHAR, respect_source_level BOOLEAN, top_n INTEGER",
        [
            (
                t,
                bool(dom[t].get("respect_source_level", False)),
                int(dom[t]["include"].get("top_n_per_network", 0)),
            )
            for t in SOURCE_TYPES
        ],
    )
    _table(
        con,
        "reg_include",
        "source_type VARCHAR, level VARCHAR",
        [(t, lvl) for t in SOURCE_TYPES for lvl in dom[t]["include"].get("levels", [])],
    )
    _table(
        con,
        "reg_include_grade",
        "source_type VARCHAR, grade VARCHAR",
        [(t, g) for t in SOURCE_TYPES for g in dom[t]["include"].get("grades", [])],
    )


def sql_params(cfg: dict[str, Any]) -> dict[str, Any]:
    """Config values the register SQL binds (never formatted into SQL text)."""
    dom = cfg["domains"]
    days = cfg["decisions"].get("override_valid_days")
    return {
        "method": cfg["method"],
        "window_days": int(dom["monitored_asset"]["window_days"]),
        "tolerance_min": int(cfg["decisions"]["alarm_reference_tolerance_minutes"]),
        "override_days": -1 if days is None else int(days),
        "facility_default_l": int(dom["hazardous_facility"]["likelihood"]["default"]),
        "facility_unknown_c": int(dom["hazardous_facility"]["consequence"]["unknown_score"]),
    }
