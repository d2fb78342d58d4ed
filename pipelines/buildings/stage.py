"""Stage function: building risk and action lists for one as_of_date.

Facts are gathered in SQL (sql/marts/buildings/01_features.sql), the rules are applied in Python
(pipelines/buildings/scoring.py, config-driven), and both marts are replaced for the as_of_date in
one transaction, so a re-run changes nothing and a crash leaves the warehouse as it was.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pyarrow as pa

from pipelines import warehouse
from pipelines.buildings.scoring import LEVEL_RANK, score_building
from pipelines.context import RunContext
from pipelines.settings import LOCAL_TZ_NAME, load_config

log = logging.getLogger(__name__)


class MissingInputError(RuntimeError):
    """A staging table the stage reads does not exist (ingestion has not run)."""


REQUIRED_TABLES = ("buildings", "building_inspections", "building_retrofits", "seismic_zones")

_SCORED_SCHEMA = pa.schema(
    [
        ("building_id", pa.string()),
        ("member_ratio_grade", pa.string()),
        ("likelihood", pa.int32()),
        ("consequence", pa.int32()),
        ("risk_score", pa.int32()),
        ("risk_level", pa.string()),
        ("data_flags", pa.string()),
        ("drivers", pa.string()),
        ("hazus_type", pa.string()),
        ("code_level", pa.string()),
        ("scenario_pga_g", pa.float64()),
        ("p_slight", pa.float64()),
        ("p_moderate", pa.float64()),
        ("p_extensive", pa.float64()),
        ("p_complete", pa.float64()),
        ("expected_occupants_affected", pa.float64()),
    ]
)


def _both(entry: dict[str, Any]) -> str:
    return f"{entry['action_zh']} / {entry['action_en']}"


def sql_params(ctx: RunContext, cfg: dict[str, Any]) -> dict[str, Any]:
    """Named parameters of the building SQL files: the run's, plus config values (bound, never formatted)."""
    insp, ren = cfg["inspection"], cfg["renovation"]
    return {
        **ctx.params,
        "contradiction_from": list(insp["contradiction"]["from_grades"]),
        "contradiction_to": list(insp["contradiction"]["to_grades"]),
        "clearing_works": list(insp["contradiction"]["clearing_works"]),
        "d_action": _both(ren["danger_d"]),
        "d_days": int(ren["danger_d"]["deadline_days_from_inspection"]),
        "c_action": _both(ren["danger_c"]),
        "c_days": int(ren["danger_c"]["deadline_days_from_inspection"]),
        "reinspect_action": _both(ren["reinspect_after_works"]),
        "reinspect_days": int(ren["reinspect_after_works"]["deadline_days_from_works"]),
        "prefab_action": _both(ren["prefab_governance"]),
        "prefab_deadline": _as_date(ren["prefab_governance"]["deadline"]),
        "seismic_action": _both(ren["seismic_retrofit"]),
        "seismic_deadline": _as_date(ren["seismic_retrofit"]["deadline"]),
        "data_action": _both(ren["data_issue"]),
        "data_days": int(ren["data_issue"]["deadline_days_from_as_of"]),
    }


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _check_inputs(con: Any) -> None:
    present = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging'"
        ).fetchall()
    }
    missing = [t for t in REQUIRED_TABLES if t not in present]
    if missing:
        raise MissingInputError(
            "building risk needs staging tables that do not exist yet: "
            + ", ".join(f"staging.{t}" for t in missing)
            + " (run ingestion first)"
        )


def run_building_risk(ctx: RunContext) -> dict[str, Any]:
    """Fill marts.building_risk and marts.renovation_candidates for ``ctx.as_of_date``.

    Returns counts per risk level, per list type and of flagged/demolished buildings.
    """
    cfg = load_config("building_risk")
    frag = load_config("building_fragility")
    params = sql_params(ctx, cfg)
    as_of = ctx.as_of_date
    with warehouse.writer(ctx.paths) as con:
        _check_inputs(con)
        with warehouse.transaction(con):
            con.execute(f"SET TimeZone = '{LOCAL_TZ_NAME}'")
            warehouse.run_sql_file(con, "marts/buildings/01_features.sql", params)
            # TIMESTAMPTZ -> local naive timestamps: Python-side rules only need local dates/years,
            # and DuckDB would need pytz to return aware datetimes.
            tz_cols = ", ".join(
                f"timezone('{LOCAL_TZ_NAME}', {c}) AS {c}"
                for c in (
                    "latest_inspected_at",
                    "last_seismic_retrofit_at",
                    "last_prefab_governance_at",
                    "last_renovation_at",
                    "last_demolition_at",
                    "last_structural_work_at",
                )
            )
            cur = con.execute(
                f"SELECT * REPLACE ({tz_cols}) FROM bld_features WHERE NOT demolished"
            )
            cols = [d[0] for d in cur.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
            scored = pa.Table.from_pylist(
                [score_building(r, as_of, cfg, frag) for r in rows], schema=_SCORED_SCHEMA
            )
            con.register("bld_scored", scored)
            try:
                warehouse.run_sql_file(con, "marts/buildings/02_building_risk.sql", params)
                warehouse.run_sql_file(con, "marts/buildings/03_renovation_candidates.sql", params)
            finally:
                con.unregister("bld_scored")
            levels = dict(
                con.execute(
                    "SELECT risk_level, count(*) FROM marts.building_risk WHERE as_of_date = ? GROUP BY 1",
                    [as_of],
                ).fetchall()
            )
            lists = dict(
                con.execute(
                    "SELECT list_type, count(*) FROM marts.renovation_candidates WHERE as_of_date = ? GROUP BY 1",
                    [as_of],
                ).fetchall()
            )
            flagged, demolished = con.execute(
                "SELECT (SELECT count(*) FROM marts.building_risk WHERE as_of_date = ? AND data_flags IS NOT NULL),"
                " (SELECT count(*) FROM bld_features WHERE demolished)",
                [as_of],
            ).fetchone()
    result = {
        "as_of_date": as_of.isoformat(),
        "buildings": sum(levels.values()),
        "risk_levels": {
            lvl: int(levels.get(lvl, 0))
            for lvl in sorted(LEVEL_RANK, key=LEVEL_RANK.get, reverse=True)
        },
        "lists": {k: int(v) for k, v in sorted(lists.items())},
        "flagged": int(flagged),
        "demolished": int(demolished),
    }
    log.info("building risk %s: %s", as_of, result)
    return result
