"""Config-driven scales: matrix, LEC with both band sets, labels, transitions (no database)."""

from __future__ import annotations

import copy

import pytest

from pipelines.register.labels import change_label, level_label, severity_label, status_label
from pipelines.register.ledger import transition_error
from pipelines.register.rules import ConfigError, lec_level, load_rules, matrix_level
from pipelines.settings import load_config

ORDER = ["found", "registered", "assigned", "rectifying", "rectified", "verified", "closed"]
REPEAT = ["assigned", "rectifying"]


def test_matrix_corners_and_middle() -> None:
    cfg = load_rules()
    assert matrix_level(cfg, 5, 5) == "red"
    assert matrix_level(cfg, 1, 5) == "blue"
    assert matrix_level(cfg, 4, 4) == "orange"
    assert matrix_level(cfg, 3, 3) == "yellow"


def test_lec_chinese_and_fine_kinney_bands_fold_negligible_into_blue() -> None:
    cfg = load_rules()
    assert cfg["lec"]["bands"] == "chinese"
    assert lec_level(cfg, 321) == "red" and lec_level(cfg, 320) == "orange"
    assert lec_level(cfg, 70) == "yellow" and lec_level(cfg, 69) == "blue"
    assert lec_level(cfg, 5) == "blue"  # negligible folded into blue
    fk = copy.deepcopy(cfg)
    fk["lec"]["bands"] = "fine_kinney"
    assert lec_level(fk, 321) == "orange" and lec_level(fk, 401) == "red"


def test_bad_method_is_refused() -> None:
    cfg = copy.deepcopy(load_config("risk_matrix"))
    cfg["method"] = "guess"
    with pytest.raises(ConfigError, match="method"):
        load_rules(cfg)


def test_chinese_labels() -> None:
    assert [level_label(x) for x in ("red", "orange", "yellow", "blue")] == [
        "重大风险",
        "较大风险",
        "一般风险",
        "低风险",
    ]
    assert level_label("red", short=True) == "重大" and level_label("blue", short=True) == "低"
    assert severity_label("major") == "重大隐患" and status_label("closed") == "已销号"
    assert change_label("de-escalated") == "降级" and level_label("purple") == "purple"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("registered", "assigned"),
        ("assigned", "rectifying"),
        ("rectifying", "rectified"),
        ("rectified", "verified"),
        ("verified", "closed"),
        ("assigned", "assigned"),
        ("rectifying", "rectifying"),
    ],
)
def test_valid_transitions(current: str, target: str) -> None:
    assert transition_error(current, target, ORDER, REPEAT) is None


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        ("rectified", "closed", "not verified"),
        ("registered", "closed", "not verified"),
        ("verified", "rectifying", "backwards"),
        ("rectified", "assigned", "backwards"),
        ("registered", "rectified", "skips assigned, rectifying"),
        ("closed", "verified", "already closed"),
        (None, "assigned", "unknown hazard"),
        ("found", "assigned", "not registered yet"),
        ("verified", "verified", "repeats"),
    ],
)
def test_invalid_transitions(current: str | None, target: str, reason: str) -> None:
    err = transition_error(current, target, ORDER, REPEAT)
    assert err is not None and reason in err
