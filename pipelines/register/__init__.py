"""Unified risk register (four colours, with history), district risk spectrum, officers'
decisions and the event-sourced hidden-hazard ledger.

Entry points for the DAG: :func:`run_register` (marts.risk_snapshot for the run's as_of_date;
the register, history and spectrum views derive from it) and :func:`run_hazard_ledger`
(appends to audit.hazard_events and rebuilds marts.hazard_ledger).
"""

from pipelines.register.ledger import run_hazard_ledger
from pipelines.register.stage import run_register

__all__ = ["run_hazard_ledger", "run_register"]
