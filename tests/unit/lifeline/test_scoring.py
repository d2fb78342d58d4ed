"""The scoring matcher on a hand-made truth, and the score-alarms command's JSON."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.cli import main
from pipelines.lifeline.scoring import DETECTION_COLUMNS, score
from pipelines.settings import Paths

TRUTH = pd.DataFrame(
    [
        # id, type, sensor, asset, dma, start, end
        (
            "I1",
            "gas_leak_adjacent_space",
            "GM-1",
            "MH-1",
            "",
            "2025-11-04T10:00:00+08:00",
            "2025-11-04T12:00:00+08:00",
        ),
        (
            "I2",
            "gas_leak_adjacent_space",
            "GM-2",
            "MH-2",
            "",
            "2025-11-04T10:00:00+08:00",
            "2025-11-04T12:00:00+08:00",
        ),
        (
            "I3",
            "water_main_burst",
            "WP-1",
            "WS-1",
            "DMA-1",
            "2025-11-05T08:00:00+08:00",
            "2025-11-05T09:00:00+08:00",
        ),
        (
            "I4",
            "hidden_leak",
            "WF-1",
            "FM-1",
            "DMA-1",
            "2025-11-04T14:00:00+08:00",
            "2025-11-07T00:00:00+08:00",
        ),
        (
            "I5",
            "hidden_leak",
            "WF-2",
            "FM-2",
            "DMA-2",
            "2025-11-04T14:00:00+08:00",
            "2025-11-07T00:00:00+08:00",
        ),
        (
            "I6",
            "stuck_sensor",
            "GP-1",
            "GS-1",
            "",
            "2025-11-05T01:00:00+08:00",
            "2025-11-05T05:00:00+08:00",
        ),
    ],
    columns=[
        "incident_id",
        "incident_type",
        "sensor_id",
        "asset_id",
        "dma_id",
        "start_at",
        "end_at",
    ],
)


def det(
    det_id, det_type, sensor=None, asset=None, dma=None, start=None, end=None, n0=None, n1=None
):
    ts = [pd.Timestamp(x) if x else pd.NaT for x in (start, end)]
    return (det_id, det_type, sensor, asset, dma, *ts, n0, n1)


DETECTIONS = pd.DataFrame(
    [
        # two episodes of I1 (count once for recall), one starting 50 min after its end (tolerance)
        det(
            "a1",
            "gas_leak_adjacent_space",
            "GM-1",
            "MH-1",
            None,
            "2025-11-04T10:05+08:00",
            "2025-11-04T11:00+08:00",
        ),
        det(
            "a2",
            "gas_leak_adjacent_space",
            "GM-1",
            "MH-1",
            None,
            "2025-11-04T12:50+08:00",
            "2025-11-04T13:30+08:00",
        ),
        # I2's sensor alarms 3 hours later: a false positive, and I2 is missed
        det("a3", "gas_leak_adjacent_space", "GM-2", "MH-2", None, "2025-11-04T15:00+08:00", None),
        # another sensor of the burst's DMA, still open: matches by DMA
        det("a4", "water_main_burst", "WP-9", "WS-9", "DMA-1", "2025-11-05T08:20+08:00", None),
        # a burst alarm of the wrong type does not match a gas incident
        det(
            "a5",
            "water_main_burst",
            "GM-1",
            "MH-1",
            None,
            "2025-11-04T10:05+08:00",
            "2025-11-04T11:00+08:00",
        ),
        # leak run flagged from the night after the start (start 14:00 -> first night 5 Nov)
        det(
            "l1",
            "hidden_leak",
            None,
            None,
            "DMA-1",
            None,
            None,
            date(2025, 11, 5),
            date(2025, 11, 6),
        ),
        # DMA-2 flagged only two nights later: too late
        det(
            "l2",
            "hidden_leak",
            None,
            None,
            "DMA-2",
            None,
            None,
            date(2025, 11, 7),
            date(2025, 11, 7),
        ),
        det(
            "f1",
            "stuck_sensor",
            "GP-1",
            "GS-1",
            None,
            "2025-11-05T00:55+08:00",
            "2025-11-05T05:00+08:00",
        ),
    ],
    columns=DETECTION_COLUMNS,
)


def test_matcher_counts_precision_and_recall() -> None:
    result = score(TRUTH, DETECTIONS)
    bt = result["by_type"]
    assert set(bt) == {"gas_leak_adjacent_space", "water_main_burst", "hidden_leak", "stuck_sensor"}
    assert bt["gas_leak_adjacent_space"] == {
        "precision": pytest.approx(2 / 3),
        "recall": 0.5,
        "n": 2,
    }
    assert bt["water_main_burst"] == {"precision": 0.5, "recall": 1.0, "n": 1}
    assert bt["hidden_leak"] == {"precision": 0.5, "recall": 0.5, "n": 2}
    assert bt["stuck_sensor"] == {"precision": 1.0, "recall": 1.0, "n": 1}
    assert result["overall"] == {"precision": pytest.approx(5 / 8), "recall": pytest.approx(4 / 6)}


def test_type_without_detections_has_full_precision_and_zero_recall() -> None:
    result = score(TRUTH, DETECTIONS[DETECTIONS["det_type"] != "stuck_sensor"])
    assert result["by_type"]["stuck_sensor"] == {"precision": 1.0, "recall": 0.0, "n": 1}


def test_score_alarms_json_on_a_warehouse(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    with warehouse.writer(paths) as con:
        con.execute(
            "INSERT INTO marts.lifeline_alarms (episode_id, sensor_id, asset_id, domain, measure, channel, "
            "detection_type, grade, base_grade, opened_at, confirmed_at, status) VALUES "
            "('e1', 'GM-1', 'MH-1', 'gas', 'methane_lel', 'methane_adjacent_space', 'gas_leak_adjacent_space', "
            "'II', 'II', '2025-11-04 10:05:00+08', '2025-11-04 10:15:00+08', 'open')"
        )
        con.execute(
            "INSERT INTO marts.sensor_health (sensor_id, as_of_date, fault_type, fault_since, fault_until) "
            "VALUES ('GP-1', '2025-11-05', 'stuck', '2025-11-05 00:55:00+08', '2025-11-05 05:00:00+08'),"
            " ('GP-7', '2025-11-05', 'offline', '2025-11-05 09:00:00+08', NULL)"
        )
    TRUTH.assign(domain="", magnitude="", unit="", description="").to_csv(
        paths.sample_truth / "incidents.csv", index=False
    )
    assert main(["score-alarms", "--json", "--data-dir", str(paths.data_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"overall", "by_type"}
    assert out["by_type"]["gas_leak_adjacent_space"] == {"precision": 1.0, "recall": 0.5, "n": 2}
    assert out["by_type"]["stuck_sensor"] == {"precision": 1.0, "recall": 1.0, "n": 1}
    # the offline fault matches nothing in the truth: a false positive overall
    assert out["overall"] == {"precision": pytest.approx(2 / 3), "recall": pytest.approx(2 / 6)}
    assert all(isinstance(v, int | float) for t in out["by_type"].values() for v in t.values())


def test_score_alarms_without_truth_is_a_usage_error(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score-alarms", "--data-dir", str(paths.data_dir)]) == 2
    assert "sample truth" in capsys.readouterr().err
