"""The gate on small staging tables: verdicts, counts, severities, idempotency, both modes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.quality import QualityGateFailed, validate_tables
from pipelines.quality import suites as S
from pipelines.settings import get_paths

from .conftest import (
    DAY,
    DAY_START,
    create_staging,
    docs_index,
    make_buildings,
    make_readings,
    make_sensors,
    results,
)

GOOD = ["staging.readings", "staging.sensors", "staging.buildings"]


def _good_tables(paths) -> None:
    with warehouse.writer(paths) as con:
        make_sensors(con, 10)
        make_readings(con, 10, 300)
        make_buildings(con, 50)


def _failed(paths, table: str) -> dict[tuple[str, str | None], int]:
    return {
        (r["expectation_type"], r["column_name"]): r["unexpected_count"]
        for r in results(paths, table)
        if not r["success"]
    }


def test_passing_tables_pass_and_build_data_docs(paths, ctx) -> None:
    _good_tables(paths)
    summary = validate_tables(ctx, GOOD)
    for table in GOOD:
        rows = results(paths, table)
        assert len(rows) == len(S.load_suite_dict(table)["expectations"])
        assert all(r["success"] for r in rows), [r for r in rows if not r["success"]]
        assert summary["tables"][table]["failed_critical"] == 0
    assert summary["tables"]["staging.readings"]["rows"] == 3000
    assert summary["tables"]["staging.readings"]["mode"] == "batch"  # below the suite threshold
    assert Path(summary["data_docs"]) == docs_index(paths)
    assert docs_index(paths).is_file()
    assert set(summary["timings_s"]) >= {"gx_context", "validate", "data_docs", "total"}


def _bad_tables(paths) -> None:
    """Every kind of violation, with known counts."""
    with warehouse.writer(paths) as con:
        make_sensors(con, 10)
        make_readings(con, 10, 300)
        make_buildings(con, 50)
        # readings: 7 null values, 4 rows duplicated (8 rows share a key), one sensor far above
        # its expected count, and nulls on the next day (outside the interval: not counted)
        con.execute(
            "UPDATE staging.readings SET value = NULL WHERE sensor_id = 'S00001' "
            "AND measured_at < $t",
            {"t": DAY_START.replace(minute=7)},
        )
        con.execute(
            "INSERT INTO staging.readings SELECT * FROM staging.readings "
            "WHERE sensor_id = 'S00002' ORDER BY measured_at LIMIT 4"
        )
        con.execute(
            "INSERT INTO staging.readings VALUES ('S00003', $t, NULL), ('S00003', $t, NULL)",
            {"t": DAY_START.replace(day=2, hour=1)},
        )
        con.execute(
            "UPDATE staging.sensors SET sampling_interval_s = 3600 WHERE sensor_id = 'S00009'"
        )
        # sensors: one domain out of set, two latitudes out of range, one null id
        con.execute("UPDATE staging.sensors SET domain = 'sewage' WHERE sensor_id = 'S00004'")
        con.execute("UPDATE staging.sensors SET lat = 95 WHERE sensor_id IN ('S00005', 'S00006')")
        con.execute("UPDATE staging.sensors SET sensor_id = NULL WHERE sensor_id = 'S00007'")
        # buildings: two impossible years (warning), three zero-floor rows, one missing geom_m
        con.execute(
            "UPDATE staging.buildings SET year_built = 1850 WHERE building_id IN ('B00001', 'B00002')"
        )
        con.execute(
            "UPDATE staging.buildings SET floors = 0 WHERE building_id IN ('B00010', 'B00011', 'B00012')"
        )
        con.execute("UPDATE staging.buildings SET geom_m = NULL WHERE building_id = 'B00020'")
        # inspections: one unknown grade, one with more dangerous than total members (warning)
        create_staging(con, "building_inspections")
        con.execute(
            """
            INSERT INTO staging.building_inspections
                (inspection_id, building_id, inspected_at, grade, dangerous_members, total_members)
            VALUES ('I1', 'B00001', $t, 'A', 0, 40), ('I2', 'B00002', $t, 'E', 1, 40),
                   ('I3', 'B00003', $t, 'C', 8, 5), ('I4', 'B00004', $t, 'B', NULL, 5)
            """,
            {"t": DAY_START.replace(hour=9)},
        )
        # districts: an empty registry
        create_staging(con, "districts")


BAD = GOOD + ["staging.building_inspections", "staging.districts"]
NN, IN_SET, BETWEEN = (
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between",
)
EXPECTED_FAILURES = {
    "staging.readings": {
        (NN, "value"): 7,
        ("expect_compound_columns_to_be_unique", "sensor_id,measured_at"): 8,
        (BETWEEN, "ratio_to_expected"): 1,
    },
    "staging.sensors": {(IN_SET, "domain"): 1, (BETWEEN, "lat"): 2, (NN, "sensor_id"): 1},
    "staging.buildings": {(BETWEEN, "year_built"): 2, (BETWEEN, "floors"): 3, (NN, "geom_m"): 1},
    "staging.building_inspections": {
        (IN_SET, "grade"): 1,
        ("expect_column_pair_values_a_to_be_greater_than_b", "total_members,dangerous_members"): 1,
    },
    "staging.districts": {("expect_table_row_count_to_be_between", None): None},
}


@pytest.fixture(scope="module")
def bad_runs(paths, tmp_path_factory) -> dict[str, dict[str, list[dict]]]:
    """The bad tables validated in batch mode, then metrics mode; results of each run."""
    from pipelines.context import RunContext

    from .conftest import DAY

    ctx = RunContext.for_local_day(DAY, run_id="test__bad", paths=paths)
    _bad_tables(paths)
    runs: dict[str, dict[str, list[dict]]] = {}
    for mode in ("batch", "metrics"):
        with pytest.raises(QualityGateFailed) as info:
            validate_tables(ctx, BAD, mode=mode)
        runs[mode] = {t: results(paths, t) for t in BAD}
        runs[mode]["_error"] = info.value  # type: ignore[assignment]
    return runs


@pytest.mark.parametrize("mode", ["batch", "metrics"])
def test_each_violation_fails_its_expectation_with_its_count(bad_runs, mode) -> None:
    for table, expected in EXPECTED_FAILURES.items():
        failed = {
            (r["expectation_type"], r["column_name"]): r["unexpected_count"]
            for r in bad_runs[mode][table]
            if not r["success"]
        }
        assert failed == expected, (mode, table)


def test_batch_and_metrics_modes_agree(bad_runs) -> None:
    keys = ("expectation_index", "success", "unexpected_count", "element_count", "severity")
    for table in BAD:
        batch = [{k: r[k] for k in keys} for r in bad_runs["batch"][table]]
        metrics = [{k: r[k] for k in keys} for r in bad_runs["metrics"][table]]
        assert batch == metrics, table
    modes = {r["mode"] for r in bad_runs["metrics"]["staging.sensors"]}
    assert modes == {"metrics", "sql_groups"}


def test_critical_failure_raises_after_recording(bad_runs) -> None:
    err = bad_runs["metrics"]["_error"]
    msg = str(err)
    assert (
        "staging.readings: expect_column_values_to_not_be_null(value) failed: 7 unexpected of 3004"
        in msg
    )
    assert (
        "staging.districts: expect_table_row_count_to_be_between() failed: "
        'observed {"row_count": 0}, expected {"min_value": 1}'
    ) in msg
    # warnings are recorded but are not part of the failure
    assert "year_built" not in msg and "ratio_to_expected" not in msg
    tables = {f["table"] for f in err.failures}
    assert tables == {
        "staging.readings",
        "staging.sensors",
        "staging.buildings",
        "staging.building_inspections",
        "staging.districts",
    }
    # recorded before raising: the failing rows are in audit.quality_results
    assert any(
        not r["success"] and r["severity"] == "critical"
        for r in bad_runs["metrics"]["staging.readings"]
    )


def test_warning_only_does_not_raise(paths, ctx) -> None:
    with warehouse.writer(paths) as con:
        make_buildings(con, 20)
        con.execute("UPDATE staging.buildings SET year_built = 2099 WHERE building_id = 'B00003'")
    summary = validate_tables(ctx, ["staging.buildings"])
    assert summary["tables"]["staging.buildings"]["failed_warning"] == 1
    assert summary["tables"]["staging.buildings"]["failed_critical"] == 0
    failed = [r for r in results(paths, "staging.buildings") if not r["success"]]
    assert [(r["column_name"], r["severity"], r["unexpected_count"]) for r in failed] == [
        ("year_built", "warning", 1)
    ]
    assert '"max_value": 2024' in failed[0]["kwargs"]  # current_year of the run's date


def test_rerun_leaves_one_set_of_results(paths, ctx) -> None:
    with warehouse.writer(paths) as con:
        make_sensors(con, 5)
    validate_tables(ctx, ["staging.sensors"])
    first = results(paths, "staging.sensors")
    validate_tables(ctx, ["staging.sensors"], mode="metrics")
    second = results(paths, "staging.sensors")
    assert len(first) == len(second) == len(S.load_suite_dict("staging.sensors")["expectations"])
    assert {r["mode"] for r in second} == {"metrics", "sql_groups"}


def test_data_docs_keep_the_newest_results_per_table(tmp_path, monkeypatch) -> None:
    """Every run renders its own pages; the store and the site stay bounded."""
    from pipelines.quality import gate

    monkeypatch.setattr(gate, "DATA_DOCS_KEEP", 2)
    paths = get_paths(data_dir=tmp_path / "own").ensure()  # a GX store of its own
    with warehouse.writer(paths) as con:
        make_sensors(con, 5)
    ctx = RunContext.for_local_day(DAY, run_id="unused", paths=paths)
    for i in range(4):
        validate_tables(replace(ctx, run_id=f"manual__run{i}"), ["staging.sensors"])
    gx_dir = paths.quality / "gx" / "uncommitted"
    stored = sorted(p.parts[-3] for p in (gx_dir / "validations").rglob("*.json"))
    pages = sorted(
        p.parts[-3] for p in (gx_dir / "data_docs" / "local_site" / "validations").rglob("*.html")
    )
    assert stored == pages == ["manual__run2", "manual__run3"]
    index = docs_index(paths).read_text(encoding="utf-8")
    assert "manual__run3" in index and "manual__run0" not in index


def test_small_batches_and_auto_metrics_mode(paths, ctx, monkeypatch) -> None:
    """Batches smaller than the table still count every row; a low threshold picks metrics."""
    with warehouse.writer(paths) as con:
        make_sensors(con, 5)
        make_readings(con, 5, 1400)  # 7,000 rows: four batches of 2,048
        con.execute(
            "UPDATE staging.readings SET value = NULL WHERE (epoch(measured_at)::BIGINT / 60) % 1000 = 0"
        )
        nulls = con.execute("SELECT count(*) FROM staging.readings WHERE value IS NULL").fetchone()[
            0
        ]
    assert nulls > 0
    original = S.load_suite_dict

    def tuned(table: str, threshold: int) -> dict:
        d = original(table)
        d["meta"]["validation"] = {"batch_rows": 2048, "metrics_mode_min_rows": threshold}
        return d

    for threshold, mode in ((10**9, "batch"), (100, "metrics")):
        monkeypatch.setattr(S, "load_suite_dict", lambda t, th=threshold: tuned(t, th))
        with pytest.raises(QualityGateFailed):
            validate_tables(ctx, ["staging.readings"])
        row = next(r for r in results(paths, "staging.readings") if r["column_name"] == "value")
        assert (row["mode"], row["unexpected_count"], row["element_count"]) == (mode, nulls, 7000)


def test_missing_table_fails_the_gate(ctx, monkeypatch) -> None:
    districts = S.load_suite_dict("staging.districts")
    monkeypatch.setattr(S, "load_suite_dict", lambda table: {**districts, "name": table})
    with pytest.raises(QualityGateFailed, match="table staging.never_created does not exist"):
        validate_tables(ctx, ["staging.never_created"])
