"""Contract checks as one SQL pass: ``_src`` (text columns) -> ``_chk`` (typed columns + reason).

Every check is a SQL predicate that contributes a phrase to ``_reason``; a row with no reason is
good. Types, required, min/max, allowed values, foreign keys, readings' physical range by
measure and "timestamp after interval end" are checked here in one pass; duplicates are marked
afterwards among the rows that passed (first occurrence by line wins). Config values are bound
as parameters; only contract column names (versioned config) appear in the SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.ingest.contracts import GEOMETRY, Contract, load_measures
from pipelines.ingest.mapping import FileMap, RowFilter
from pipelines.ingest.readers import FileRejected

#: Temp macros for GCJ-02 -> WGS84 (Krasovsky ellipsoid offsets; one refinement step, < 0.5 m).
GCJ_MACROS = """
CREATE OR REPLACE TEMP MACRO _gcj_tlat(x, y) AS
  -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
  + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
  + (20.0 * sin(y * pi()) + 40.0 * sin(y / 3.0 * pi())) * 2.0 / 3.0
  + (160.0 * sin(y / 12.0 * pi()) + 320.0 * sin(y * pi() / 30.0)) * 2.0 / 3.0;
CREATE OR REPLACE TEMP MACRO _gcj_tlon(x, y) AS
  300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
  + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
  + (20.0 * sin(x * pi()) + 40.0 * sin(x / 3.0 * pi())) * 2.0 / 3.0
  + (150.0 * sin(x / 12.0 * pi()) + 300.0 * sin(x / 30.0 * pi())) * 2.0 / 3.0;
CREATE OR REPLACE TEMP MACRO _gcj_dlat(lon, lat) AS
  (_gcj_tlat(lon - 105.0, lat - 35.0) * 180.0)
  / ((6378245.0 * (1 - 0.00669342162296594323))
     / ((1 - 0.00669342162296594323 * sin(radians(lat)) ^ 2)
        * sqrt(1 - 0.00669342162296594323 * sin(radians(lat)) ^ 2)) * pi());
CREATE OR REPLACE TEMP MACRO _gcj_dlon(lon, lat) AS
  (_gcj_tlon(lon - 105.0, lat - 35.0) * 180.0)
  / (6378245.0 / sqrt(1 - 0.00669342162296594323 * sin(radians(lat)) ^ 2)
     * cos(radians(lat)) * pi());
CREATE OR REPLACE TEMP MACRO _gcj_wgs_lon(lon, lat) AS
  lon - _gcj_dlon(lon - _gcj_dlon(lon, lat), lat - _gcj_dlat(lon, lat));
CREATE OR REPLACE TEMP MACRO _gcj_wgs_lat(lon, lat) AS
  lat - _gcj_dlat(lon - _gcj_dlon(lon, lat), lat - _gcj_dlat(lon, lat))
"""


@dataclass
class Projection:
    """Per contract column: the input text expression and the typed expression."""

    text: dict[str, str | None] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    filters: list[tuple[str, str]] = field(default_factory=list)  # (predicate failing, description)
    notes: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"


def cast_expr(text: str, typ: str) -> str:
    """Typed value of a text expression; NULL when it does not parse."""
    if typ == GEOMETRY:
        return (
            f"CASE WHEN ltrim({text}) LIKE '{{%' THEN TRY(ST_GeomFromGeoJSON({text})) "
            f"ELSE TRY(ST_GeomFromText({text})) END"
        )
    if typ == "VARCHAR":
        return text
    return f"TRY_CAST({text} AS {typ})"


def _file_index(columns: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(columns):
        index.setdefault(name, i)
    for i, name in enumerate(columns):
        index.setdefault(name.lower(), i)
    return index


def _lookup(index: dict[str, int], name: str) -> int | None:
    return index.get(name, index.get(name.lower()))


def build_projection(
    contract: Contract, file_columns: list[str], fmap: FileMap | None
) -> Projection:
    """Resolve every contract column against the file (and mapping); reject missing required ones."""
    proj = Projection()
    index = _file_index(file_columns)
    used: set[int] = set()
    missing_required: list[str] = []
    missing_mapped: list[str] = []
    absent: list[str] = []
    for col in contract.columns:
        spec = fmap.columns.get(col.name) if fmap else None
        if spec is None:
            i = _lookup(index, col.name)
            if i is None:
                if col.required:
                    missing_required.append(col.name)
                else:
                    absent.append(col.name)
                proj.text[col.name] = None
                proj.typed[col.name] = f"CAST(NULL AS {col.type})"
                continue
            used.add(i)
            proj.text[col.name] = f"c{i}"
            proj.typed[col.name] = cast_expr(f"c{i}", col.type)
            continue
        if spec.source is not None:
            i = _lookup(index, spec.source)
            if i is None:
                missing_mapped.append(f"{spec.source} (for {col.name})")
                continue
            used.add(i)
            text = f"c{i}"
        else:
            text = f"CAST({proj.bind(str(spec.const))} AS VARCHAR)"
        src_text = text
        if spec.value_map:
            keys = proj.bind(list(spec.value_map))
            vals = proj.bind(list(spec.value_map.values()))
            fallback = proj.bind(spec.default) if spec.default is not None else text
            text = (
                f"CASE WHEN {text} IS NULL THEN NULL WHEN list_contains({keys}, {text}) "
                f"THEN {vals}[list_position({keys}, {text})] ELSE {fallback} END"
            )
        if spec.prefix:
            text = f"({proj.bind(spec.prefix)} || {text})"
        if spec.date_format:
            ts = f"try_strptime({text}, {proj.bind(spec.date_format)})"
            if spec.part:
                typed = f"TRY_CAST(date_part('{spec.part}', {ts}) AS {col.type})"
            else:
                typed = f"TRY_CAST({ts} AS {col.type})"
        elif spec.factor is not None:
            typed = f"TRY_CAST(TRY_CAST({text} AS DOUBLE) * {proj.bind(spec.factor)} AS {col.type})"
        else:
            typed = cast_expr(text, col.type)
        proj.text[col.name] = src_text
        proj.typed[col.name] = typed
    if absent:
        proj.notes.append("optional columns absent (NULL): " + ", ".join(absent))
    if missing_mapped:
        raise FileRejected("missing column(s) named by the mapping: " + ", ".join(missing_mapped))
    if missing_required:
        raise FileRejected("missing required column(s): " + ", ".join(missing_required))
    if fmap and fmap.gcj02_to_wgs84 and contract.has_lonlat:
        lon, lat = proj.typed["lon"], proj.typed["lat"]
        proj.typed["lon"] = f"_gcj_wgs_lon({lon}, {lat})"
        proj.typed["lat"] = f"_gcj_wgs_lat({lon}, {lat})"
    for flt in fmap.filters if fmap else ():
        proj.filters.append((_filter_fails(proj, index, flt), flt.describe()))
        i = _lookup(index, flt.column)
        if i is not None:
            used.add(i)
    extra = [name for i, name in enumerate(file_columns) if i not in used]
    if extra:
        proj.notes.append("extra columns ignored: " + ", ".join(extra))
    return proj


def _filter_fails(proj: Projection, index: dict[str, int], flt: RowFilter) -> str:
    i = _lookup(index, flt.column)
    if i is None:
        raise FileRejected(f"filter column {flt.column} not in file")
    col = f"c{i}"
    if flt.op == "not_null":
        return f"({col} IS NULL)"
    values = proj.bind(list(flt.values))
    contains = f"coalesce(list_contains({values}, {col}), false)"
    return f"(NOT {contains})" if flt.op == "in" else f"({contains})"


def _num(col: str) -> str:
    return f"CAST({col} AS VARCHAR)"


def create_check_table(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    proj: Projection,
    interval_end: Any,
) -> None:
    """Materialise ``_chk``: ``_line``, typed contract columns and ``_reason`` (NULL = good)."""
    if any("_gcj_" in e for e in proj.typed.values()):
        for stmt in GCJ_MACROS.strip().split(";\n"):
            con.execute(stmt)
    params = dict(proj.params)

    def bind(value: Any) -> str:
        name = f"q{len(params)}"
        params[name] = value
        return f"${name}"

    inner = ["_line"]
    type_reasons = []
    for col in contract.columns:
        inner.append(f"{proj.typed[col.name]} AS {col.name}")
        text = proj.text[col.name]
        if text is not None:
            inner.append(f"{text} AS _t_{col.name}")
            type_reasons.append(
                f"CASE WHEN _t_{col.name} IS NOT NULL AND {col.name} IS NULL "
                f"THEN 'wrong type: {col.name} is not {col.type.lower()} (' || _t_{col.name} || ')' END"
            )
    for k, (pred, _) in enumerate(proj.filters):
        inner.append(f"{pred} AS _f{k}")
    reasons = [
        f"CASE WHEN _f{k} THEN 'excluded by mapping filter: ' || {bind(desc)} END"
        for k, (_, desc) in enumerate(proj.filters)
    ]
    reasons += type_reasons
    joins = []
    for col in contract.columns:
        text = proj.text[col.name]
        if col.required:
            cond = (
                f"_t_{col.name} IS NULL AND {col.name} IS NULL" if text else f"{col.name} IS NULL"
            )
            reasons.append(f"CASE WHEN {cond} THEN 'missing required value: {col.name}' END")
        if col.min is not None:
            reasons.append(
                f"CASE WHEN {col.name} < {bind(col.min)} THEN '{col.name}=' || {_num(col.name)} "
                f"|| ' below minimum ' || {bind(str(col.min))} END"
            )
        if col.max is not None:
            reasons.append(
                f"CASE WHEN {col.name} > {bind(col.max)} THEN '{col.name}=' || {_num(col.name)} "
                f"|| ' above maximum ' || {bind(str(col.max))} END"
            )
        if col.allowed is not None:
            reasons.append(
                f"CASE WHEN {col.name} IS NOT NULL AND NOT list_contains({bind(list(col.allowed))}, "
                f"CAST({col.name} AS VARCHAR)) THEN '{col.name}=' || {_num(col.name)} || ' not allowed' END"
            )
    for j, fk in enumerate(contract.foreign_keys):
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT {fk.ref_column} AS k FROM raw.{fk.ref_source}) fk{j} "
            f"ON fk{j}.k = t.{fk.column}"
        )
        reasons.append(
            f"CASE WHEN t.{fk.column} IS NOT NULL AND fk{j}.k IS NULL THEN 'unknown {fk.column} "
            f"(not in {fk.ref_source}.{fk.ref_column}): ' || CAST(t.{fk.column} AS VARCHAR) END"
        )
    vr = contract.value_range
    if vr is not None:
        measures = load_measures()
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _measures AS SELECT unnest($m) AS measure, "
            "unnest($lo) AS lo, unnest($hi) AS hi",
            {
                "m": list(measures),
                "lo": [float(v["min"]) for v in measures.values()],
                "hi": [float(v["max"]) for v in measures.values()],
            },
        )
        joins.append(
            f"LEFT JOIN (SELECT {vr.join} AS k, any_value({vr.by}) AS by_value FROM raw.{vr.lookup} "
            f"GROUP BY {vr.join}) vr ON vr.k = t.{vr.join} "
            "LEFT JOIN _measures m ON m.measure = vr.by_value"
        )
        value_cols = [c.name for c in contract.columns if c.name == "value"] or [
            c.name for c in contract.columns if c.type == "DOUBLE"
        ][:1]
        if value_cols:
            v = value_cols[0]
            reasons.append(
                f"CASE WHEN t.{v} < m.lo OR t.{v} > m.hi THEN 'value out of physical range for "
                f"{vr.by} ' || m.measure || ' [' || m.lo || ', ' || m.hi || ']: ' || t.{v} END"
            )
    if contract.time_column and interval_end is not None:
        reasons.append(
            f"CASE WHEN t.{contract.time_column} >= {bind(interval_end)} "
            "THEN 'timestamp after interval end' END"
        )
    cols = ", ".join(f"t.{c.name}" for c in contract.columns)
    sql = (
        "CREATE OR REPLACE TEMP TABLE _chk AS\n"
        f"WITH t AS (SELECT {', '.join(inner)} FROM _src)\n"
        f"SELECT t._line, {cols},\n"
        f"  NULLIF(concat_ws('; ', {', '.join(reasons) if reasons else 'NULL'}), '') AS _reason\n"
        f"FROM t {' '.join(joins)}"
    )
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    con.execute(sql, used)


def _row_hash(contract: Contract, alias: str) -> str:
    parts = [
        f"ST_AsWKB({alias}.{c})" if c == contract.geometry_column else f"{alias}.{c}"
        for c in contract.column_names
    ]
    return "hash(" + ", ".join(parts) + ")"


def mark_duplicates(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    raw_files: list[str] | None,
) -> None:
    """Collect repeated keys among good rows into ``_dup`` (line, reason): first occurrence wins.

    Within the file the earliest line wins; a key already in ``raw.<source>`` from one of
    ``raw_files`` (files whose key and time ranges overlap) wins over the whole file. A repeat
    whose every contract column equals the winner is a 'duplicate row', else a 'duplicate key'.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _dup (_line BIGINT, reason VARCHAR)")
    if not contract.key:
        return
    key = ", ".join(contract.key)
    on_dk = " AND ".join(f"dk.{k} = c.{k}" for k in contract.key)
    con.execute(
        f"""
        INSERT INTO _dup SELECT _line, reason FROM (
            SELECT _line, CASE WHEN first_value(h) OVER w = h THEN 'duplicate row' ELSE 'duplicate key' END
                   || ' (first at line ' || first_value(_line) OVER w || ')' AS reason,
                   row_number() OVER w AS rn
            FROM (SELECT c._line, {", ".join(f"c.{k}" for k in contract.key)}, {_row_hash(contract, "c")} AS h
                  FROM _chk c JOIN (SELECT {key} FROM _chk WHERE _reason IS NULL
                                    GROUP BY {key} HAVING count(*) > 1) dk ON {on_dk}
                  WHERE c._reason IS NULL)
            WINDOW w AS (PARTITION BY {key} ORDER BY _line)
        ) d WHERE d.rn > 1
        """
    )
    if raw_files:
        on = " AND ".join(f"r.{k} = c.{k}" for k in contract.key)
        con.execute(
            f"""
            INSERT INTO _dup
                SELECT c._line,
                       CASE WHEN {_row_hash(contract, "c")} = {_row_hash(contract, "r")}
                            THEN 'duplicate row' ELSE 'duplicate key' END
                       || ' (already loaded from ' || r._file || ' line ' || r._line || ')' AS reason
                FROM _chk c
                JOIN (SELECT * FROM raw.{contract.name} WHERE list_contains($files, _file)) r ON {on}
                WHERE c._reason IS NULL AND c._line NOT IN (SELECT _line FROM _dup)
            """,
            {"files": raw_files},
        )
