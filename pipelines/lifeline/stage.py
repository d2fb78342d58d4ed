"""The lifeline stage: alarm episodes, sensor faults and health, night flow, compound risk.

A run processes time *segments*. Each segment reads its readings (plus a short look-back for
the drop reference) and the state saved at its start (per sensor: last reading, current run of
identical values; per channel: the last few severities and the open episode), and saves the
state at its end. So a run's cost depends on its interval, never on the length of history.

Late data: when an earlier interval is re-opened (``recompute_from``, or a ``dirty`` readings
interval in ``audit.interval_status``), processing restarts from the last state snapshot at or
before it and runs forward through every later processed boundary. Because each segment only
depends on its readings and the state at its start, the result equals what on-time data gives.
"""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.lifeline.rules import Rules, load_rules, register_rule_tables
from pipelines.settings import LOCAL_TZ, load_config

log = logging.getLogger(__name__)

#: Readings per chunk of sensors processed at once (bounds memory at city scale).
DEFAULT_CHUNK_ROWS = 6_000_000
DEFAULT_INTERVAL_S = 300
#: Width of the pre-filter buckets. Sound as long as the drop reference window and gap are
#: multiples of it and every stuck_hours spans at least two buckets (checked in rules.py).
BUCKET_MIN = 30


def _dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=LOCAL_TZ)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


def _segment_ends(con: duckdb.DuckDBPyConnection) -> list[datetime]:
    rows = con.execute(
        "SELECT DISTINCT epoch(seg_end) FROM audit.lifeline_segments ORDER BY 1"
    ).fetchall()
    return [_dt(r[0]) for r in rows]  # type: ignore[misc]


def _dirty_start(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """Earliest readings interval that ingestion marked dirty (late rows arrived)."""
    return _dt(
        _scalar(
            con,
            "SELECT epoch(min(interval_start)) FROM audit.interval_status "
            "WHERE source = 'readings' AND status = 'dirty'",
        )
    )


def plan_segments(
    seg_ends: list[datetime], start: datetime, end: datetime
) -> tuple[datetime | None, list[tuple[datetime, datetime]]]:
    """Segments to process so that [start, end) is covered and every later boundary is redone.

    Returns the state anchor (the last processed boundary at or before ``start``, None when
    there is none) and the ordered list of ``(seg_start, seg_end)``.
    """
    before = [b for b in seg_ends if b <= start]
    anchor = before[-1] if before else None
    first = anchor or start
    points = sorted({first, end, *(b for b in seg_ends if b > first)})
    points = [p for p in points if p >= first]
    return anchor, list(zip(points[:-1], points[1:], strict=True))


def _local_days(a: datetime, b: datetime) -> list[date]:
    """Local calendar dates that [a, b) touches."""
    d, last = (
        a.astimezone(LOCAL_TZ).date(),
        (b - timedelta(microseconds=1)).astimezone(LOCAL_TZ).date(),
    )
    out = []
    while d <= last:
        out.append(d)
        d += timedelta(days=1)
    return out


def prediction_factors(alpha: float, max_n: int) -> list[float | None]:
    """``f[n]`` = t(1 - alpha, n - 1) * sqrt(1 + 1/n): one-sided prediction bound factor for a
    new observation given n earlier ones (index n; None where n < 2)."""
    from scipy.stats import t as student_t

    return [None, None] + [
        float(student_t.ppf(1.0 - alpha, n - 1) * math.sqrt(1.0 + 1.0 / n))
        for n in range(2, max_n + 1)
    ]


def _local(d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=LOCAL_TZ)


class _Runner:
    """One run of the stage on one open writer connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        ctx: RunContext,
        rules: Rules,
        night: dict[str, Any],
        chunk_rows: int,
    ) -> None:
        self.con, self.ctx, self.rules, self.night, self.chunk_rows = (
            con,
            ctx,
            rules,
            night,
            chunk_rows,
        )
        self.counts: dict[str, Any] = {
            "segments": 0,
            "readings": 0,
            "candidate_sensors": 0,
            "voided_episodes": 0,
            "episodes_written": 0,
            "faults_written": 0,
            "health_rows": 0,
            "nights_judged": 0,
            "leak_nights": 0,
        }

    def sql(self, relpath: str, **params: Any) -> None:
        warehouse.run_sql_file(self.con, f"marts/lifeline/{relpath}", params)

    def setup(self) -> int:
        register_rule_tables(self.con, self.rules)
        self.sql("10_setup.sql", default_interval_s=DEFAULT_INTERVAL_S)
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE ll_nstats (night_date DATE, dma_id VARCHAR, "
            "inlet_sensors BIGINT, completeness DOUBLE, data_ok BOOLEAN, night_mean DOUBLE, "
            "mnf DOUBLE)"
        )
        return int(_scalar(self.con, "SELECT count(*) FROM ll_sensor"))

    # ------------------------------------------------------------------ one segment
    def segment(self, a: datetime, b: datetime, state_at: datetime | None) -> None:
        r = self.rules
        base = {"seg_start": a, "seg_end": b, "state_at": state_at, "run_id": self.ctx.run_id}
        seg_readings = 0
        self.sql("15_state_in.sql", state_at=state_at)
        est = _scalar(
            self.con,
            "SELECT coalesce(sum(? / interval_s), 0) FROM ll_sensor",
            [(b - a).total_seconds()],
        )
        n_sensors = int(_scalar(self.con, "SELECT count(*) FROM ll_sensor"))
        n_chunks = max(1, math.ceil(float(est) / self.chunk_rows))
        size = max(1, math.ceil(n_sensors / n_chunks))
        for lo in range(1, n_sensors + 1, size):
            hi = min(lo + size - 1, n_sensors)
            id_lo, id_hi = self.con.execute(
                "SELECT min(sensor_id), max(sensor_id) FROM ll_sensor WHERE sid BETWEEN ? AND ?",
                [lo, hi],
            ).fetchone()
            chunk = {**base, "sid_lo": lo, "sid_hi": hi, "id_lo": id_lo, "id_hi": id_hi}
            self.sql(
                "20_features.sql",
                **chunk,
                lookback_start=a - timedelta(minutes=r.ref_window_min),
                ref_window_min=r.ref_window_min,
                ref_gap_min=r.ref_gap_min,
                bucket_s=BUCKET_MIN * 60,
                ref_lo=r.ref_window_min // BUCKET_MIN,
                ref_hi=r.ref_gap_min // BUCKET_MIN,
                offline_minutes=r.offline_minutes,
                offline_min_missed=r.offline_min_missed,
            )
            self.counts["candidate_sensors"] += int(
                _scalar(self.con, "SELECT count(*) FROM ll_cand")
            )
            seg_readings += int(_scalar(self.con, "SELECT count(*) FROM ll_r"))
            self.sql(
                "30_episodes.sql",
                **chunk,
                n_lag=r.open_n - 1,
                n3_lag=r.iii_n - 1,
                m_lag=r.close_m - 1,
                gap_factor=r.gap_factor,
                tail_len=r.tail_len,
            )
            self.sql(
                "40_faults.sql",
                **chunk,
                offline_minutes=r.offline_minutes,
                offline_min_missed=r.offline_min_missed,
            )
            self.sql("45_void.sql", sid_lo=lo, sid_hi=hi)
            self.counts["voided_episodes"] += int(_scalar(self.con, "SELECT count(*) FROM ll_void"))
        self.sql("50_write.sql", **base, ref_window_min=r.ref_window_min, ref_gap_min=r.ref_gap_min)
        self.counts["episodes_written"] += int(_scalar(self.con, "SELECT count(*) FROM ll_out_ep"))
        self.counts["faults_written"] += int(
            _scalar(self.con, "SELECT count(*) FROM ll_out_faults")
        )
        comp = r.compound
        self.sql(
            "60_compound.sql",
            seg_end=b,
            distance_m=float(comp["distance_m"]),
            window_min=int(comp["time_window_minutes"]),
            trigger_types=list(comp["trigger_detection_types"]),
            building_uses=list(comp["building_uses"]),
        )
        for day in _local_days(a, b):
            d0 = _local(day, time(0))
            d1 = _local(day + timedelta(days=1), time(0))
            self.sql(
                "70_health.sql",
                day=day,
                day_start=d0,
                upto=min(d1, b),
                state_end=b,
                run_id=self.ctx.run_id,
            )
            self.counts["health_rows"] += int(
                _scalar(
                    self.con, "SELECT count(*) FROM marts.sensor_health WHERE as_of_date = ?", [day]
                )
            )
        self.night_flow(a, b)
        self.con.execute(
            "INSERT INTO audit.lifeline_segments VALUES (?, ?, ?, ?, now())",
            [a, b, self.ctx.run_id, seg_readings],
        )
        self.counts["segments"] += 1
        self.counts["readings"] += seg_readings

    # ------------------------------------------------------------------ night flow
    def _window(self, day: date) -> tuple[datetime, datetime]:
        w = self.night["window"]
        return (
            _local(day, time.fromisoformat(w["start_local"])),
            _local(day, time.fromisoformat(w["end_local"])),
        )

    def _stats(self, day: date) -> None:
        ws, we = self._window(day)
        self.con.execute("DELETE FROM ll_nstats WHERE night_date = ?", [day])
        self.sql(
            "80_night_stats.sql",
            night=day,
            ws=ws,
            we=we,
            smooth_min=int(self.night["window"]["mnf_smoothing_minutes"]),
            min_completeness=float(self.night["detection"]["min_completeness"]),
        )

    def night_flow(self, a: datetime, b: datetime) -> None:
        """Judge every night whose window ends inside (a, b], in date order."""
        nb = int(self.night["baseline"]["nights"])
        det, ili = self.night["detection"], self.night["ili"]
        if not hasattr(self, "t_factors"):
            self.t_factors = prediction_factors(float(det["alpha"]), nb)
        for day in _local_days(a - timedelta(days=1), b + timedelta(days=1)):
            ws, we = self._window(day)
            if not (a < we <= b):
                continue
            known = {
                r[0]
                for r in self.con.execute(
                    "SELECT DISTINCT night_date FROM marts.dma_night_flow "
                    "WHERE night_date >= ? AND night_date < ? "
                    "UNION SELECT DISTINCT night_date FROM ll_nstats "
                    "WHERE night_date >= ? AND night_date < ?",
                    [day - timedelta(days=nb), day] * 2,
                ).fetchall()
            }
            for k in range(nb, 0, -1):
                back = day - timedelta(days=k)
                if back not in known:
                    self._stats(back)  # a night before the pipeline ran: read its window only
            self._stats(day)
            self.sql(
                "85_night_flow.sql",
                night=day,
                ws=ws,
                we=we,
                baseline_nights=nb,
                min_nights=int(self.night["baseline"]["min_nights"]),
                t_factors=self.t_factors,
                min_rel=float(det["min_relative_excess"]),
                min_abs=float(det["min_excess_m3h"]),
                min_completeness=float(det["min_completeness"]),
                night_use_l=float(ili["legitimate_night_use_l_per_conn_h"]),
                ndf_h=float(ili["night_day_factor_h"]),
                uarl_min_conn=int(ili["uarl_min_connections"]),
                run_id=self.ctx.run_id,
            )
            self.counts["nights_judged"] += 1
            self.counts["leak_nights"] += int(
                _scalar(
                    self.con,
                    "SELECT count(*) FROM marts.dma_night_flow WHERE night_date = ? AND leak_flag",
                    [day],
                )
            )


def run_lifeline(
    ctx: RunContext,
    recompute_from: datetime | None = None,
    *,
    rules: Rules | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> dict[str, Any]:
    """Detect alarm episodes, sensor faults, sensor health and night-flow leaks for the interval.

    ``recompute_from`` (tz-aware) re-opens an earlier time: everything from the state snapshot
    at or before it is recomputed up to the latest processed boundary. Dirty readings intervals
    recorded by ingestion are picked up the same way. Returns small counts for XCom.
    """
    rules = rules or load_rules()
    night = load_config("lifeline_night_flow")
    with warehouse.writer(ctx.paths) as con, warehouse.transaction(con):
        runner = _Runner(con, ctx, rules, night, chunk_rows)
        sensors = runner.setup()
        start = ctx.interval_start
        if recompute_from is not None:
            start = min(start, recompute_from)
        dirty = _dirty_start(con)
        if dirty is not None:
            start = min(start, dirty)
        anchor, segments = plan_segments(_segment_ends(con), start, ctx.interval_end)
        first = segments[0][0] if segments else start
        con.execute("DELETE FROM audit.lifeline_segments WHERE seg_end > ?", [first])
        state_at = anchor
        for a, b in segments:
            runner.segment(a, b, state_at)
            state_at = b
        if segments:
            con.execute(
                "UPDATE audit.interval_status SET status = 'reprocessed', run_id = ?, "
                "updated_at = now() WHERE source = 'readings' AND status = 'dirty' "
                "AND interval_start >= ? AND interval_end <= ?",
                [ctx.run_id, first, segments[-1][1]],
            )
        keep_days = int(load_config("alarm_rules").get("state_retention_days", 35))
        cutoff = ctx.interval_end - timedelta(days=keep_days)
        for table in ("audit.lifeline_sensor_state", "audit.lifeline_channel_state"):
            con.execute(f"DELETE FROM {table} WHERE state_at < ?", [cutoff])
        counts = runner.counts
        counts.update(
            {
                "sensors": sensors,
                "recomputed_from": first.isoformat(),
                "open_episodes": int(
                    _scalar(con, "SELECT count(*) FROM marts.lifeline_alarms WHERE status = 'open'")
                ),
            }
        )
    log.info("lifeline: %s", counts)
    return counts
