"""Chinese and English labels for levels, domains, statuses and column headers.

Officers read Chinese; the English is one click away in the report and is the second line of
every header in the workbook. Values not listed here are shown as they are in the data.
"""

from __future__ import annotations

#: Risk levels, most severe first (GB/T 42768 four colours; REFERENCES.md).
LEVELS = ("red", "orange", "yellow", "blue")
LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
LEVEL_ZH = {"red": "重大风险", "orange": "较大风险", "yellow": "一般风险", "blue": "低风险"}
LEVEL_ZH_SHORT = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
LEVEL_EN = {
    "red": "Major (red)",
    "orange": "Significant (orange)",
    "yellow": "General (yellow)",
    "blue": "Low (blue)",
}
#: Display colours (fills in the workbook, fills and strokes in the report).
LEVEL_COLOUR = {"red": "#d7191c", "orange": "#f28e2b", "yellow": "#f2d43d", "blue": "#2c7bb6"}
LEVEL_TEXT_COLOUR = {"red": "#ffffff", "orange": "#000000", "yellow": "#000000", "blue": "#ffffff"}

DOMAIN = {
    "gas": ("燃气", "Gas"),
    "water": ("供水", "Water supply"),
    "drainage": ("排水", "Drainage"),
    "sewer": ("排水", "Sewer"),
    "heating": ("供热", "Heating"),
    "building": ("房屋建筑", "Buildings"),
    "hazardous_facility": ("危险源", "Hazardous facilities"),
    "utility_tunnel": ("综合管廊", "Utility tunnels"),
    "bridge": ("桥梁", "Bridges"),
    "pipe": ("管网", "Pipes"),
}
CHANGE = {
    "new": ("新增", "new"),
    "escalated": ("升级", "escalated"),
    "de-escalated": ("降级", "de-escalated"),
    "de_escalated": ("降级", "de-escalated"),
    "unchanged": ("未变", "unchanged"),
    "resolved": ("已消除", "resolved"),
}
HAZARD_STATUS = {
    "found": ("排查发现", "found"),
    "registered": ("已登记", "registered"),
    "assigned": ("已交办", "assigned"),
    "rectifying": ("整改中", "rectifying"),
    "rectified": ("已整改", "rectified"),
    "verified": ("已验收", "verified"),
    "closed": ("已销号", "closed"),
}
SEVERITY = {
    "major": ("重大隐患", "major"),
    "general": ("一般隐患", "general"),
    "critical": ("关键", "critical"),
    "warning": ("警告", "warning"),
}
GRADE = {"I": ("一级", "grade I"), "II": ("二级", "grade II"), "III": ("三级", "grade III")}

#: Column headers: key -> (Chinese, English).
COLUMNS: dict[str, tuple[str, str]] = {
    "risk_source_id": ("风险源编号", "Risk source"),
    "source_name": ("风险源名称", "Name"),
    "computed_level": ("模型等级", "Computed level"),
    "override_by": ("人工调整人", "Override by"),
    "override_reason": ("调整理由", "Override reason"),
    "district_name": ("行政区名称", "District name"),
    "domain": ("领域", "Domain"),
    "likelihood": ("可能性", "Likelihood"),
    "consequence": ("后果", "Consequence"),
    "score": ("风险值", "Score"),
    "risk_level": ("风险等级", "Risk level"),
    "method": ("评估方法", "Method"),
    "drivers": ("风险因素", "Drivers"),
    "recommended_action": ("管控措施", "Recommended action"),
    "responsible_unit": ("责任单位", "Responsible unit"),
    "district": ("行政区", "District"),
    "first_seen": ("首次识别", "First seen"),
    "last_changed": ("最近变化", "Last changed"),
    "change": ("变化", "Change"),
    "hazard_id": ("隐患编号", "Hazard"),
    "status": ("状态", "Status"),
    "severity": ("隐患级别", "Severity"),
    "deadline": ("整改期限", "Deadline"),
    "overdue": ("是否逾期", "Overdue"),
    "days_overdue": ("逾期天数", "Days overdue"),
    "description": ("隐患描述", "Description"),
    "source": ("数据源", "Source"),
    "files": ("文件数", "Files"),
    "rows_loaded": ("入库行数", "Rows loaded"),
    "rows_quarantined": ("隔离行数", "Rows quarantined"),
    "last_loaded_at": ("最近入库时间", "Last loaded"),
    "latest_data_at": ("最新数据时间", "Latest data"),
    "lag_hours": ("滞后(小时)", "Lag (hours)"),
    "fresh": ("是否及时", "Fresh"),
    "table_name": ("数据表", "Table"),
    "expectations": ("校验项", "Expectations"),
    "passed": ("通过", "Passed"),
    "failed": ("未通过", "Failed"),
    "failed_critical": ("关键未通过", "Failed (critical)"),
    "failed_names": ("未通过项", "Failed expectations"),
    "red": ("重大", "Red"),
    "orange": ("较大", "Orange"),
    "yellow": ("一般", "Yellow"),
    "blue": ("低", "Blue"),
    "total": ("合计", "Total"),
    "trend": ("趋势", "Trend"),
    "episode_id": ("报警编号", "Alarm episode"),
    "sensor_id": ("传感器", "Sensor"),
    "grade": ("报警等级", "Grade"),
    "measure": ("监测指标", "Measure"),
    "opened_at": ("开始时间", "Opened"),
    "peak_value": ("峰值", "Peak"),
    "unit": ("单位", "Unit"),
    "reason": ("原因", "Reason"),
    "level": ("等级", "Level"),
    "previous": ("前一日", "Previous day"),
    "delta": ("变化量", "Change"),
    "as_of_date": ("评估日期", "As of"),
}

#: Free-standing UI text: key -> (Chinese, English).
TEXT: dict[str, tuple[str, str]] = {
    "title": ("城市安全风险日报", "City safety risk report"),
    "city": ("长春市城市生命线安全监测", "Changchun urban lifeline safety monitoring"),
    "switch": ("English", "中文"),
    "headline": ("风险总览", "Headline"),
    "since_prev": ("较前一日", "since previous day"),
    "no_prev": ("无前一日数据", "no previous date"),
    "changes": ("风险变化", "Changes"),
    "map": ("风险分布图", "Risk map"),
    "map_note": (
        "图中标出重大、较大风险点位和管段；一般、低风险按行政区汇总（颜色越深数量越多）。",
        "Red and orange risks are drawn as points and pipe lines; yellow and blue risks are "
        "aggregated per district (darker means more).",
    ),
    "map_truncated": (
        "仅显示风险值最高的 {shown} 项（共 {total} 项）。",
        "Showing the {shown} highest of {total}.",
    ),
    "top": ("重点风险", "Top risks"),
    "ledger": ("隐患台账", "Hazard ledger"),
    "ledger_note": ("未销号隐患，逾期优先。", "Open hazards, overdue first."),
    "spectrum": ("区域风险谱系", "District risk spectrum"),
    "spectrum_note": (
        "各行政区各领域风险数量（红/橙/黄/蓝）；底色按风险指数（红4、橙3、黄2、蓝1）加权。",
        "Risks per district and domain (red/orange/yellow/blue); shading by the weighted index "
        "(red 4, orange 3, yellow 2, blue 1).",
    ),
    "alarms": ("生命线报警", "Lifeline alarms"),
    "quality": ("数据质量", "Data quality"),
    "freshness": ("数据时效", "Data freshness"),
    "none": ("无", "none"),
    "not_available": ("暂无数据", "not available"),
    "generated": ("生成时间", "Generated"),
    "as_of": ("评估日期", "As of"),
    "offline": (
        "本报告为离线单文件，无需网络。",
        "This report is one offline file; it needs no network.",
    ),
    "more_rows": ("另有 {n} 行见 Excel 工作簿。", "{n} more rows in the Excel workbook."),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "legend_points": ("风险点位", "risk location"),
    "legend_pipes": ("风险管段", "risk pipe"),
    "district_total": ("区域汇总", "district totals"),
}


def pair(table: dict[str, tuple[str, str]], key: object) -> tuple[str, str]:
    """(zh, en) label for a value; unknown values are shown as they are in both languages."""
    if key is None:
        return ("", "")
    text = str(key)
    return table.get(text, (text, text))


def header(key: str) -> tuple[str, str]:
    """(zh, en) column header; unknown keys fall back to the column name."""
    return COLUMNS.get(key, (key, key))
