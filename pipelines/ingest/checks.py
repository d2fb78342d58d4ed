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


@dataclass
class RowChecks:
    """Row checks over typed columns ``t.<col>``: joins plus (failing condition, message) pairs.

    Shared by the text path (``_chk``) and the bulk path (:mod:`pipelines.ingest.bulk`) so that
    both produce the same reasons in the same order.
    """

    joins: list[str] = field(default_factory=list)
    checks: list[tuple[str, str]] = field(default_factory=list)

    def reason_sql(self, prefix: list[str] | None = None) -> str:
        """``_reason`` expression: every failed check's message joined by ``'; '`` (NULL = good)."""
        parts = list(prefix or []) + [f"CASE WHEN {c} THEN {m} END" for c, m in self.checks]
        return f"NULLIF(concat_ws('; ', {', '.join(parts) if parts else 'NULL'}), '')"

    def fails_sql(self) -> str:
        """True when any check fails (NULL-safe: a NULL condition does not fail)."""
        if not self.checks:
            return "false"
        return " OR ".join(f"coalesce({c}, false)" for c, _ in self.checks)


def create_lookups(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Temp lookup tables of the foreign keys (``_fk<j>``) and of the physical ranges (``_vr``).

    When the value-range lookup uses the same table and column as a foreign key (readings by
    sensor_id), one table serves both so that a row is joined once.
    """
    for j, fk in enumerate(contract.foreign_keys):
        vr = contract.value_range
        if vr is not None and _shares_lookup(fk, vr):
            continue
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _fk{j} AS "
            f"SELECT DISTINCT {fk.ref_column} AS k FROM raw.{fk.ref_source}"
        )
    vr = contract.value_range
    if vr is None:
        return
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
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _vr AS SELECT s.k, m.measure, m.lo, m.hi FROM "
        f"(SELECT {vr.join} AS k, any_value({vr.by}) AS by_value FROM raw.{vr.lookup} "
        f"GROUP BY {vr.join}) s LEFT JOIN _measures m ON m.measure = s.by_value"
    )


def _shares_lookup(fk: Any, vr: Any) -> bool:
    return fk.ref_source == vr.lookup and fk.ref_column == vr.join and fk.column == vr.join


def row_checks(
    contract: Contract, interval_end: Any, bind: Any, text: dict[str, str | None] | None = None
) -> RowChecks:
    """Checks of required, min/max, allowed, foreign keys, physical range and interval end.

    ``text`` (text path only) names the input text of each column: a required column is missing
    only when its text is missing too (a present but unparseable value is a type error).
    Needs the lookups of :func:`create_lookups`.
    """
    rc = RowChecks()
    for col in contract.columns:
        t = f"t.{col.name}"
        if col.required:
            cond = (
                f"t._t_{col.name} IS NULL AND {t} IS NULL"
                if text is not None and text.get(col.name)
                else f"{t} IS NULL"
            )
            rc.checks.append((cond, f"'missing required value: {col.name}'"))
        if col.min is not None:
            rc.checks.append(
                (
                    f"{t} < {bind(col.min)}",
                    f"'{col.name}=' || {_num(t)} || ' below minimum ' || {bind(str(col.min))}",
                )
            )
        if col.max is not None:
            rc.checks.append(
                (
                    f"{t} > {bind(col.max)}",
                    f"'{col.name}=' || {_num(t)} || ' above maximum ' || {bind(str(col.max))}",
                )
            )
        if col.allowed is not None:
            rc.checks.append(
                (
                    f"{t} IS NOT NULL AND NOT list_contains({bind(list(col.allowed))}, "
                    f"CAST({t} AS VARCHAR))",
                    f"'{col.name}=' || {_num(t)} || ' not allowed'",
                )
            )
    vr = contract.value_range
    for j, fk in enumerate(contract.foreign_keys):
        if vr is not None and _shares_lookup(fk, vr):
            alias = "vr"
        else:
            alias = f"fk{j}"
            rc.joins.append(f"LEFT JOIN _fk{j} {alias} ON {alias}.k = t.{fk.column}")
        rc.checks.append(
            (
                f"t.{fk.column} IS NOT NULL AND {alias}.k IS NULL",
                f"'unknown {fk.column} (not in {fk.ref_source}.{fk.ref_column}): ' "
                f"|| CAST(t.{fk.column} AS VARCHAR)",
            )
        )
    if vr is not None:
        rc.joins.insert(0, f"LEFT JOIN _vr vr ON vr.k = t.{vr.join}")
        value_cols = [c.name for c in contract.columns if c.name == "value"] or [
            c.name for c in contract.columns if c.type == "DOUBLE"
        ][:1]
        if value_cols:
            v = value_cols[0]
            rc.checks.append(
                (
                    f"t.{v} < vr.lo OR t.{v} > vr.hi",
                    f"'value out of physical range for {vr.by} ' || vr.measure || ' [' || vr.lo "
                    f"|| ', ' || vr.hi || ']: ' || t.{v}",
                )
            )
    if contract.time_column and interval_end is not None:
        rc.checks.append(
            (f"t.{contract.time_column} >= {bind(interval_end)}", "'timestamp after interval end'")
        )
    return rc


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
                f"CASE WHEN t._t_{col.name} IS NOT NULL AND t.{col.name} IS NULL "
                f"THEN 'wrong type: {col.name} is not {col.type.lower()} (' || t._t_{col.name} || ')' END"
            )
    for k, (pred, _) in enumerate(proj.filters):
        inner.append(f"{pred} AS _f{k}")
    prefix = [
        f"CASE WHEN t._f{k} THEN 'excluded by mapping filter: ' || {bind(desc)} END"
        for k, (_, desc) in enumerate(proj.filters)
    ]
    prefix += type_reasons
    create_lookups(con, contract)
    rc = row_checks(contract, interval_end, bind, proj.text)
    cols = ", ".join(f"t.{c.name}" for c in contract.columns)
    sql = (
        "CREATE OR REPLACE TEMP TABLE _chk AS\n"
        f"WITH t AS (SELECT {', '.join(inner)} FROM _src)\n"
        f"SELECT t._line, {cols},\n"
        f"  {rc.reason_sql(prefix)} AS _reason\n"
        f"FROM t {' '.join(rc.joins)}"
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
