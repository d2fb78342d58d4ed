"""Stage function: the unified risk register for one as_of_date.

Every risk source (pipe segments, buildings, monitored lifeline assets, hazardous facilities) is
put on the common 1-5 likelihood x consequence scale (config/risk_matrix.yaml), levelled by the
matrix or LEC, officers' overrides applied on top, and the date's marts.risk_snapshot replaced in
one transaction. The register, its history and the district spectrum are views over the
snapshots (sql/schemas/44_marts_register.sql), so a re-run changes only what it recomputes.
"""

from __future__ import annotations

import logging
from typing import Any

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.register.inputs import prepare_inputs
from pipelines.register.labels import LEVELS
from pipelines.register.rules import load_rules, register_rule_tables, sql_params
from pipelines.settings import LOCAL_TZ_NAME

log = logging.getLogger(__name__)

REGISTER_INPUTS = [
    "reg_in_pipe_risk",
    "reg_in_building_risk",
    "reg_in_alarms",
    "reg_in_facilities",
    "reg_in_decisions",
    "reg_in_units",
    "reg_in_districts",
]
REGISTER_SQL = (
    "marts/register/10_alarm_decisions.sql",
    "marts/register/20_facts.sql",
    "marts/register/30_assess.sql",
    "marts/register/40_write.sql",
)


def run_register(ctx: RunContext, cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    """Replace marts.risk_snapshot (and its decision log) for ``ctx.as_of_date``.

    ``cfg`` overrides config/risk_matrix.yaml (tests switch the method). Returns counts per
    domain and level, of overrides applied and of inputs that were missing.
    """
    rules = load_rules(cfg)
    as_of = ctx.as_of_date
    with warehouse.writer(ctx.paths) as con, warehouse.transaction(con):
        con.execute(f"SET TimeZone = '{LOCAL_TZ_NAME}'")
        missing = prepare_inputs(con, REGISTER_INPUTS)
        register_rule_tables(con, rules)
        params = {**ctx.params, **sql_params(rules), "missing_inputs": ", ".join(missing)}
        for relpath in REGISTER_SQL:
            warehouse.run_sql_file(con, relpath, params)
        levels = con.execute(
            "SELECT domain, risk_level, count(*) FROM marts.risk_snapshot "
            "WHERE as_of_date = ? AND in_register GROUP BY ALL",
            [as_of],
        ).fetchall()
        sources, in_register = con.execute(
            "SELECT sources, in_register FROM audit.register_runs WHERE as_of_date = ?", [as_of]
        ).fetchone()
        effects = dict(
            con.execute(
                "SELECT effect, count(*) FROM audit.decision_log WHERE as_of_date = ? GROUP BY 1",
                [as_of],
            ).fetchall()
        )
    by_level = {lvl: 0 for lvl in LEVELS}
    by_domain: dict[str, int] = {}
    for domain, level, n in levels:
        by_level[level] = by_level.get(level, 0) + int(n)
        by_domain[domain] = by_domain.get(domain, 0) + int(n)
    result = {
        "as_of_date": as_of.isoformat(),
        "method": rules["method"],
        "sources": int(sources),
        "in_register": int(in_register),
        "risk_levels": by_level,
        "domains": dict(sorted(by_domain.items())),
        "decisions": {k: int(v) for k, v in sorted(effects.items())},
        "missing_inputs": missing,
    }
    log.info("risk register %s: %s", as_of, result)
    return result
