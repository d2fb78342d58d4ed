"""The compose deployment stays consistent with the local setup (no Docker engine here)."""

from __future__ import annotations

import re

import yaml

from pipelines.airflow_local import airflow_env
from pipelines.settings import PROJECT_ROOT, get_paths

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_services_present():
    services = set(COMPOSE["services"])
    assert {
        "postgres",
        "redis",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-worker",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-init",
    } <= services


def test_airflow_services_use_the_project_image_with_celery():
    for name, svc in COMPOSE["services"].items():
        if not name.startswith("airflow-"):
            continue
        assert svc["build"]["dockerfile"] == "Dockerfile", name
        env = svc["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis")
        assert "postgres" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        mounts = {v.split(":")[1] for v in svc["volumes"]}
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] in mounts, f"{name}: DAG folder not mounted"
        assert env["RESILIENCE_DATA_DIR"] in mounts, f"{name}: data volume not mounted"


def test_image_installs_the_same_pinned_requirements():
    assert "requirements.txt" in DOCKERFILE and "constraints.txt" in DOCKERFILE
    assert re.search(r"pip install -r requirements\.txt -c constraints\.txt", DOCKERFILE)
    for folder in ("pipelines", "sql", "config", "expectations", "dags"):
        assert f"COPY {folder}" in DOCKERFILE


def test_same_variables_as_local_setup():
    local = airflow_env(get_paths(data_dir="/tmp/x"))
    env = COMPOSE["services"]["airflow-scheduler"]["environment"]
    for key in (
        "AIRFLOW__CORE__LOAD_EXAMPLES",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION",
        "GX_ANALYTICS_ENABLED",
    ):
        assert str(env[key]) == local[key], key
    assert env["AIRFLOW__CORE__DAGS_FOLDER"].endswith("/dags")


def test_no_secrets_in_compose():
    text = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for var in ("POSTGRES_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET"):
        assert "${" + var + ":?" in text, f"{var} must come from the environment"
    assert not re.search(r"PASSWORD:\s*[\"']?\w+[\"']?\s*$", text, re.M)


def test_writer_pool_created_in_deployment():
    init = " ".join(COMPOSE["services"]["airflow-init"]["command"])
    assert "pools set warehouse_writer 1" in init
