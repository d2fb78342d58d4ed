"""Pipe network risk DAG: thin wiring of pipelines functions (no logic here)."""

from airflow.sdk import Asset, dag, task

from pipelines.orchestration import dag_kwargs, intake_tasks, publish_task, run_context

DAG_ID = "pipe_network_risk"
PIPE_RISK = Asset("resilience://marts/pipe_risk")

DOC = """
### Pipe network risk (管网风险与更新改造)
Ingests pipe segments and break history, learns each segment's break likelihood, scores the
consequence of failure, runs the earthquake scenario (Hazus repair rates) and writes
`marts.pipe_risk` and the budgeted `marts.pipe_replacement_plan`.
"""


@dag(**dag_kwargs(DAG_ID, DOC))
def pipe_network_risk() -> None:
    @task
    def assess() -> dict:
        from pipelines.pipes import run_pipe_risk

        return run_pipe_risk(run_context())

    intake_tasks(DAG_ID) >> assess() >> publish_task([PIPE_RISK])


pipe_network_risk()
