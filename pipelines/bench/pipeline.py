"""The real stages, in DAG order, timed one by one in this process.

Exactly the functions the DAG tasks call (``dags/*.py`` and ``pipelines.orchestration``):
per pipeline ``ingest_sources`` → ``build_staging`` → ``validate_tables`` with that pipeline's
``sources_for`` / ``tables_for``, then its analytics, then ``warehouse.publish`` as the DAG's
last task does. A stage that does not exist yet fails the bench before anything runs, naming
it: a benchmark with silently missing stages would report numbers for a different pipeline.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.bench.measure import RssSampler, StageRecord, timed_stage
from pipelines.context import RunContext
from pipelines.orchestration import sources_for, tables_for

log = logging.getLogger(__name__)

#: (pipeline, analytics step, module, function) in the order the demo runs the DAGs.
ANALYTICS: tuple[tuple[str, str, str, str], ...] = (
    ("lifeline_monitoring", "analytics", "pipelines.lifeline", "run_lifeline"),
    ("pipe_network_risk", "analytics", "pipelines.pipes", "run_pipe_risk"),
    ("building_safety", "analytics", "pipelines.buildings", "run_building_risk"),
    ("risk_inventory", "register", "pipelines.register", "run_register"),
    ("risk_inventory", "hazard_ledger", "pipelines.register", "run_hazard_ledger"),
    ("risk_inventory", "report", "pipelines.report", "build_report"),
)
INTAKE: tuple[tuple[str, str, str], ...] = (
    ("ingest", "pipelines.ingest", "ingest_sources"),
    ("stage", "pipelines.ingest", "build_staging"),
    ("quality", "pipelines.quality", "validate_tables"),
)
#: Stages whose sum is divided by the floor (ingest + quality gate + lifeline analytics).
FLOOR_STAGES = (
    "lifeline_monitoring.ingest",
    "lifeline_monitoring.stage",
    "lifeline_monitoring.quality",
    "lifeline_monitoring.analytics",
)
ALARM_STAGE = "lifeline_monitoring.analytics"


class StageMissing(RuntimeError):
    """A stage function the DAGs call cannot be imported."""


def resolve(module: str, name: str) -> Callable[..., dict[str, Any]]:
    """The stage function, or :class:`StageMissing` naming exactly what is missing."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise StageMissing(f"stage missing: cannot import {module} ({exc})") from exc
    fn = getattr(mod, name, None)
    if not callable(fn):
        raise StageMissing(f"stage missing: {module}.{name} does not exist")
    return fn


def check_stages() -> None:
    """Fail before any work when a stage the DAGs call is missing."""
    missing = []
    for _, module, name in INTAKE:
        try:
            resolve(module, name)
        except StageMissing as exc:
            missing.append(str(exc))
    for _, _, module, name in ANALYTICS:
        try:
            resolve(module, name)
        except StageMissing as exc:
            missing.append(str(exc))
    if missing:
        raise StageMissing("; ".join(dict.fromkeys(missing)))


@dataclass(frozen=True)
class PlannedStage:
    name: str
    run: Callable[[], dict[str, Any]]
    rows_of: Callable[[dict[str, Any]], int | None]


def _sum_rows(result: dict[str, Any], keys: tuple[str, ...]) -> int:
    total = 0
    for value in result.values():
        if isinstance(value, dict):
            total += sum(int(value.get(k) or 0) for k in keys)
    return total


def _quality_rows(result: dict[str, Any]) -> int:
    return sum(int(t.get("rows") or 0) for t in result.get("tables", {}).values())


def _first_int(*keys: str) -> Callable[[dict[str, Any]], int | None]:
    def rows_of(result: dict[str, Any]) -> int | None:
        for k in keys:
            if isinstance(result.get(k), int | float):
                return int(result[k])
        return None

    return rows_of


ROWS_OF_ANALYTICS: dict[str, Callable[[dict[str, Any]], int | None]] = {
    "pipelines.lifeline.run_lifeline": _first_int("readings"),
    "pipelines.pipes.run_pipe_risk": _first_int("segments"),
    "pipelines.buildings.run_building_risk": _first_int("buildings"),
    "pipelines.register.run_register": _first_int("sources", "in_register"),
    "pipelines.register.run_hazard_ledger": _first_int("events_added", "hazards"),
    "pipelines.report.build_report": _first_int("register_rows", "risks"),
}


def plan(ctx: RunContext, publish: bool = True) -> list[PlannedStage]:
    """Every stage of the four DAGs for ``ctx``, in order."""
    from pipelines import warehouse

    stages: list[PlannedStage] = []
    for dag_id in dict.fromkeys(p for p, *_ in ANALYTICS):
        sources, tables = sources_for(dag_id), tables_for(dag_id)
        ingest = resolve("pipelines.ingest", "ingest_sources")
        staging = resolve("pipelines.ingest", "build_staging")
        validate = resolve("pipelines.quality", "validate_tables")
        stages += [
            PlannedStage(
                f"{dag_id}.ingest",
                lambda f=ingest, s=sources: f(ctx, s),
                lambda r: _sum_rows(r, ("rows_in",)),
            ),
            PlannedStage(
                f"{dag_id}.stage",
                lambda f=staging, s=sources: f(ctx, s),
                lambda r: _sum_rows(r, ("rows", "rows_in_interval")),
            ),
            PlannedStage(
                f"{dag_id}.quality", lambda f=validate, t=tables: f(ctx, t), _quality_rows
            ),
        ]
        for pipeline, step, module, name in ANALYTICS:
            if pipeline == dag_id:
                fn = resolve(module, name)
                stages.append(
                    PlannedStage(
                        f"{dag_id}.{step}",
                        lambda f=fn: f(ctx),
                        ROWS_OF_ANALYTICS.get(f"{module}.{name}", lambda r: None),
                    )
                )
        if publish:
            stages.append(
                PlannedStage(
                    f"{dag_id}.publish",
                    lambda: {"published": str(warehouse.publish(ctx.paths))},
                    lambda r: None,
                )
            )
    return stages


def run_stages(
    ctx: RunContext,
    sampler: RssSampler,
    stages: list[PlannedStage] | None = None,
    profile_dir: Path | None = None,
) -> list[StageRecord]:
    """Run and time each stage; a failing stage stops the bench with its name."""
    records: list[StageRecord] = []
    for st in stages if stages is not None else plan(ctx):
        log.info("bench: %s ...", st.name)
        try:
            rec = timed_stage(st.name, st.run, st.rows_of, sampler, profile_dir)
        except Exception as exc:
            raise RuntimeError(f"stage {st.name} failed: {exc}") from exc
        log.info("bench: %s %.2f s, peak RSS %.2f GB", st.name, rec.seconds, rec.peak_rss_gb)
        records.append(rec)
    return records
