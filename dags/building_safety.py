"""Building safety DAG: thin wiring of pipelines functions (no logic here)."""

from airflow.sdk import Asset, dag, task

from pipelines.orchestration import dag_kwargs, intake_tasks, publish_task, run_context

DAG_ID = "building_safety"
BUILDING_RISK = Asset("resilience://marts/building_risk")

DOC = """
### Building safety (房屋安全)
Ingests the building registry, JGJ 125 inspections and retrofits, then writes
`marts.building_risk` (danger grade, prefab-panel, seismic fragility) and the action lists in
`marts.renovation_candidates`.
"""


@dag(**dag_kwargs(DAG_ID, DOC))
def building_safety() -> None:
    @task
    def assess() -> dict:
        from pipelines.buildings import run_building_risk

        return run_building_risk(run_context())

    intake_tasks(DAG_ID) >> assess() >> publish_task([BUILDING_RISK])


building_safety()
