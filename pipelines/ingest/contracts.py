"""Data contracts from ``config/contracts.yaml`` (+ ``config/measures.yaml``) as typed objects.

Everything that checks, loads or stages a source reads its rules from here, so a contract change
is a config change, never a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pipelines.settings import load_config

#: Contract types that need special handling (everything else is a DuckDB cast target).
GEOMETRY = "GEOMETRY"
#: Load metadata columns appended to every raw table, with their types and descriptions.
#: They locate a row in its landing file; everything else about the load is per file.
LOAD_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "_file",
        "VARCHAR",
        "Landing file the row came from (relative to landing/, or absolute for mapped exports).",
    ),
    (
        "_line",
        "BIGINT",
        "1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.",
    ),
)
# Checksum, run and load time are facts of the file version, kept once in audit.load_manifest
# (the row with status 'loaded' for _file): repeating them on every row cost about a third of
# the insert of a day of readings (issue 8).


@dataclass(frozen=True)
class Column:
    """One contract column and its row checks."""

    name: str
    type: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    unit: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ForeignKey:
    column: str
    ref_source: str
    ref_column: str


@dataclass(frozen=True)
class ValueRange:
    """Events whose physical range depends on a looked-up attribute (readings by measure)."""

    lookup: str
    join: str
    by: str
    config: str


@dataclass(frozen=True)
class Contract:
    """What one landing source must look like."""

    name: str
    description: str
    kind: str
    landing_dir: str
    formats: tuple[str, ...]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    time_column: str | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    value_range: ValueRange | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_events(self) -> bool:
        return self.kind == "events"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"source {self.name} has no column {name}")

    @property
    def geometry_column(self) -> str | None:
        """Name of the GEOMETRY column, if the source has one."""
        return next((c.name for c in self.columns if c.type == GEOMETRY), None)

    @property
    def has_lonlat(self) -> bool:
        names = set(self.column_names)
        return {"lon", "lat"} <= names

    @property
    def has_spatial(self) -> bool:
        return self.geometry_column is not None or self.has_lonlat


def _column(raw: dict[str, Any]) -> Column:
    allowed = raw.get("allowed")
    return Column(
        name=raw["name"],
        type=str(raw["type"]).upper(),
        required=bool(raw.get("required", False)),
        min=raw.get("min"),
        max=raw.get("max"),
        allowed=tuple(str(a) for a in allowed) if allowed is not None else None,
        unit=raw.get("unit"),
        description=str(raw.get("description", "")),
    )


def parse_contracts(doc: dict[str, Any]) -> dict[str, Contract]:
    """Contracts from the parsed YAML document (kept separate from loading for tests)."""
    out: dict[str, Contract] = {}
    for name, raw in doc["sources"].items():
        fks = []
        for fk in raw.get("foreign_keys", []) or []:
            ref_source, ref_column = fk["references"].split(".", 1)
            fks.append(ForeignKey(fk["column"], ref_source, ref_column))
        vr = raw.get("value_ranges")
        out[name] = Contract(
            name=name,
            description=str(raw.get("description", "")),
            kind=raw["kind"],
            landing_dir=raw.get("landing_dir", name),
            formats=tuple(raw.get("formats", ["csv"])),
            key=tuple(raw.get("key", [])),
            columns=tuple(_column(c) for c in raw["columns"]),
            time_column=raw.get("time_column"),
            foreign_keys=tuple(fks),
            value_range=ValueRange(**vr) if vr else None,
        )
    return out


@cache
def load_contracts() -> dict[str, Contract]:
    """All contracts of ``config/contracts.yaml``, by source name (file order)."""
    return parse_contracts(load_config("contracts"))


def get_contract(source: str) -> Contract:
    contracts = load_contracts()
    if source not in contracts:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(contracts)}")
    return contracts[source]


def load_measures() -> dict[str, dict[str, Any]]:
    """Physical ranges by measure (``config/measures.yaml``)."""
    return dict(load_config("measures")["measures"])


def ordered_sources(sources: list[str] | None = None) -> list[str]:
    """Sources in load order: registries before events, foreign-key parents before children.

    Stable: ties keep the contract file's order.
    """
    contracts = load_contracts()
    wanted = list(contracts) if sources is None else list(dict.fromkeys(sources))
    for s in wanted:
        get_contract(s)
    position = {name: i for i, name in enumerate(contracts)}
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name in visiting:
            return
        visiting.add(name)
        for fk in contracts[name].foreign_keys:
            if fk.ref_source in contracts and fk.ref_source != name:
                visit(fk.ref_source)
        visiting.discard(name)
        done.append(name)

    for kind in ("registry", "events"):
        for name in sorted((s for s in wanted if contracts[s].kind == kind), key=position.get):
            visit(name)
    return [s for s in done if s in wanted]
