"""The markdown table printed on stdout (the JSON holds everything else)."""

from __future__ import annotations

from typing import Any


def _num(v: Any, digits: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def markdown(report: dict[str, Any]) -> str:
    """Ratios against targets, then one row per stage, floor and pandas."""
    lines = ["| ratio | value | target | met |", "|---|---:|---|---|"]
    for key, value in report["ratios"].items():
        lines.append(
            f"| `{key}` | {_num(value, 3)} | {report['targets'][key]} | {_num(report['met'][key])} |"
        )
    lines += [
        "",
        "| stage | seconds | rows | rows/s | peak RSS GB |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in report["stages"]:
        lines.append(
            f"| {s['name']} | {_num(s['seconds'])} | {_num(s['rows'])} | "
            f"{_num(s['rows_per_s'], 0)} | {_num(s['peak_rss_gb'])} |"
        )
    fl, pd_ = report["floor"], report["pandas"]
    lines.append(
        f"| floor: DuckDB read_csv pass | {_num(fl['seconds'])} | {_num(fl['rows'])} | "
        f"{_num(fl['rows_per_s'], 0)} | {_num(fl['peak_rss_gb'])} |"
    )
    note = " (detection scaled from a sample)" if pd_.get("sampled") else ""
    lines.append(
        f"| pandas reference: read + detect{note} | {_num(pd_['seconds'])} | {_num(pd_['rows'])} | "
        f"{_num(pd_['rows'] / pd_['seconds'] if pd_['seconds'] else None, 0)} | "
        f"{_num(pd_['peak_rss_gb'])} |"
    )
    inc = report.get("incremental")
    if inc:
        best = inc["best_seconds"]
        lines += [
            "",
            f"Incremental ({_num(inc['sensors'])} sensors, hourly lifeline run): "
            + ", ".join(f"{k} of history {_num(v)} s" for k, v in best.items()),
        ]
    m = report["machine"]
    lines += [
        "",
        f"Machine: {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, DuckDB "
        f"{m['duckdb']}, load average at start {m['load_average_at_start']}. "
        f"Total {report['total_seconds']} s.",
    ]
    return "\n".join(lines) + "\n"
