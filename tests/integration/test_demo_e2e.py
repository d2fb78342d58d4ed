"""End to end: the real DAGs, run by Airflow (`airflow dags test`), on a small sample city.

Slow (minutes): run alone with `make test-slow`.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipelines import warehouse
from pipelines.demo import run_demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("airflow")]

START = date(2025, 11, 4)


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory):
    """A two-day run of every DAG on a small city, in its own data dir and Airflow home."""
    import os

    from pipelines.settings import get_paths

    base = tmp_path_factory.mktemp("e2e")
    paths = get_paths(data_dir=base / "data").ensure()
    old = {k: os.environ.get(k) for k in ("RESILIENCE_AIRFLOW_HOME", "RESILIENCE_DATA_DIR")}
    os.environ["RESILIENCE_AIRFLOW_HOME"] = str(base / "airflow_home")
    os.environ["RESILIENCE_DATA_DIR"] = str(paths.data_dir)
    try:
        counts = dict(run_demo(paths, start=START, days=2, scale=0.3))
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return paths, counts


def _q(paths, sql):
    con = warehouse.analyst_connection(paths.published_warehouse)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_source_reaches_raw_and_staging(demo_city):
    from pipelines.settings import load_config

    paths, _ = demo_city
    for source in load_config("contracts")["sources"]:
        raw = _q(paths, f"SELECT count(*) FROM raw.{source}")[0][0]
        staged = _q(paths, f"SELECT count(*) FROM staging.{source}")[0][0]
        assert raw > 0, f"raw.{source} is empty"
        assert staged > 0, f"staging.{source} is empty"


def test_manifest_balances_and_quarantine_has_reasons(demo_city):
    paths, _ = demo_city
    unbalanced = _q(
        paths,
        "SELECT file FROM audit.load_manifest WHERE rows_in <> rows_loaded + rows_quarantined",
    )
    assert unbalanced == []
    reasons = _q(paths, "SELECT count(*), count(DISTINCT reason) FROM audit.quarantine")[0]
    assert reasons[0] > 0 and reasons[1] >= 3
    assert (
        _q(paths, "SELECT count(*) FROM audit.quarantine WHERE reason IS NULL OR file IS NULL")[0][
            0
        ]
        == 0
    )


def test_marts_are_filled(demo_city):
    paths, _ = demo_city
    for table in (
        "marts.lifeline_alarms",
        "marts.dma_night_flow",
        "marts.sensor_health",
        "marts.pipe_risk",
        "marts.pipe_replacement_plan",
        "marts.building_risk",
        "marts.renovation_candidates",
        "marts.risk_snapshot",
        "marts.risk_register",
        "marts.district_risk_spectrum",
        "marts.hazard_ledger",
        "audit.quality_results",
    ):
        assert _q(paths, f"SELECT count(*) FROM {table}")[0][0] > 0, f"{table} is empty"


def test_report_written_for_last_day(demo_city):
    paths, _ = demo_city
    day = date(2025, 11, 5).isoformat()
    assert (paths.reports / f"risk_report_{day}.html").stat().st_size > 10_000
    assert (paths.reports / f"risk_register_{day}.xlsx").exists()


def test_rerunning_a_day_changes_nothing(demo_city):
    """Idempotency through Airflow: the same interval twice leaves identical contents."""
    from pipelines.airflow_local import dags_test

    paths, _ = demo_city
    tables = ["raw.readings", "marts.lifeline_alarms", "audit.load_manifest", "audit.quarantine"]

    def fingerprint():
        out = {}
        for t in tables:
            cols = [
                r[0]
                for r in _q(
                    paths,
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name||'.'||table_name = "
                    f"'{t}' AND column_name NOT IN ('_loaded_at', 'loaded_at', '_run_id', 'run_id', "
                    "'quarantined_at', 'computed_at')",
                )
            ]
            out[t] = _q(paths, f"SELECT count(*), sum(hash({', '.join(cols)})) FROM {t}")[0]
        return out

    import os

    before = fingerprint()
    os.environ["RESILIENCE_AIRFLOW_HOME"] = str(paths.data_dir.parent / "airflow_home")
    try:
        dags_test("lifeline_monitoring", START, paths)
    finally:
        os.environ.pop("RESILIENCE_AIRFLOW_HOME", None)
    assert fingerprint() == before
