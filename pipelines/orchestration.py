"""What the thin DAG files share: schedules and task lists from config, and the run context.

Kept free of Airflow imports at module level so that it is testable without a scheduler.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from pipelines.context import RunContext
from pipelines.settings import LOCAL_TZ, LOCAL_TZ_NAME, get_paths, load_config

PROFILE_ENV = "RESILIENCE_SCHEDULE_PROFILE"


def pipeline_config(dag_id: str) -> dict[str, Any]:
    cfg = load_config("pipelines")
    if dag_id not in cfg["pipelines"]:
        raise KeyError(f"unknown pipeline {dag_id!r} (config/pipelines.yaml)")
    return cfg["pipelines"][dag_id]


def schedule_profile() -> str:
    profile = os.environ.get(PROFILE_ENV, "production")
    if profile not in load_config("pipelines")["profiles"]:
        raise ValueError(f"{PROFILE_ENV}={profile!r} is not a profile in config/pipelines.yaml")
    return profile


def cron_for(dag_id: str) -> str:
    return load_config("pipelines")["profiles"][schedule_profile()]["schedules"][dag_id]


def sources_for(dag_id: str) -> list[str]:
    return list(pipeline_config(dag_id)["sources"])


def tables_for(dag_id: str) -> list[str]:
    return list(pipeline_config(dag_id)["validate"])


def writer_pool() -> str:
    return load_config("pipelines")["defaults"]["writer_pool"]


def dag_kwargs(dag_id: str, doc_md: str, triggered_by: list[Any] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``@dag``: schedule, start date, retries, tags, docs.

    ``triggered_by`` assets make a running scheduler also start the DAG when any of them is
    updated, besides its cron schedule.
    """
    from airflow.sdk import AssetOrTimeSchedule, CronDataIntervalTimetable

    defaults = load_config("pipelines")["defaults"]
    cfg = pipeline_config(dag_id)
    start = datetime.fromisoformat(defaults["start_date"]).replace(tzinfo=LOCAL_TZ)
    schedule: Any = CronDataIntervalTimetable(cron_for(dag_id), timezone=LOCAL_TZ_NAME)
    if triggered_by:
        schedule = AssetOrTimeSchedule(timetable=schedule, assets=triggered_by)
    return {
        "dag_id": dag_id,
        "description": cfg["description"],
        "schedule": schedule,
        "start_date": start,
        "catchup": False,
        "max_active_runs": defaults["max_active_runs"],
        "tags": ["resilience", *cfg["tags"]],
        "doc_md": doc_md,
        "default_args": {
            "retries": load_config("pipelines")["profiles"][schedule_profile()]["retries"],
            "retry_delay": timedelta(minutes=defaults["retry_delay_minutes"]),
            "pool": defaults["writer_pool"],
        },
    }


def run_context() -> RunContext:
    """The RunContext of the Airflow task that is running now."""
    from airflow.sdk import get_current_context

    ctx = get_current_context()
    start, end = ctx["data_interval_start"], ctx["data_interval_end"]
    if start is None or end is None or start == end:
        raise RuntimeError(
            "this DAG needs a data interval; trigger it with a logical date on its schedule"
        )
    return RunContext(
        interval_start=datetime.fromtimestamp(start.timestamp(), tz=LOCAL_TZ),
        interval_end=datetime.fromtimestamp(end.timestamp(), tz=LOCAL_TZ),
        run_id=str(ctx["run_id"]),
        paths=get_paths(),
    )


def intake_tasks(dag_id: str) -> Any:
    """Inside a ``@dag`` body: ingest → stage → quality gate for the pipeline's sources.

    Returns the last task so the DAG can chain its analytics after it.
    """
    from airflow.sdk import task

    @task(task_id="ingest")
    def ingest() -> dict:
        from pipelines.ingest import ingest_sources

        return ingest_sources(run_context(), sources_for(dag_id))

    @task(task_id="stage")
    def stage() -> dict:
        from pipelines.ingest import build_staging

        return build_staging(run_context(), sources_for(dag_id))

    @task(task_id="quality_gate")
    def quality_gate() -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from pipelines.quality import QualityGateFailed, validate_tables

        try:
            return validate_tables(run_context(), tables_for(dag_id))
        except QualityGateFailed as exc:  # retrying cannot change the data: fail now
            raise AirflowFailException(str(exc)) from exc

    first, middle, last = ingest(), stage(), quality_gate()
    first >> middle >> last
    return last


def publish_task(outlets: list[Any]) -> Any:
    """Inside a ``@dag`` body: publish the read-only copy, emitting the DAG's assets."""
    from airflow.sdk import task

    @task(task_id="publish", outlets=outlets)
    def publish() -> str:
        from pipelines.warehouse import publish as publish_copy

        return str(publish_copy(run_context().paths))

    return publish()
