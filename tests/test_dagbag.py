"""Every DAG imports cleanly, is thin, and carries tags, retries, docs and the writer pool."""

from __future__ import annotations

import ast

import pytest

from pipelines.settings import PROJECT_ROOT, load_config

DAG_DIR = PROJECT_ROOT / "dags"
EXPECTED = set(load_config("pipelines")["pipelines"])


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    import os

    home = tmp_path_factory.mktemp("airflow_home")
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAG_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_every_pipeline_has_a_dag(dagbag):
    assert set(dagbag.dag_ids) == EXPECTED


def test_dags_have_tags_retries_docs_and_pool(dagbag):
    for dag_id in EXPECTED:
        dag = dagbag.dags[dag_id]
        assert "resilience" in dag.tags and len(dag.tags) > 1, dag_id
        assert dag.doc_md and dag.doc_md.strip().startswith("###"), dag_id
        assert str(dag.timezone) in ("Asia/Shanghai", "Timezone('Asia/Shanghai')"), dag_id
        for t in dag.tasks:
            assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"
            assert t.pool == "warehouse_writer", f"{dag_id}.{t.task_id} bypasses the writer pool"


def test_dags_run_intake_before_analytics_and_publish_last(dagbag):
    for dag_id in EXPECTED:
        dag = dagbag.dags[dag_id]
        quality = dag.get_task("quality_gate")
        assert dag.get_task("stage").task_id in quality.upstream_task_ids
        publish = dag.get_task("publish")
        assert publish.downstream_task_ids == set()
        assert publish.outlets, f"{dag_id} publishes no asset"


def test_dag_files_are_thin():
    """No SQL, thresholds or data handling in DAG files: tasks call one pipelines function."""
    for path in DAG_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                (isinstance(d, ast.Name) and d.id == "task")
                or (isinstance(d, ast.Call) and getattr(d.func, "id", "") == "task")
                for d in node.decorator_list
            ):
                calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
                assert len(calls) <= 2, f"{path.name}:{node.name} does too much"
        text = path.read_text(encoding="utf-8").upper()
        assert "SELECT " not in text and "INSERT " not in text, f"SQL inside {path.name}"


def test_risk_inventory_is_also_triggered_by_upstream_assets(dagbag):
    assert type(dagbag.dags["risk_inventory"].timetable).__name__ == "AssetOrTimeSchedule"
    for dag_id in EXPECTED - {"risk_inventory"}:
        assert type(dagbag.dags[dag_id].timetable).__name__ == "CronDataIntervalTimetable"
