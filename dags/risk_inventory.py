"""Risk inventory DAG: thin wiring of pipelines functions (no logic here)."""

from airflow.sdk import Asset, dag, task

from pipelines.orchestration import dag_kwargs, intake_tasks, publish_task, run_context

DAG_ID = "risk_inventory"
UPSTREAM = [
    Asset("resilience://marts/lifeline_alarms"),
    Asset("resilience://marts/pipe_risk"),
    Asset("resilience://marts/building_risk"),
]
REGISTER = Asset("resilience://marts/risk_register")

DOC = """
### Risk inventory (风险隐患清单)
Daily, and in a running scheduler also whenever the lifeline, pipe or building marts are
updated. Builds the four-colour `marts.risk_register` with its history and the district risk
spectrum, applies officers' decisions, advances the hidden-hazard ledger, and writes the
bilingual report and Excel workbook for the date.
"""


@dag(**dag_kwargs(DAG_ID, DOC, triggered_by=UPSTREAM))
def risk_inventory() -> None:
    @task
    def register() -> dict:
        from pipelines.register import run_register

        return run_register(run_context())

    @task
    def hazard_ledger() -> dict:
        from pipelines.register import run_hazard_ledger

        return run_hazard_ledger(run_context())

    @task
    def report() -> dict:
        from pipelines.report import build_report

        return build_report(run_context())

    intake = intake_tasks(DAG_ID)
    intake >> register() >> hazard_ledger() >> report() >> publish_task([REGISTER])


risk_inventory()
