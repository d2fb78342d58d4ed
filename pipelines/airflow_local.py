"""The local Airflow installation: AIRFLOW_HOME inside the checkout, SQLite, LocalExecutor.

One function builds the environment so that ``make airflow``, ``resilience demo`` and the tests
start Airflow the same way (and the same variables appear in docker-compose.yml).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from pipelines.settings import LOCAL_TZ, LOCAL_TZ_NAME, PROJECT_ROOT, Paths, load_config

VENV_BIN = Path(sys.executable).parent


def airflow_home() -> Path:
    """AIRFLOW_HOME: ``airflow_home/`` in the checkout unless RESILIENCE_AIRFLOW_HOME is set."""
    return Path(os.environ.get("RESILIENCE_AIRFLOW_HOME", PROJECT_ROOT / "airflow_home"))


def airflow_env(paths: Paths, profile: str | None = None) -> dict[str, str]:
    """Environment for Airflow commands: project DAGs, local SQLite metadata, our data dir."""
    home = airflow_home()
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": LOCAL_TZ_NAME,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "GX_ANALYTICS_ENABLED": "False",
            "RESILIENCE_DATA_DIR": str(paths.data_dir),
            "RESILIENCE_WAREHOUSE": str(paths.warehouse),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
    )
    if profile:
        env["RESILIENCE_SCHEDULE_PROFILE"] = profile
    return env


def _run(args: list[str], env: dict[str, str], log_path: Path | None = None) -> None:
    if log_path is None:
        subprocess.run(args, env=env, check=True, stdout=sys.stderr, stderr=sys.stderr)
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.run(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        raise RuntimeError(
            f"{' '.join(args[:4])} failed (exit {proc.returncode}); log: {log_path}\n"
            + "\n".join(tail)
        )


def ensure_metadata_db(paths: Paths) -> None:
    """Create/upgrade Airflow's SQLite metadata and the one-slot writer pool (idempotent)."""
    airflow_home().mkdir(parents=True, exist_ok=True)
    env = airflow_env(paths)
    logs = paths.data_dir / "logs"
    _run([str(VENV_BIN / "airflow"), "db", "migrate"], env, logs / "airflow_db_migrate.log")
    defaults = load_config("pipelines")["defaults"]
    _run(
        [
            str(VENV_BIN / "airflow"),
            "pools",
            "set",
            defaults["writer_pool"],
            str(defaults["writer_pool_slots"]),
            "DuckDB allows one writing process per file: writing tasks take turns",
        ],
        env,
        logs / "airflow_pools.log",
    )


def logical_date_for_local_day(day: date) -> datetime:
    """Logical date whose inferred daily data interval is the local day ``day``.

    A manual run's interval is the last complete schedule interval before its logical date,
    so the day's interval [day 00:00, day+1 00:00) is selected by day+1 00:00 local.
    """
    nxt = day + timedelta(days=1)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=LOCAL_TZ)


class DagRunFailed(RuntimeError):
    """``airflow dags test`` finished but the DAG run did not succeed."""


def dags_test(dag_id: str, day: date, paths: Paths, profile: str = "demo") -> Path:
    """Run one DAG for one local day through real Airflow task execution; returns its log.

    ``airflow dags test`` exits 0 even when a task fails, so the run's final state is read
    from its log.
    """
    log_path = paths.data_dir / "logs" / "demo" / f"{day.isoformat()}_{dag_id}.log"
    _run(
        [
            str(VENV_BIN / "airflow"),
            "dags",
            "test",
            dag_id,
            logical_date_for_local_day(day).isoformat(),
        ],
        airflow_env(paths, profile),
        log_path,
    )
    finished = [
        line
        for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        if "DagRun Finished" in line
    ]
    if not finished or "state=success" not in finished[-1]:
        failures = [
            line
            for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            if "Error" in line or "Failed" in line or "failed" in line
        ][-15:]
        raise DagRunFailed(
            f"DAG {dag_id} for {day} did not succeed; log: {log_path}\n" + "\n".join(failures)
        )
    return log_path


def _cmd_airflow(args) -> int:  # noqa: ANN001 - argparse namespace
    """Start ``airflow standalone`` with the project's DAGs and print the UI address and login."""
    import time

    from pipelines.settings import get_paths

    paths = get_paths(args.data_dir).ensure()
    ensure_metadata_db(paths)
    env = airflow_env(paths, args.profile)
    env["AIRFLOW__API__PORT"] = str(args.port)
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = "admin:admin"
    password_file = airflow_home() / "simple_auth_manager_passwords.json.generated"
    proc = subprocess.Popen([str(VENV_BIN / "airflow"), "standalone"], env=env, stdout=sys.stderr)
    deadline = time.monotonic() + 120
    while not password_file.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(1)
    login = "admin / (see the standalone log)"
    if password_file.exists():
        import json

        creds = json.loads(password_file.read_text(encoding="utf-8"))
        login = ", ".join(f"{user} / {pw}" for user, pw in creds.items())
    print(f"Airflow UI: http://localhost:{args.port}  login: {login}", flush=True)
    print(f"AIRFLOW_HOME={airflow_home()}  DAGs: {PROJECT_ROOT / 'dags'}", flush=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


def register(sub) -> None:  # noqa: ANN001 - argparse subparsers
    p = sub.add_parser(
        "airflow",
        help="start `airflow standalone` with the project's DAGs",
        description="Start Airflow (SQLite, LocalExecutor, AIRFLOW_HOME in the checkout) "
        "with the project's DAGs and print the UI address and login.",
    )
    p.add_argument("--data-dir", help="data directory (default RESILIENCE_DATA_DIR or data/)")
    p.add_argument("--port", type=int, default=8080, help="UI/API port")
    p.add_argument(
        "--profile", default="production", help="schedule profile from config/pipelines.yaml"
    )
    p.set_defaults(func=_cmd_airflow)
