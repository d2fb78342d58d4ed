"""Lifeline monitoring DAG: thin wiring of pipelines functions (no logic here)."""

from airflow.sdk import Asset, dag, task

from pipelines.orchestration import dag_kwargs, intake_tasks, publish_task, run_context

DAG_ID = "lifeline_monitoring"
ALARMS = Asset("resilience://marts/lifeline_alarms")

DOC = """
### Lifeline monitoring (生命线监测)
Ingests sensor registries and readings of gas, water supply, drainage and heating for the data
interval, checks them with the Great Expectations gate, then detects graded alarm episodes
(`marts.lifeline_alarms`), minimum-night-flow leaks (`marts.dma_night_flow`) and sensor faults
(`marts.sensor_health`). Writers share the one-slot `warehouse_writer` pool; the last task
publishes the read-only copy analysts query.
"""


@dag(**dag_kwargs(DAG_ID, DOC))
def lifeline_monitoring() -> None:
    @task
    def detect() -> dict:
        from pipelines.lifeline import run_lifeline

        return run_lifeline(run_context())

    intake_tasks(DAG_ID) >> detect() >> publish_task([ALARMS])


lifeline_monitoring()
