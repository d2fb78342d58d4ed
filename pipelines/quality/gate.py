"""The quality gate: validate staged tables with Great Expectations, record, stop on critical.

GX's SQL datasource over duckdb_engine returns empty metrics (GX issues 10738, 11579), so every
expectation is evaluated by GX's pandas datasource on a frame DuckDB hands it:

- ``row`` expectations (not null, in set, between, column pairs) run either
  - in **batch** mode: GX on pandas batches of at most ``batch_rows`` rows of the table, the
    per-batch counts summed (small tables), or
  - in **metrics** mode: DuckDB counts, per hour of the time column, the rows breaking each
    expectation over every row in scope; GX checks that compact frame (the sum of unexpected
    counts must stay within what ``mostly`` allows). Same verdict and counts, one table scan.
- ``key`` expectations (unique key) run over the whole scope (uniqueness cannot be judged batch
  by batch): GX checks the histogram of rows per key (max must be 1). DuckDB first counts
  distinct key hashes; as many as rows proves the histogram is all ones, otherwise an exact
  GROUP BY over the key builds it.
- ``table`` expectations (row count) run on the scope's row count.
- ``derived`` expectations run on a query in ``pipelines/quality/sql/<name>.sql``.

Event tables are validated over ``[interval_start, interval_end)`` of their contract's
``time_column``; registries whole. Results go to ``audit.quality_results`` (delete-then-insert by
table and interval) and to GX Data Docs in ``<data_dir>/quality`` (the newest ``DATA_DOCS_KEEP``
per table); then, if a critical expectation failed, :class:`QualityGateFailed` is raised.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import warehouse
from pipelines.context import RunContext
from pipelines.quality import suites as S
from pipelines.quality.suites import Check

log = logging.getLogger(__name__)

DERIVED_SQL_DIR = Path(__file__).resolve().parent / "sql"
#: Validation results per table kept in Data Docs: a day of 15-minute lifeline runs.
DATA_DOCS_KEEP = 96
MODES = ("auto", "batch", "metrics")
ROWS_PER_VECTOR = 2048  # DuckDB's vector size: fetch_df_chunk counts in vectors
PANDAS_DATASOURCE = "quality_frames"
_SAMPLE = 5


class QualityGateFailed(Exception):
    """A critical expectation failed: the run's downstream tasks must not use the data."""

    def __init__(self, message: str, failures: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.failures = failures


@dataclass
class CheckResult:
    """The outcome of one suite expectation over everything it covers."""

    check: Check
    mode: str
    success: bool
    kwargs: dict[str, Any]
    element_count: int | None = None
    unexpected_count: int | None = None
    missing_count: int | None = None
    observed: Any = None
    exception: str | None = None

    @property
    def unexpected_percent(self) -> float | None:
        if self.unexpected_count is None or not self.element_count:
            return None
        denom = self.element_count
        if self.check.type != "expect_column_values_to_not_be_null":
            denom -= self.missing_count or 0
        return 100.0 * self.unexpected_count / denom if denom else None

    def message(self, table: str) -> str:
        if self.exception:
            return f"{table}: {self.check.describe()} could not be evaluated: {self.exception}"
        if self.unexpected_count is None:
            return (
                f"{table}: {self.check.describe()} failed: observed {_json(self.observed)}, "
                f"expected {_json(self.kwargs)}"
            )
        return (
            f"{table}: {self.check.describe()} failed: {self.unexpected_count} unexpected of "
            f"{self.element_count} evaluated (observed {_json(self.observed)})"
        )


@dataclass
class TableResult:
    table: str
    mode: str
    rows: int
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0


# --------------------------------------------------------------------------- GX set-up
@dataclass
class _Gx:
    """One GX file context per call, with a pandas batch definition for in-memory frames."""

    context: Any
    batch_definition: Any

    def validate(self, df: pd.DataFrame, name: str, expectations: list[Any], params: dict) -> Any:
        """Validate ``df`` against an in-memory suite of ``expectations`` (result SUMMARY)."""
        import great_expectations as gx

        suite = gx.ExpectationSuite(name=name, expectations=expectations)
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": df})
        return batch.validate(
            suite,
            expectation_parameters=params,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": _SAMPLE},
        )


def _gx_context(root: Path) -> _Gx:
    """File context in the data dir; analytics and progress bars off, logs to stderr."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_log = logging.getLogger("great_expectations")
    if gx_log.level == logging.NOTSET:  # its INFO logs dump whole configs; keep warnings
        gx_log.setLevel(logging.WARNING)
    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    datasource = context.data_sources.add_or_update_pandas(name=PANDAS_DATASOURCE)
    try:
        asset = datasource.get_asset("frame")
    except LookupError:
        asset = datasource.add_dataframe_asset(name="frame")
    try:
        batch_definition = asset.get_batch_definition("whole")
    except (KeyError, LookupError):
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    return _Gx(context=context, batch_definition=batch_definition)


def _expectation(type_: str, kwargs: dict[str, Any], meta: dict[str, Any] | None = None) -> Any:
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    return ExpectationConfiguration(type=type_, kwargs=kwargs, meta=meta or {}).to_domain_obj()


# --------------------------------------------------------------------------- public API
def validate_tables(ctx: RunContext, tables: list[str], *, mode: str = "auto") -> dict[str, Any]:
    """Validate each staged table for the run; record results; raise on a critical failure.

    ``mode``: ``auto`` (metrics mode above the suite's ``meta.validation.metrics_mode_min_rows``
    rows in scope, batch mode below), or force ``batch`` / ``metrics``.
    Returns small counts per table and timings (seconds).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    gx = _gx_context(ctx.paths.quality)
    timings["gx_context"] = time.perf_counter() - t0
    params = {"current_year": ctx.as_of_date.year}

    table_results: list[TableResult] = []
    t1 = time.perf_counter()
    with warehouse.writer(ctx.paths) as con:
        for table in tables:
            started = time.perf_counter()
            tr = _validate_table(con, gx, ctx, table, mode, params)
            tr.seconds = time.perf_counter() - started
            table_results.append(tr)
            log.info(
                "quality %s: %s rows, %s mode, %d/%d expectations passed (%.2fs)",
                table,
                tr.rows,
                tr.mode,
                sum(r.success for r in tr.results),
                len(tr.results),
                tr.seconds,
            )
        timings["validate"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        with warehouse.transaction(con):
            for tr in table_results:
                _record(con, ctx, tr)
        timings["record"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    docs = _build_data_docs(gx, ctx, table_results, params)
    timings["data_docs"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t0

    failures = [
        (tr.table, r)
        for tr in table_results
        for r in tr.results
        if not r.success and r.check.severity == "critical"
    ]
    summary = {
        "run_id": ctx.run_id,
        "tables": {
            tr.table: {
                "mode": tr.mode,
                "rows": tr.rows,
                "expectations": len(tr.results),
                "failed_critical": sum(
                    not r.success and r.check.severity == "critical" for r in tr.results
                ),
                "failed_warning": sum(
                    not r.success and r.check.severity == "warning" for r in tr.results
                ),
                "seconds": round(tr.seconds, 3),
            }
            for tr in table_results
        },
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "data_docs": str(docs) if docs else None,
    }
    if failures:
        lines = [r.message(t) for t, r in failures]
        raise QualityGateFailed(
            f"quality gate failed for run {ctx.run_id} "
            f"[{ctx.interval_start.isoformat()}, {ctx.interval_end.isoformat()}): "
            f"{len(failures)} critical expectation(s) failed: " + "; ".join(lines),
            failures=[
                {
                    "table": t,
                    "expectation": r.check.type,
                    "column": r.check.column_label,
                    "unexpected_count": r.unexpected_count,
                    "element_count": r.element_count,
                }
                for t, r in failures
            ],
        )
    return summary


# --------------------------------------------------------------------------- one table
def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str] | None:
    schema, name = table.split(".", 1)
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, name],
    ).fetchall()
    return {c: t for c, t in rows} or None


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _scope(table: str, ctx: RunContext) -> tuple[str, dict[str, Any], str | None]:
    """WHERE clause, its parameters and the time column (None for registries)."""
    contract = S.contract_of(table)
    if contract["kind"] != "events":
        return "", {}, None
    tc = contract["time_column"]
    return (
        f" WHERE {_quote(tc)} >= $interval_start AND {_quote(tc)} < $interval_end",
        {"interval_start": ctx.interval_start, "interval_end": ctx.interval_end},
        tc,
    )


def _validate_table(
    con: duckdb.DuckDBPyConnection,
    gx: _Gx,
    ctx: RunContext,
    table: str,
    mode: str,
    params: dict[str, Any],
) -> TableResult:
    suite = S.load_suite_dict(table)
    checks = S.checks_of(suite)
    settings = (suite.get("meta") or {}).get("validation", {})
    columns = _table_columns(con, table)
    if columns is None:
        results = [
            CheckResult(c, "none", False, c.kwargs, exception=f"table {table} does not exist")
            for c in checks
        ]
        return TableResult(table, "none", 0, results)

    where, scope_params, time_col = _scope(table, ctx)
    rows = con.execute(f"SELECT count(*) FROM {table}{where}", scope_params).fetchone()[0]
    chosen = mode
    if mode == "auto":
        threshold = int(settings.get("metrics_mode_min_rows", 1_000_000))
        chosen = "metrics" if rows >= threshold else "batch"
    batch_rows = int(settings.get("batch_rows", 500_000))

    results: dict[int, CheckResult] = {}
    runnable: list[Check] = []
    for c in checks:
        kwargs = S.resolve_parameters(c.kwargs, params)
        missing = [col for col in c.columns if col not in columns] if c.kind != "derived" else []
        if missing:
            results[c.index] = CheckResult(
                c, chosen, False, kwargs, exception=f"column(s) {missing} not in {table}"
            )
        else:
            runnable.append(c)

    row_checks = [c for c in runnable if c.kind == "row"]
    if row_checks:
        if rows == 0:
            for c in row_checks:
                kw = S.resolve_parameters(c.kwargs, params)
                results[c.index] = CheckResult(c, chosen, True, kw, 0, 0, 0)
        elif chosen == "batch":
            results.update(
                _row_checks_batch(
                    con, gx, table, row_checks, columns, where, scope_params, batch_rows, params
                )
            )
        else:
            results.update(
                _row_checks_metrics(
                    con, gx, table, row_checks, where, scope_params, time_col, params
                )
            )
    for c in runnable:
        kw = S.resolve_parameters(c.kwargs, params)
        if c.kind == "key":
            results[c.index] = _key_check(con, gx, table, c, kw, where, scope_params, rows, params)
        elif c.kind == "table":
            results[c.index] = _table_check(gx, c, kw, rows, params)
        elif c.kind == "derived":
            results[c.index] = _derived_check(con, gx, ctx, c, kw, params)
    return TableResult(table, chosen, rows, [results[c.index] for c in checks])


def _select_expr(col: str, dtype: str) -> str:
    """Column as pandas can hold it: geometries as WKT text (nullness and content kept)."""
    q = _quote(col)
    if dtype.upper().startswith("GEOMETRY"):
        return f"ST_AsText({q}) AS {q}"
    return q


def _gx_summary(r: Any) -> dict[str, Any]:
    result = dict(r.result or {})
    exc = r.exception_info or {}
    if isinstance(exc, dict) and exc.get("raised_exception"):
        result["exception"] = exc.get("exception_message") or "exception"
    return result


def _mostly_success(c: Check, element: int, unexpected: int, missing: int) -> bool:
    denom = element if c.type == "expect_column_values_to_not_be_null" else element - missing
    if denom <= 0 or unexpected == 0:
        return True
    return (denom - unexpected) / denom >= float(c.kwargs.get("mostly", 1.0))


def _row_checks_batch(
    con: duckdb.DuckDBPyConnection,
    gx: _Gx,
    table: str,
    checks: list[Check],
    columns: dict[str, str],
    where: str,
    scope_params: dict[str, Any],
    batch_rows: int,
    params: dict[str, Any],
) -> dict[int, CheckResult]:
    """GX on pandas batches of at most ``batch_rows`` rows; counts summed over batches."""
    needed = sorted({col for c in checks for col in c.columns})
    select = ", ".join(_select_expr(col, columns[col]) for col in needed)
    expectations = [_expectation(c.type, c.kwargs, c.meta) for c in checks]
    totals = {c.index: {"element": 0, "unexpected": 0, "missing": 0, "sample": []} for c in checks}
    errors: dict[int, str] = {}
    con.execute(f"SELECT {select} FROM {table}{where}", scope_params)
    vectors = max(1, batch_rows // ROWS_PER_VECTOR)
    while True:
        df = con.fetch_df_chunk(vectors)
        if len(df) == 0:
            break
        suite_result = gx.validate(df, f"{table}.rows", expectations, params)
        for c, r in zip(checks, suite_result.results, strict=True):
            res = _gx_summary(r)
            if "exception" in res:
                errors[c.index] = str(res["exception"])
                continue
            t = totals[c.index]
            t["element"] += int(res.get("element_count") or 0)
            t["unexpected"] += int(res.get("unexpected_count") or 0)
            t["missing"] += int(res.get("missing_count") or 0)
            room = _SAMPLE - len(t["sample"])
            if room > 0:
                t["sample"].extend(
                    _jsonable(v) for v in res.get("partial_unexpected_list", [])[:room]
                )
    out: dict[int, CheckResult] = {}
    for c in checks:
        kw = S.resolve_parameters(c.kwargs, params)
        t = totals[c.index]
        if c.index in errors:
            out[c.index] = CheckResult(c, "batch", False, kw, exception=errors[c.index])
            continue
        out[c.index] = CheckResult(
            c,
            "batch",
            _mostly_success(c, t["element"], t["unexpected"], t["missing"]),
            kw,
            t["element"],
            t["unexpected"],
            t["missing"],
            observed={"unexpected_sample": t["sample"]} if t["sample"] else None,
        )
    return out


def _unexpected_sql(c: Check, kw: dict[str, Any], i: int, binds: dict[str, Any]) -> tuple[str, str]:
    """DuckDB condition that is true for a row GX would count as unexpected, and the
    expression counting the values GX evaluates (for ``missing``)."""
    if c.type == "expect_column_values_to_not_be_null":
        col = _quote(kw["column"])
        return f"{col} IS NULL", f"count({col})"
    if c.type == "expect_column_values_to_be_in_set":
        col = _quote(kw["column"])
        binds[f"set_{i}"] = list(kw["value_set"])
        return f"{col} IS NOT NULL AND NOT list_contains($set_{i}, {col})", f"count({col})"
    if c.type == "expect_column_values_to_be_between":
        col = _quote(kw["column"])
        parts = []
        if kw.get("min_value") is not None:
            binds[f"min_{i}"] = kw["min_value"]
            op = "<=" if kw.get("strict_min") else "<"
            parts.append(f"{col} {op} $min_{i}")
        if kw.get("max_value") is not None:
            binds[f"max_{i}"] = kw["max_value"]
            op = ">=" if kw.get("strict_max") else ">"
            parts.append(f"{col} {op} $max_{i}")
        cond = " OR ".join(parts) or "false"
        return f"{col} IS NOT NULL AND ({cond})", f"count({col})"
    if c.type == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = _quote(kw["column_A"]), _quote(kw["column_B"])
        op = ">=" if kw.get("or_equal") else ">"
        ignore = kw.get("ignore_row_if", "both_values_are_missing")
        if ignore == "either_value_is_missing":
            considered = f"{a} IS NOT NULL AND {b} IS NOT NULL"
        elif ignore == "both_values_are_missing":
            considered = f"({a} IS NOT NULL OR {b} IS NOT NULL)"
        else:
            considered = "true"
        return (
            f"{considered} AND NOT coalesce({a} {op} {b}, false)",
            f"count_if({considered})",
        )
    raise ValueError(f"{c.type} has no metrics-mode translation")


def _row_checks_metrics(
    con: duckdb.DuckDBPyConnection,
    gx: _Gx,
    table: str,
    checks: list[Check],
    where: str,
    scope_params: dict[str, Any],
    time_col: str | None,
    params: dict[str, Any],
) -> dict[int, CheckResult]:
    """DuckDB counts unexpected rows per hour over every row; GX checks the metrics frame."""
    binds: dict[str, Any] = dict(scope_params)
    exprs = ["count(*) AS rows_in_group"]
    kwargs: dict[int, dict[str, Any]] = {}
    for c in checks:
        kw = S.resolve_parameters(c.kwargs, params)
        kwargs[c.index] = kw
        cond, evaluated = _unexpected_sql(c, kw, c.index, binds)
        exprs.append(f"count_if({cond}) AS unexpected_{c.index}")
        exprs.append(f"{evaluated} AS evaluated_{c.index}")
        if c.type == "expect_column_values_to_be_between":
            col = _quote(kw["column"])
            exprs.append(f"min({col}) AS min_{c.index}")
            exprs.append(f"max({col}) AS max_{c.index}")
    # Hour buckets from the epoch: date_trunc on TIMESTAMPTZ goes through ICU and costs ~10x.
    group = f"to_timestamp((epoch({_quote(time_col)})::BIGINT // 3600) * 3600)" if time_col else "0"
    sql = (
        f"SELECT {group} AS metrics_group, {', '.join(exprs)} FROM {table}{where} "
        "GROUP BY ALL ORDER BY 1"
    )
    frame = con.execute(sql, binds).fetch_df()
    total_rows = int(frame["rows_in_group"].sum())

    # GX evaluates the metrics frame: the unexpected rows summed over groups (= over every row)
    # must stay within what ``mostly`` allows for the values evaluated.
    expectations = []
    for c in checks:
        evaluated = (
            total_rows
            if c.type == "expect_column_values_to_not_be_null"
            else int(frame[f"evaluated_{c.index}"].sum())
        )
        allowed = math.floor((1.0 - float(c.kwargs.get("mostly", 1.0))) * evaluated + 1e-9)
        expectations.append(
            _expectation(
                "expect_column_sum_to_be_between",
                {"column": f"unexpected_{c.index}", "min_value": 0, "max_value": allowed},
            )
        )
    suite_result = gx.validate(frame, f"{table}.metrics", expectations, params)
    out: dict[int, CheckResult] = {}
    for c, r in zip(checks, suite_result.results, strict=True):
        res = _gx_summary(r)
        kw = kwargs[c.index]
        if "exception" in res:
            out[c.index] = CheckResult(c, "metrics", False, kw, exception=str(res["exception"]))
            continue
        unexpected = int(res["observed_value"])
        evaluated = int(frame[f"evaluated_{c.index}"].sum())
        missing = 0 if c.type == "expect_column_values_to_not_be_null" else total_rows - evaluated
        observed = None
        if c.type == "expect_column_values_to_be_between":
            observed = {
                "min": _jsonable(frame[f"min_{c.index}"].min()),
                "max": _jsonable(frame[f"max_{c.index}"].max()),
            }
        out[c.index] = CheckResult(
            c, "metrics", bool(r.success), kw, total_rows, unexpected, missing, observed
        )
    return out


def _key_check(
    con: duckdb.DuckDBPyConnection,
    gx: _Gx,
    table: str,
    c: Check,
    kw: dict[str, Any],
    where: str,
    scope_params: dict[str, Any],
    rows: int,
    params: dict[str, Any],
) -> CheckResult:
    """Uniqueness over the whole scope: histogram of rows per key; GX expects max 1."""
    cols = [_quote(x) for x in c.columns]
    keys = ", ".join(cols)
    # GX ignores rows whose key is entirely missing; so does this.
    present = " OR ".join(f"{x} IS NOT NULL" for x in cols)
    cond = f"{where} AND ({present})" if where else f" WHERE ({present})"
    # Fast exact test first: equal keys have equal hashes, so as many distinct hashes as rows
    # proves every key unique (a single 64-bit column aggregates far faster than the key).
    # Fewer distinct hashes (duplicates, or a hash collision) take the exact GROUP BY.
    n, hashes = con.execute(
        f"SELECT count(*), count(DISTINCT hash({keys})) FROM {table}{cond}", scope_params
    ).fetchone()
    if n and n == hashes:
        hist = pd.DataFrame({"rows_per_key": [1], "keys": [int(n)]})
    else:
        hist = con.execute(
            f"SELECT rows_per_key, count(*) AS keys FROM "
            f"(SELECT count(*) AS rows_per_key FROM {table}{cond} GROUP BY {keys}) "
            "GROUP BY rows_per_key ORDER BY rows_per_key",
            scope_params,
        ).fetch_df()
    if hist.empty:
        return CheckResult(c, "sql_groups", True, kw, 0, 0, 0, {"max_rows_per_key": None})
    r = gx.validate(
        hist,
        f"{table}.keys",
        [
            _expectation(
                "expect_column_max_to_be_between", {"column": "rows_per_key", "max_value": 1}
            )
        ],
        params,
    ).results[0]
    res = _gx_summary(r)
    if "exception" in res:
        return CheckResult(c, "sql_groups", False, kw, exception=str(res["exception"]))
    dup = hist[hist["rows_per_key"] > 1]
    sharing = int((dup["rows_per_key"] * dup["keys"]).sum())
    evaluated = int((hist["rows_per_key"] * hist["keys"]).sum())
    observed: dict[str, Any] = {
        "max_rows_per_key": _jsonable(res.get("observed_value")),
        "duplicate_keys": int(dup["keys"].sum()),
    }
    if sharing:
        sample = con.execute(
            f"SELECT {', '.join(f'CAST({k} AS VARCHAR)' for k in cols)}, count(*) AS n FROM {table}{cond} GROUP BY {keys} "
            f"HAVING count(*) > 1 ORDER BY n DESC, {keys} LIMIT {_SAMPLE}",
            scope_params,
        ).fetchall()
        observed["sample_keys"] = [[_jsonable(v) for v in row] for row in sample]
    return CheckResult(
        c, "sql_groups", bool(r.success), kw, rows, sharing, rows - evaluated, observed
    )


def _table_check(gx: _Gx, c: Check, kw: dict[str, Any], rows: int, params: dict) -> CheckResult:
    """Row count of the scope, checked by GX as the sum of a one-row frame."""
    expectation = _expectation(
        "expect_column_sum_to_be_between",
        {"column": "row_count", "min_value": kw.get("min_value"), "max_value": kw.get("max_value")},
    )
    r = gx.validate(pd.DataFrame({"row_count": [rows]}), "row_count", [expectation], params)
    res = _gx_summary(r.results[0])
    if "exception" in res:
        return CheckResult(c, "sql_groups", False, kw, exception=str(res["exception"]))
    ok = bool(r.results[0].success)
    return CheckResult(c, "sql_groups", ok, kw, rows, None, None, {"row_count": rows})


def _derived_check(
    con: duckdb.DuckDBPyConnection,
    gx: _Gx,
    ctx: RunContext,
    c: Check,
    kw: dict[str, Any],
    params: dict[str, Any],
) -> CheckResult:
    """The expectation as written, on the result of ``pipelines/quality/sql/<derived>.sql``."""
    path = DERIVED_SQL_DIR / f"{c.derived}.sql"
    try:
        sql = path.read_text(encoding="utf-8")
        statement = warehouse.split_statements(sql)[-1]
        binds = {k: v for k, v in ctx.params.items() if f"${k}" in statement}
        frame = con.execute(statement, binds).fetch_df()
    except (OSError, duckdb.Error) as exc:
        return CheckResult(c, "derived", False, kw, exception=f"derived query {c.derived}: {exc}")
    if frame.empty:
        return CheckResult(c, "derived", True, kw, 0, 0, 0, {"groups": 0})
    r = gx.validate(frame, f"derived.{c.derived}", [_expectation(c.type, c.kwargs, c.meta)], params)
    res = _gx_summary(r.results[0])
    if "exception" in res:
        return CheckResult(c, "derived", False, kw, exception=str(res["exception"]))
    observed = res.get("observed_value")
    if observed is None and res.get("partial_unexpected_list"):
        observed = {"unexpected_sample": [_jsonable(v) for v in res["partial_unexpected_list"]]}
    return CheckResult(
        c,
        "derived",
        bool(r.results[0].success),
        kw,
        int(res.get("element_count") or len(frame)),
        int(res.get("unexpected_count") or 0),
        int(res.get("missing_count") or 0),
        _jsonable(observed),
    )


# --------------------------------------------------------------------------- recording
def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, bool):
        return v
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        with contextlib.suppress(ValueError, AttributeError):
            v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (int, float, str)):
        return v
    if isinstance(v, datetime | pd.Timestamp):
        return v.isoformat()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _json(v: Any) -> str | None:
    return None if v is None else json.dumps(_jsonable(v), ensure_ascii=False, default=str)


def _record(con: duckdb.DuckDBPyConnection, ctx: RunContext, tr: TableResult) -> None:
    """Replace this table's results for the run interval (delete-then-insert)."""
    con.execute(
        "DELETE FROM audit.quality_results WHERE table_name = ? "
        "AND interval_start = ? AND interval_end = ?",
        [tr.table, ctx.interval_start, ctx.interval_end],
    )
    now = datetime.now(UTC)
    rows = [
        (
            ctx.run_id,
            ctx.interval_start,
            ctx.interval_end,
            ctx.as_of_date,
            tr.table,
            tr.table,
            r.check.index,
            r.check.type,
            r.check.column_label,
            _json(r.kwargs),
            r.check.severity,
            r.check.covers,
            r.mode,
            r.success,
            r.element_count,
            r.unexpected_count,
            r.unexpected_percent,
            _json(r.observed),
            r.exception,
            now,
        )
        for r in tr.results
    ]
    if rows:
        con.executemany(
            "INSERT INTO audit.quality_results (run_id, interval_start, interval_end, as_of_date, "
            "table_name, suite, expectation_index, expectation_type, column_name, kwargs, "
            "severity, covers, mode, success, element_count, unexpected_count, "
            "unexpected_percent, observed_value, exception_message, validated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


# --------------------------------------------------------------------------- Data Docs
def _build_data_docs(
    gx: _Gx, ctx: RunContext, table_results: list[TableResult], params: dict[str, Any]
) -> Path | None:
    """Store each table's aggregated result in the GX context and build Data Docs once."""
    import great_expectations as gxm
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    context = gx.context
    run_time = datetime.now(UTC)
    run_identifier = RunIdentifier(run_name=ctx.run_id, run_time=run_time)
    batch_id = f"{ctx.interval_start:%Y%m%dT%H%M%z}-{ctx.interval_end:%Y%m%dT%H%M%z}"
    built: list[Any] = []
    for tr in table_results:
        suite_dict = S.load_suite_dict(tr.table)
        suite = _suite_from_dict(suite_dict)
        existing = _get_suite(context, tr.table)
        if existing is not None:
            context.suites.delete(tr.table)
        context.suites.add(suite)
        results = []
        for r in tr.results:
            config = ExpectationConfiguration(
                type=r.check.type, kwargs=r.kwargs, meta={**r.check.meta, "mode": r.mode}
            )
            result: dict[str, Any] = {}
            if r.element_count is not None:
                result["element_count"] = r.element_count
            if r.unexpected_count is not None:
                result["unexpected_count"] = r.unexpected_count
                result["unexpected_percent"] = r.unexpected_percent or 0.0
                result["partial_unexpected_list"] = []
            if r.missing_count is not None:
                result["missing_count"] = r.missing_count
            if r.observed is not None:
                result["observed_value"] = _jsonable(r.observed)
            results.append(
                ExpectationValidationResult(
                    success=r.success,
                    expectation_config=config,
                    result=result,
                    exception_info={
                        "raised_exception": r.exception is not None,
                        "exception_message": r.exception,
                        "exception_traceback": None,
                    },
                )
            )
        evaluated = len(results)
        successful = sum(r.success for r in tr.results)
        suite_result = ExpectationSuiteValidationResult(
            success=all(r.success or r.check.severity != "critical" for r in tr.results),
            results=results,
            suite_name=tr.table,
            suite_parameters=params,
            statistics={
                "evaluated_expectations": evaluated,
                "successful_expectations": successful,
                "unsuccessful_expectations": evaluated - successful,
                "success_percent": 100.0 * successful / evaluated if evaluated else None,
            },
            meta={
                "great_expectations_version": gxm.__version__,
                "run_id": run_identifier,
                "validation_time": run_time,
                "active_batch_definition": {
                    "datasource_name": "warehouse",
                    "data_connector_name": tr.mode,
                    "data_asset_name": tr.table,
                    "batch_identifiers": {"interval": batch_id, "rows": tr.rows},
                },
                "batch_spec": {"mode": tr.mode, "rows": tr.rows},
            },
            batch_id=batch_id,
        )
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=tr.table),
            run_id=run_identifier,
            batch_identifier=batch_id,
        )
        context.validation_results_store.set(key, suite_result)
        built += [key, ExpectationSuiteIdentifier(name=tr.table)]
    _prune_data_docs(context, DATA_DOCS_KEEP)
    # render only this run's pages (the index is rebuilt from the store, now bounded)
    sites = context.build_data_docs(resource_identifiers=built)
    url = next(iter(sites.values()), None) if sites else None
    if url and url.startswith("file://"):
        return Path(url[len("file://") :])
    return Path(url) if url else None


def _prune_data_docs(context: Any, keep: int) -> None:
    """Keep the newest ``keep`` validation results per suite in the GX store and site.

    Data Docs are the recent view (``audit.quality_results`` keeps every run); without a bound,
    every 15-minute run would re-list and re-render a store that only grows.
    """
    store = context.validation_results_store
    by_suite: dict[str, list[Any]] = {}
    for key in store.list_keys():
        by_suite.setdefault(key.expectation_suite_identifier.name, []).append(key)
    removed = 0
    for keys in by_suite.values():
        keys.sort(key=lambda k: (str(k.run_id.run_time), str(k.run_id.run_name)))
        for old in keys[: max(0, len(keys) - keep)]:
            store.remove_key(old)
            removed += 1
    if not removed:
        return
    # the site mirrors the store's layout: drop pages whose result is gone
    results = Path(context.root_directory) / "uncommitted" / "validations"
    pages = (
        Path(context.root_directory) / "uncommitted" / "data_docs" / "local_site" / "validations"
    )
    kept = {p.relative_to(results).with_suffix("") for p in results.rglob("*.json")}
    for page in pages.rglob("*.html"):
        if page.relative_to(pages).with_suffix("") not in kept:
            page.unlink()
    log.info("data docs: %d old validation result(s) pruned (keeping %d per table)", removed, keep)


def _suite_from_dict(d: dict[str, Any]) -> Any:
    """Load a suite JSON through GX's own schema (validates the format)."""
    import great_expectations as gxm
    from great_expectations.core.expectation_suite import ExpectationSuiteSchema

    loaded = ExpectationSuiteSchema().load(d)
    return gxm.ExpectationSuite(
        name=loaded["name"],
        expectations=loaded.get("expectations", []),
        meta=loaded.get("meta"),
        notes=loaded.get("notes"),
    )


def _get_suite(context: Any, name: str) -> Any:
    from great_expectations.exceptions import DataContextError

    try:
        return context.suites.get(name)
    except DataContextError:
        return None
