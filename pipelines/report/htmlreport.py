"""Render the report data into one self-contained bilingual HTML file (Jinja2, autoescaped)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipelines.report import labels
from pipelines.report.data import ReportData
from pipelines.report.svgmap import render_map

TEMPLATES = Path(__file__).parent / "templates"


def fmt(value: Any) -> str:
    """Display text for a cell: dates ISO, floats short, None empty (escaped by Jinja2)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float | Decimal):
        return f"{float(value):.4g}" if abs(float(value)) < 1e5 else f"{float(value):,.0f}"
    return str(value)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = fmt
    env.globals.update(
        text=labels.TEXT,
        header=labels.header,
        colours=labels.LEVEL_COLOUR,
        level_pair=lambda lv: (
            labels.LEVEL_ZH.get(lv, lv or ""),
            labels.LEVEL_EN.get(lv, lv or ""),
        ),
        domain_pair=lambda v: labels.pair(labels.DOMAIN, v),
        change_pair=lambda v: labels.pair(labels.CHANGE, v),
        status_pair=lambda v: labels.pair(labels.HAZARD_STATUS, v),
        severity_pair=lambda v: labels.pair(labels.SEVERITY, v),
        grade_pair=lambda v: labels.pair(labels.GRADE, v),
    )
    return env


def _heat_colour(index: float, max_index: float) -> str:
    """White to red by the weighted risk index of a district-domain cell."""
    t = 0.0 if max_index <= 0 else min(index / max_index, 1.0)
    r, g, b = (round(255 + (c - 255) * t) for c in (232, 89, 60))
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_map(spectrum: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of districts x columns of domains with counts, trend and a background colour."""
    domains = sorted({r["domain"] for r in spectrum if r["domain"] is not None})
    max_index = max((r["risk_index"] for r in spectrum), default=0)
    rows: dict[Any, dict[str, Any]] = {}
    for r in spectrum:
        key = r["district"]
        row = rows.setdefault(
            key,
            {
                "name": (r.get("name_zh") or str(key), r.get("name_en") or str(key)),
                "by_domain": {},
                "total": 0,
            },
        )
        title = f"{r['red']} / {r['orange']} / {r['yellow']} / {r['blue']}"
        row["by_domain"][r["domain"]] = {
            **r,
            "bg": _heat_colour(r["risk_index"], max_index),
            "title": title,
        }
        row["total"] += r["total"]
    out = []
    for row in rows.values():
        row["cells"] = [row["by_domain"].get(d) for d in domains]
        out.append(row)
    return {"domains": domains, "rows": out}


def render_html(data: ReportData) -> str:
    """The complete HTML document."""
    names = {
        str(d["district_id"]): d.get("name_zh") or str(d["district_id"]) for d in data.districts
    }

    def named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **r,
                "district_name": r.get("district_name")
                or names.get(str(r.get("district")), r.get("district") or ""),
            }
            for r in rows
        ]

    cards = [
        {
            "level": lv,
            "count": data.counts.get(lv, 0),
            "delta": None
            if data.previous_date is None
            else data.counts.get(lv, 0) - data.previous_counts.get(lv, 0),
        }
        for lv in labels.LEVELS
    ]
    changes = [
        {"label": labels.pair(labels.CHANGE, k), "count": data.changes[k]}
        for k in ("new", "escalated", "de-escalated", "resolved", "unchanged")
        if data.changes.get(k)
    ]
    grades = [
        {"label": labels.pair(labels.GRADE, g), "count": data.alarm_grades[g]}
        for g in sorted(data.alarm_grades, key=lambda g: {"I": 0, "II": 1, "III": 2}.get(g, 9))
    ]
    template = _environment().get_template("report.html.j2")
    return template.render(
        as_of=data.as_of_date.isoformat(),
        previous=data.previous_date.isoformat() if data.previous_date else None,
        generated=data.generated_at.strftime("%Y-%m-%d %H:%M"),
        cards=cards,
        changes=changes,
        alarm_grades=grades,
        map_svg=render_map(data.districts, data.points, data.pipes),
        points=data.points,
        points_total=data.points_total,
        pipes_shown=len(data.pipes),
        pipes_total=data.pipes_total,
        register=named(data.register),
        register_total=data.register_total,
        ledger_available="marts.hazard_ledger" not in data.missing_tables,
        ledger=named(data.ledger),
        ledger_total=data.ledger_total,
        ledger_overdue=data.ledger_overdue,
        heat=heat_map(data.spectrum),
        alarms=named(data.alarms),
        alarms_total=data.alarms_total,
        quality=data.quality,
        freshness=data.freshness,
        missing_tables=data.missing_tables,
    )
