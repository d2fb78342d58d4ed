"""Chinese labels for the register and the ledger, for reports (values are stored in English).

``risk_level`` is red / orange / yellow / blue everywhere in the warehouse; officers read
重大 / 较大 / 一般 / 低. Keeping the labels here (not in the data) lets a report change wording
without touching history.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("red", "orange", "yellow", "blue")
#: Rank of a level: higher is more severe (red 4 ... blue 1).
LEVEL_RANK: dict[str, int] = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
LEVEL_ZH: dict[str, str] = {
    "red": "重大风险",
    "orange": "较大风险",
    "yellow": "一般风险",
    "blue": "低风险",
}
LEVEL_ZH_SHORT: dict[str, str] = {"red": "重大", "orange": "较大", "yellow": "一般", "blue": "低"}
SEVERITY_ZH: dict[str, str] = {"major": "重大隐患", "general": "一般隐患"}
STATUS_ZH: dict[str, str] = {
    "found": "排查发现",
    "registered": "已登记",
    "assigned": "已派单",
    "rectifying": "整改中",
    "rectified": "整改完成",
    "verified": "已验收",
    "closed": "已销号",
}
CHANGE_ZH: dict[str, str] = {
    "new": "新增",
    "escalated": "升级",
    "de-escalated": "降级",
    "unchanged": "未变",
    "resolved": "已消除",
}


def level_label(level: str | None, short: bool = False) -> str:
    """重大风险 / 较大风险 / 一般风险 / 低风险 (or 重大 / 较大 / 一般 / 低 when ``short``).

    Unknown values are returned unchanged so that a report never hides data it cannot label.
    """
    if level is None:
        return ""
    table = LEVEL_ZH_SHORT if short else LEVEL_ZH
    return table.get(level, level)


def severity_label(severity: str | None) -> str:
    """重大隐患 / 一般隐患 for major / general."""
    return "" if severity is None else SEVERITY_ZH.get(severity, severity)


def status_label(status: str | None) -> str:
    """Chinese name of a hazard lifecycle status (found ... closed 已销号)."""
    return "" if status is None else STATUS_ZH.get(status, status)


def change_label(change: str | None) -> str:
    """Chinese name of a register change class (new 新增 ... resolved 已消除)."""
    return "" if change is None else CHANGE_ZH.get(change, change)
