"""Smoke test: ``resilience bench`` runs end to end on a tiny city (no timed assertions)."""

from __future__ import annotations

import json
import math

import pytest

from pipelines.bench import pipeline
from pipelines.bench.data import reading_files
from pipelines.bench.run import RATIO_KEYS
from pipelines.cli import main
from pipelines.settings import get_paths


@pytest.mark.slow  # every real stage runs: about 40 s of CPU, longer on a busy machine
def test_bench_runs_end_to_end_and_reports_the_four_ratios(tmp_path, capsys) -> None:
    data_dir = tmp_path / "bench_data"
    out = tmp_path / "bench.json"
    code = main(
        [
            "bench",
            "--sensors", "200",
            "--segments", "500",
            "--buildings", "300",
            "--history-days", "2",
            "--incremental-sensors", "100",
            "--incremental-repeats", "1",
            "--pandas-sensors", "40",
            "--data-dir", str(data_dir),
            "--json", str(out),
            "--no-progress",
        ]
    )  # fmt: skip
    assert code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["ratios"]) == set(RATIO_KEYS)
    for key in RATIO_KEYS:
        value = report["ratios"][key]
        assert isinstance(value, int | float) and math.isfinite(value) and value > 0, key

    names = [s["name"] for s in report["stages"]]
    assert names[:4] == list(pipeline.FLOOR_STAGES)
    for expected in (
        "pipe_network_risk.analytics",
        "building_safety.analytics",
        "risk_inventory.register",
        "risk_inventory.hazard_ledger",
        "risk_inventory.report",
    ):
        assert expected in names
    for s in report["stages"]:
        assert set(s) == {"name", "seconds", "rows", "rows_per_s", "peak_rss_gb"}
        assert s["seconds"] >= 0 and s["peak_rss_gb"] > 0

    # heating readings were converted: every reading file is CSV, and the floor read all of them
    paths = get_paths(data_dir=data_dir)
    assert not list((paths.landing / "readings").glob("*.parquet"))
    assert report["floor"]["files"] == len(reading_files(paths))
    assert any(p.name.startswith("heating_") for p in reading_files(paths))
    # the floor counts (nearly) the rows ingestion loaded: only injected bad lines differ
    loaded = report["stage_results"]["lifeline_monitoring.ingest"]["readings"]["rows_loaded"]
    assert abs(report["floor"]["rows"] - loaded) <= 0.01 * loaded
    # pandas detection ran on a sample of 40 of the 200 sensors and was scaled to all rows
    assert report["pandas"]["sampled"] is True
    assert report["pandas"]["detect_sensors"] < report["pandas"]["sensors"]
    # the 30-day warehouse really holds 30 days of the 1-day warehouse's readings
    raw = report["incremental"]["raw_readings"]
    assert raw["30d"] == 30 * raw["1d"]
    # the markdown table went to stdout
    stdout = capsys.readouterr().out
    assert "| `pipeline_over_floor` |" in stdout
    assert "| lifeline_monitoring.analytics |" in stdout


def test_missing_stage_fails_loudly_naming_it(monkeypatch) -> None:
    monkeypatch.setattr(
        pipeline,
        "ANALYTICS",
        (*pipeline.ANALYTICS, ("risk_inventory", "extra", "pipelines.report", "no_such_stage")),
    )
    with pytest.raises(pipeline.StageMissing, match=r"pipelines\.report\.no_such_stage"):
        pipeline.check_stages()
