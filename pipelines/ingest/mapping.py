"""Mappings: onboard a city's own export by configuration alone (``config/mappings/<name>.yaml``).

A mapping says, per target contract column, where the value comes from and how it is converted:

```yaml
name: kitchener
warehouse: kitchener/warehouse.duckdb        # relative to the data dir; never the sample city's
files:
  - path: reference_data/kitchener/Water_Mains.csv   # relative to the project root (or absolute)
    target: pipe_segments                            # contract source
    format: csv                                      # csv | parquet | jsonl | geojson (default by suffix)
    encoding: utf-8-sig                              # utf-8 | utf-8-sig | gbk (default: detect)
    delimiter: ","
    gcj02_to_wgs84: false                            # convert lon/lat columns from GCJ-02
    filters:                                         # rows failing a filter are quarantined, not lost
      - {column: STATUS, not_in: [CANCELLED]}
    columns:
      segment_id: {from: WATMAINID, prefix: "KIT-"}
      network: {const: water}
      diameter_mm: {from: PIPE_SIZE, unit_from: m, unit_to: mm}
      install_year: {from: INSTALLATION_DATE, date_format: "%Y/%m/%d %H:%M:%S%z", part: year}
      status: {from: STATUS, map: {ACTIVE: active}, default: abandoned}
```

A contract column that the mapping does not name is taken from a file column of the same name
when there is one, else left NULL. All values are bound as SQL parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.settings import CONFIG_DIR, PROJECT_ROOT, load_config

#: Multiplicative unit conversions (from, to) -> factor.
UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("mm", "m"): 0.001,
    ("m", "mm"): 1000.0,
    ("cm", "mm"): 10.0,
    ("mm", "cm"): 0.1,
    ("in", "mm"): 25.4,
    ("mm", "in"): 1 / 25.4,
    ("ft", "m"): 0.3048,
    ("m", "ft"): 1 / 0.3048,
    ("km", "m"): 1000.0,
    ("m", "km"): 0.001,
    ("mpa", "kpa"): 1000.0,
    ("kpa", "mpa"): 0.001,
    ("bar", "kpa"): 100.0,
    ("kpa", "bar"): 0.01,
    ("mpa", "m"): 101.97162129779283,  # metres of water head per MPa
    ("m", "mpa"): 1 / 101.97162129779283,
}
DATE_PARTS = ("year", "month", "day")


class MappingError(ValueError):
    """A mapping file that cannot be applied (names the mapping and the problem)."""


@dataclass(frozen=True)
class ColumnMap:
    """How one target column is produced."""

    target: str
    source: str | None = None
    const: Any = None
    prefix: str | None = None
    value_map: dict[str, str] | None = None
    default: str | None = None
    factor: float | None = None
    date_format: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class RowFilter:
    column: str
    op: str  # in | not_in | not_null
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.op == "not_null":
            return f"{self.column} is empty"
        verb = "not in" if self.op == "in" else "in"
        return f"{self.column} {verb} [{', '.join(self.values)}]"


@dataclass(frozen=True)
class FileMap:
    """One export file of a mapping and how it becomes a contract source."""

    path: str
    target: str
    format: str | None = None
    encoding: str | None = None
    delimiter: str = ","
    gcj02_to_wgs84: bool = False
    columns: dict[str, ColumnMap] = field(default_factory=dict)
    filters: tuple[RowFilter, ...] = ()

    def resolve(self, base: Path = PROJECT_ROOT) -> Path:
        p = Path(self.path)
        return p if p.is_absolute() else base / p


@dataclass(frozen=True)
class Mapping:
    name: str
    description: str
    warehouse: str
    files: tuple[FileMap, ...]

    def file_for(self, target: str) -> FileMap:
        for f in self.files:
            if f.target == target:
                return f
        raise MappingError(f"mapping {self.name} has no file for source {target}")


def _factor(name: str, spec: dict[str, Any]) -> float | None:
    if "scale" in spec:
        return float(spec["scale"])
    if "unit_from" in spec or "unit_to" in spec:
        pair = (str(spec.get("unit_from", "")).lower(), str(spec.get("unit_to", "")).lower())
        if pair[0] == pair[1]:
            return None
        if pair not in UNIT_FACTORS:
            raise MappingError(f"column {name}: no conversion from {pair[0]!r} to {pair[1]!r}")
        return UNIT_FACTORS[pair]
    return None


def _column_map(target: str, spec: Any) -> ColumnMap:
    if isinstance(spec, str):
        return ColumnMap(target=target, source=spec)
    if not isinstance(spec, dict):
        raise MappingError(f"column {target}: expected a name or a mapping, got {spec!r}")
    if "from" not in spec and "const" not in spec:
        raise MappingError(f"column {target}: needs 'from' or 'const'")
    part = spec.get("part")
    if part is not None and part not in DATE_PARTS:
        raise MappingError(f"column {target}: part must be one of {DATE_PARTS}")
    vmap = spec.get("map")
    return ColumnMap(
        target=target,
        source=spec.get("from"),
        const=spec.get("const"),
        prefix=spec.get("prefix"),
        value_map={str(k): str(v) for k, v in vmap.items()} if vmap else None,
        default=str(spec["default"]) if spec.get("default") is not None else None,
        factor=_factor(target, spec),
        date_format=spec.get("date_format"),
        part=part,
    )


def _filter(spec: dict[str, Any]) -> RowFilter:
    if "in" in spec:
        return RowFilter(spec["column"], "in", tuple(str(v) for v in spec["in"]))
    if "not_in" in spec:
        return RowFilter(spec["column"], "not_in", tuple(str(v) for v in spec["not_in"]))
    if spec.get("not_null"):
        return RowFilter(spec["column"], "not_null")
    raise MappingError(f"filter {spec!r}: use in, not_in or not_null")


def parse_mapping(doc: dict[str, Any]) -> Mapping:
    """Mapping from its parsed YAML (validated: unknown sources and columns are errors)."""
    from pipelines.ingest.contracts import get_contract

    name = doc.get("name") or "unnamed"
    files = []
    for f in doc.get("files", []):
        target = f["target"]
        try:
            contract = get_contract(target)
        except KeyError as exc:
            raise MappingError(f"mapping {name}: {exc}") from exc
        cols = {}
        for col, spec in (f.get("columns") or {}).items():
            if col not in contract.column_names:
                raise MappingError(f"mapping {name}: {target} has no column {col!r}")
            cols[col] = _column_map(col, spec)
        files.append(
            FileMap(
                path=str(f["path"]),
                target=target,
                format=f.get("format"),
                encoding=f.get("encoding"),
                delimiter=str(f.get("delimiter", ",")),
                gcj02_to_wgs84=bool(f.get("gcj02_to_wgs84", False)),
                columns=cols,
                filters=tuple(_filter(x) for x in f.get("filters", []) or []),
            )
        )
    return Mapping(
        name=name,
        description=str(doc.get("description", "")),
        warehouse=str(doc.get("warehouse", f"{name}/warehouse.duckdb")),
        files=tuple(files),
    )


def load_mapping(name: str) -> Mapping:
    """``config/mappings/<name>.yaml`` (or a path to a YAML file)."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.exists():
        import yaml

        return parse_mapping(yaml.safe_load(p.read_text(encoding="utf-8")))
    if not (CONFIG_DIR / "mappings" / f"{name}.yaml").exists():
        raise MappingError(f"no mapping config/mappings/{name}.yaml")
    return parse_mapping(load_config(f"mappings/{name}"))
