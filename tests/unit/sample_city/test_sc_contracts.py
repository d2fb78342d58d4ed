"""Every contract source is written with the contract's columns; bad records are exactly the listed ones.

A small independent validator applies the contract's rules (types, required, allowed, ranges,
keys, foreign keys, physical ranges of readings) line by line: unlisted lines must pass, listed
lines must fail at least one rule.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow.parquet as pq

from pipelines.settings import load_config

GBK_SOURCES = {"responsible_units", "buildings"}
ORDER = (
    "districts",
    "dmas",
    "seismic_zones",
    "responsible_units",
    "sensors",
    "pipe_segments",
    "pipe_breaks",
    "buildings",
    "building_inspections",
    "building_retrofits",
    "hazardous_facilities",
    "hazard_reports",
    "hazard_updates",
    "officer_decisions",
    "readings",
)


def _type_ok(typ: str, v: str) -> bool:
    try:
        if typ == "DOUBLE":
            float(v)
        elif typ in ("INTEGER", "BIGINT"):
            int(v)
        elif typ == "BOOLEAN":
            return str(v).lower() in ("true", "false")
        elif typ == "DATE":
            date.fromisoformat(v)
        elif typ == "TIMESTAMPTZ":
            return datetime.fromisoformat(v).tzinfo is not None
    except (TypeError, ValueError):
        return False
    return True


class Validator:
    def __init__(self) -> None:
        self.contracts = load_config("contracts")["sources"]
        self.measures = load_config("measures")["measures"]
        self.keys: dict[str, set[tuple]] = {}
        self.sensor_measure: dict[str, str] = {}

    def check(self, source: str, row: dict[str, Any] | None, day: date | None = None) -> list[str]:
        if row is None:
            return ["unparseable"]
        spec = self.contracts[source]
        out = []
        for col in spec["columns"]:
            v = row.get(col["name"])
            empty = v is None or v == ""
            if empty:
                if col.get("required"):
                    out.append(f"missing {col['name']}")
                continue
            if col["type"] != "GEOMETRY" and not _type_ok(col["type"], str(v)):
                out.append(f"type {col['name']}")
                continue
            if "allowed" in col and v not in col["allowed"]:
                out.append(f"allowed {col['name']}")
            if "min" in col and float(v) < col["min"] or "max" in col and float(v) > col["max"]:
                out.append(f"range {col['name']}")
        for fk in spec.get("foreign_keys", []):
            v = row.get(fk["column"])
            ref_src, ref_col = fk["references"].split(".")
            if v not in (None, "") and (v,) not in self.keys.get(ref_src, set()):
                out.append(f"fk {fk['column']}")
        if source == "readings" and not out:
            m = self.measures.get(self.sensor_measure.get(row["sensor_id"], ""), {})
            if not m["min"] <= float(row["value"]) <= m["max"]:
                out.append("physical range")
            t = datetime.fromisoformat(row["measured_at"])
            if day is not None and date(day.year, day.month, day.day) != t.date():
                out.append("outside file day")
        key = tuple(row.get(k) for k in spec["key"])
        seen = self.keys.setdefault(source, set())
        if key in seen:
            out.append("duplicate key")
        elif not out:
            seen.add(key)
            if source == "sensors":
                self.sensor_measure[row["sensor_id"]] = row["measure"]
        return out


def _rows(path, source: str, cols: tuple[str, ...]):
    """(line number, row dict or None) per physical line."""
    raw = path.read_bytes()
    if path.suffix == ".geojson":
        for i, f in enumerate(json.loads(raw)["features"]):
            yield (
                i + 1,
                {
                    k: (
                        None if v is None else str(v) if not isinstance(v, bool) else str(v).lower()
                    )
                    for k, v in f["properties"].items()
                }
                | {"geometry": "x"},
            )
        return
    if path.suffix == ".parquet":
        for i, rec in enumerate(pq.read_table(path).to_pylist()):
            yield (
                i + 2,
                {
                    k: None if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                    for k, v in rec.items()
                },
            )
        return
    enc = "gbk" if source in GBK_SOURCES else "utf-8"
    lines = raw.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    if path.suffix == ".jsonl":
        for i, ln in enumerate(lines):
            try:
                obj = json.loads(ln.decode(enc))
                yield (
                    i + 1,
                    {
                        k: (
                            None if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                        )
                        for k, v in obj.items()
                    },
                )
            except (ValueError, UnicodeDecodeError):
                yield i + 1, None
        return
    assert lines[0].decode(enc).split(",") == list(cols), f"{path} header"
    for i, ln in enumerate(lines[1:], start=2):
        try:
            text = ln.decode(enc)
        except UnicodeDecodeError:
            yield i, None
            continue
        if "\x00" in text:
            yield i, None
            continue
        vals = next(csv.reader([text]))
        yield i, dict(zip(cols, vals, strict=True)) if len(vals) == len(cols) else None


def test_every_source_present_with_contract_columns(tiny) -> None:
    contracts = load_config("contracts")["sources"]
    bad_files = tiny.bad_files()
    for name, spec in contracts.items():
        cols = [c["name"] for c in spec["columns"]]
        files = [
            p
            for p in (tiny.landing / spec["landing_dir"]).iterdir()
            if p.relative_to(tiny.landing).as_posix() not in bad_files
        ]
        assert files, f"no files for {name}"
        for p in files:
            assert p.suffix.lstrip(".") in spec["formats"], p
            if p.suffix == ".csv":
                enc = "gbk" if name in GBK_SOURCES else "utf-8"
                header = p.read_bytes().split(b"\n", 1)[0].decode(enc)
                assert header.split(",") == cols, p
            elif p.suffix == ".parquet":
                assert pq.read_schema(p).names == cols, p
            elif p.suffix == ".jsonl":
                first = json.loads(p.read_bytes().split(b"\n", 1)[0])
                assert list(first) == cols, p
            elif p.suffix == ".geojson":
                feat = json.loads(p.read_text(encoding="utf-8"))["features"][0]
                assert [*feat["properties"], "geometry"] == cols, p
                assert feat["geometry"]["type"] == "Polygon"


def test_unlisted_lines_pass_and_listed_lines_fail(tiny) -> None:
    contracts = load_config("contracts")["sources"]
    val = Validator()
    bad_files = tiny.bad_files()
    checked_bad = 0
    for name in ORDER:
        spec = contracts[name]
        cols = tuple(c["name"] for c in spec["columns"])
        for p in sorted((tiny.landing / spec["landing_dir"]).iterdir()):
            rel = p.relative_to(tiny.landing).as_posix()
            if rel in bad_files:
                continue
            listed = tiny.bad_lines(rel)
            m = re.search(r"_(\d{8})\.csv$", p.name)
            day = (
                datetime.strptime(m.group(1), "%Y%m%d").date() if m and name == "readings" else None
            )
            n = 0
            for line, row in _rows(p, name, cols):
                problems = val.check(name, row, day)
                if line in listed:
                    assert problems, (
                        f"{rel}:{line} listed as {listed[line]} but passes the contract"
                    )
                    checked_bad += 1
                else:
                    assert not problems, f"{rel}:{line} is bad ({problems}) but not listed"
                n += 1
            assert n > 0, rel
            assert set(listed) <= set(range(1, n + 2)), f"{rel}: listed lines beyond the file"
    assert checked_bad == sum(1 for ln in tiny.bad()["line"] if ln != "")


def test_bad_records_cover_the_required_kinds(tiny) -> None:
    b = tiny.bad()
    kinds = set(b["kind"])
    for kind in (
        "exact_duplicate",
        "duplicate_key_conflict",
        "unknown_sensor",
        "garbled_line",
        "wrong_type",
        "impossible_value",
        "clock_jump",
        "nul_bytes",
        "gbk_line",
        "truncated_last_line",
        "empty_file",
        "missing_column",
        "extra_column",
        "unknown_segment",
        "unknown_building",
    ):
        assert kind in kinds, kind
    # most sources carry some bad records, and they stay well under 1 % of the rows
    sources = {f.split("/")[0] for f in b["file"]}
    assert len(sources) >= 10
    readings_bad = (b["file"].str.startswith("readings/") & (b["line"] != "")).sum()
    assert 0 < readings_bad < 0.01 * tiny.summary["counts"]["readings"]


def test_special_bad_lines_are_where_listed(tiny) -> None:
    b = tiny.bad()
    for kind, check in (
        ("nul_bytes", lambda ln: b"\x00" in ln),
        ("gbk_line", lambda ln: "传感器故障".encode("gbk") in ln),
        ("clock_jump", lambda ln: b",2031-" in ln),
        ("wrong_type", lambda ln: b",n/a" in ln),
    ):
        rows = b[b["kind"] == kind]
        assert len(rows) > 0, kind
        for f, line in zip(rows["file"], rows["line"], strict=True):
            lines = (tiny.landing / f).read_bytes().split(b"\n")
            assert check(lines[int(line) - 1]), (kind, f, line)
    trunc = b[b["kind"] == "truncated_last_line"].iloc[0]
    data = (tiny.landing / trunc["file"]).read_bytes()
    assert not data.endswith(b"\n")
    assert data.count(b"\n") + 1 == int(trunc["line"])
    for f, line in zip(
        *[b.loc[b["kind"] == "exact_duplicate", c] for c in ("file", "line")], strict=True
    ):
        lines = (tiny.landing / f).read_bytes().split(b"\n")
        assert lines[int(line) - 1] == lines[int(line) - 2]


def test_whole_bad_files(tiny) -> None:
    b = tiny.bad()
    whole = dict(zip(b.loc[b["line"] == "", "kind"], b.loc[b["line"] == "", "file"], strict=True))
    assert (tiny.landing / whole["empty_file"]).stat().st_size == 0
    header = (
        (tiny.landing / whole["missing_column"])
        .read_text(encoding="utf-8")
        .splitlines()[0]
        .split(",")
    )
    assert "value" not in header and "sensor_id" in header
    header = (
        (tiny.landing / whole["extra_column"])
        .read_text(encoding="utf-8")
        .splitlines()[0]
        .split(",")
    )
    assert header[:-1] == [
        c["name"] for c in load_config("contracts")["sources"]["pipe_breaks"]["columns"]
    ]
    assert header[-1] == "remark"


def test_gbk_files_decode_as_gbk_only(tiny) -> None:
    for rel, word in (
        ("responsible_units/responsible_units.csv", "长春燃气"),
        ("buildings/buildings.csv", "小区"),
    ):
        raw = (tiny.landing / rel).read_bytes()
        assert word in raw.decode("gbk")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # pragma: no cover - would mean the file is UTF-8
            raise AssertionError(f"{rel} is valid UTF-8, expected GBK")


def test_readings_cover_window_and_history(tiny) -> None:
    names = {p.name for p in (tiny.landing / "readings").iterdir()}
    for d in ("20251104", "20251105", "20251106"):
        assert {
            f"gas_{d}.csv",
            f"water_{d}.csv",
            f"drainage_{d}.csv",
            f"heating_{d}.parquet",
        } <= names
    for k in (1, 2, 3):
        assert f"water_history_{date(2025, 11, 4) - timedelta(days=k):%Y%m%d}.csv" in names
