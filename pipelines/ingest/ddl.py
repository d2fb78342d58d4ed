"""Generate the raw and staging SQL from the contracts.

The generated files are committed (``sql/schemas/20_raw.sql``, ``sql/schemas/30_staging.sql``,
``sql/staging/<source>.sql``) so that analysts can read them; a unit test checks that they still
match the contracts. Regenerate after a contract change with
``python -m pipelines.ingest.ddl``.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest.contracts import GEOMETRY, LOAD_COLUMNS, Contract, load_contracts
from pipelines.settings import PROJECTED_CRS, SQL_DIR

HEADER = (
    "-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.\n"
)
#: Readings are high-volume: staging is a view over raw, so a run never rewrites history.
VIEW_SOURCES = frozenset({"readings"})


def q(text: str) -> str:
    """SQL string literal for a description (descriptions come from the versioned config)."""
    return "'" + text.replace("'", "''") + "'"


def _describe(col_desc: str, unit: str | None) -> str:
    return f"{col_desc} [{unit}]" if unit else col_desc


def raw_ddl(contracts: dict[str, Contract]) -> str:
    """``CREATE TABLE raw.<source>`` with the contract columns typed plus load metadata."""
    parts = [
        HEADER,
        "-- raw.<source>: contract columns, typed, plus load metadata (_file, _line); checksum,\n"
        "-- run and load time of a row's file are in audit.load_manifest (status = 'loaded').\n",
    ]
    for c in contracts.values():
        cols = [f"    {col.name} {col.type}" for col in c.columns]
        cols += [f"    {name} {typ}" for name, typ, _ in LOAD_COLUMNS]
        parts.append(f"CREATE TABLE IF NOT EXISTS raw.{c.name} (\n" + ",\n".join(cols) + "\n);\n")
        parts.append(
            f"COMMENT ON TABLE raw.{c.name} IS "
            + q(
                f"Raw rows of landing source {c.name} that passed its contract: {c.description} "
                "Checksum, run and load time of each _file: audit.load_manifest (status loaded)."
            )
            + ";\n"
        )
        for col in c.columns:
            parts.append(
                f"COMMENT ON COLUMN raw.{c.name}.{col.name} IS {q(_describe(col.description, col.unit))};\n"
            )
        for name, _, desc in LOAD_COLUMNS:
            parts.append(f"COMMENT ON COLUMN raw.{c.name}.{name} IS {q(desc)};\n")
        parts.append("\n")
    return "".join(parts).rstrip() + "\n"


def staging_columns(c: Contract) -> list[tuple[str, str, str]]:
    """(name, type, description) of ``staging.<source>``: contract columns + WGS84/metric geometry."""
    cols = [(col.name, col.type, _describe(col.description, col.unit)) for col in c.columns]
    if c.geometry_column is None and c.has_lonlat:
        cols.append(("geometry", GEOMETRY, "Point from lon/lat (WGS84)."))
    if c.has_spatial:
        cols.append(
            ("geom_m", GEOMETRY, f"Geometry in {PROJECTED_CRS} (metres) for distances and buffers.")
        )
    return cols


def staging_ddl(contracts: dict[str, Contract]) -> str:
    """Staging tables (views for high-volume events) with comments."""
    parts = [
        HEADER,
        "-- staging.<source>: deduplicated, typed; geometry in WGS84 plus geom_m in metres.\n",
    ]
    for c in contracts.values():
        cols = staging_columns(c)
        if c.name in VIEW_SOURCES:
            select = ", ".join(col.name for col in c.columns)
            parts.append(
                f"CREATE VIEW IF NOT EXISTS staging.{c.name} AS SELECT {select} FROM raw.{c.name};\n"
                f"COMMENT ON VIEW staging.{c.name} IS "
                + q(
                    f"{c.description} View over raw.{c.name} (already unique by key at ingestion), "
                    "so a run's cost does not grow with history; filter by the time column."
                )
                + ";\n"
            )
        else:
            body = ",\n".join(f"    {n} {t}" for n, t, _ in cols)
            parts.append(f"CREATE TABLE IF NOT EXISTS staging.{c.name} (\n{body}\n);\n")
            parts.append(f"COMMENT ON TABLE staging.{c.name} IS {q(c.description)};\n")
        for n, _, d in cols:
            parts.append(f"COMMENT ON COLUMN staging.{c.name}.{n} IS {q(d)};\n")
        parts.append("\n")
    return "".join(parts).rstrip() + "\n"


def staging_sql(c: Contract) -> str:
    """``sql/staging/<source>.sql``: full refresh from raw (a no-op comment file for views)."""
    if c.name in VIEW_SOURCES:
        return (
            HEADER
            + f"-- staging.{c.name} is a view over raw.{c.name} (see sql/schemas/30_staging.sql):\n"
            + "-- nothing to rebuild per run, so the cost of a run is independent of history.\n"
            + f"SELECT count(*) AS rows_in_interval FROM staging.{c.name}\n"
            + f"WHERE {c.time_column} >= $interval_start AND {c.time_column} < $interval_end;\n"
        )
    names = [col.name for col in c.columns]
    exprs = list(names)
    target = list(names)
    transform = "'EPSG:4326', '" + PROJECTED_CRS + "', always_xy := true"
    if c.geometry_column is not None:
        target.append("geom_m")
        exprs.append(f"ST_Transform({c.geometry_column}, {transform})")
    elif c.has_lonlat:
        target += ["geometry", "geom_m"]
        point = "CASE WHEN lon IS NOT NULL AND lat IS NOT NULL THEN ST_Point(lon, lat) END"
        exprs += [point, f"ST_Transform({point}, {transform})"]
    key = ", ".join(c.key) if c.key else names[0]
    return (
        HEADER
        + f"-- staging.{c.name}: full refresh from raw.{c.name} ({c.kind}); first loaded row per key wins.\n"
        + f"DELETE FROM staging.{c.name};\n"
        + f"INSERT INTO staging.{c.name} ({', '.join(target)})\n"
        + "SELECT "
        + ",\n       ".join(exprs)
        + f"\nFROM raw.{c.name}\n"
        + "QUALIFY row_number() OVER (PARTITION BY "
        + key
        + " ORDER BY (SELECT max(m.loaded_at) FROM audit.load_manifest AS m\n"
        + "                  WHERE m.file = _file AND m.status = 'loaded'), _file, _line) = 1;\n"
    )


def generated_files() -> dict[Path, str]:
    """Every generated SQL file and its expected text."""
    contracts = load_contracts()
    files = {
        SQL_DIR / "schemas" / "20_raw.sql": raw_ddl(contracts),
        SQL_DIR / "schemas" / "30_staging.sql": staging_ddl(contracts),
    }
    for c in contracts.values():
        files[SQL_DIR / "staging" / f"{c.name}.sql"] = staging_sql(c)
    return files


def write_all() -> list[Path]:
    """(Re)write the generated SQL files; returns the paths written."""
    written = []
    for path, text in generated_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all():
        print(p)
