"""Schedules, task lists and the run context come from config, not from DAG files."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipelines import orchestration
from pipelines.airflow_local import airflow_env, logical_date_for_local_day
from pipelines.context import RunContext
from pipelines.settings import LOCAL_TZ, PROJECT_ROOT, load_config


def test_profiles_select_schedules(monkeypatch):
    monkeypatch.setenv(orchestration.PROFILE_ENV, "production")
    assert orchestration.cron_for("lifeline_monitoring") == "*/15 * * * *"
    monkeypatch.setenv(orchestration.PROFILE_ENV, "demo")
    assert orchestration.cron_for("lifeline_monitoring") == "0 0 * * *"
    monkeypatch.setenv(orchestration.PROFILE_ENV, "nope")
    with pytest.raises(ValueError, match="not a profile"):
        orchestration.schedule_profile()


def test_every_pipeline_ingests_known_sources_and_validates_their_staging():
    sources = set(load_config("contracts")["sources"])
    for dag_id, cfg in load_config("pipelines")["pipelines"].items():
        assert set(cfg["sources"]) <= sources, dag_id
        for table in cfg["validate"]:
            assert table.split(".")[1] in cfg["sources"], f"{dag_id} validates {table}"


def test_every_contract_source_is_ingested_by_some_pipeline():
    ingested = {s for c in load_config("pipelines")["pipelines"].values() for s in c["sources"]}
    assert ingested == set(load_config("contracts")["sources"])


def test_logical_date_selects_the_local_day():
    ld = logical_date_for_local_day(date(2025, 11, 4))
    assert ld == datetime(2025, 11, 5, tzinfo=LOCAL_TZ)


def test_run_context_local_day_and_validation():
    ctx = RunContext.for_local_day(date(2025, 11, 4))
    assert ctx.as_of_date == date(2025, 11, 4)
    assert (ctx.interval_end - ctx.interval_start).total_seconds() == 86400
    assert ctx.params["interval_start"].utcoffset().total_seconds() == 8 * 3600
    with pytest.raises(ValueError, match="timezone-aware"):
        RunContext(datetime(2025, 1, 1), datetime(2025, 1, 2))
    with pytest.raises(ValueError, match="empty interval"):
        RunContext(ctx.interval_end, ctx.interval_start)


def test_airflow_env_points_at_project_dags_and_data(paths):
    env = airflow_env(paths, "demo")
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(PROJECT_ROOT / "dags")
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite:///")
    assert env["RESILIENCE_DATA_DIR"] == str(paths.data_dir)
    assert env["RESILIENCE_SCHEDULE_PROFILE"] == "demo"
    assert env["PATH"].split(":")[0].endswith("bin")
