"""Sensor readings: vectorised signal models, incident effects, bad lines, fast chunked writing.

Files: ``readings/<domain>_<YYYYMMDD>.csv`` (heating as Parquet) per local day, rows ordered by
sensor then time; ``readings/water_history_<YYYYMMDD>.csv`` with DMA inflow only for the days
before the window. Sensors are processed in fixed-size chunks (a chunk is sensors x 288 steps)
so memory stays bounded for 100,000 sensors, and every random draw is keyed by
(seed, domain, day, chunk) so the output does not depend on anything but the inputs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from scipy.signal import lfilter

from pipelines.sample_city.incidents import Effect
from pipelines.sample_city.io import BadLog
from pipelines.sample_city.sensors import CAT_NAMES, Sensors, heating_curve
from pipelines.sample_city.timeline import Timeline

CHUNK = 4096
DOMAIN_CODE = {"gas": 1, "water": 2, "drainage": 3, "heating": 4, "water_history": 5}
ROUND = {
    "methane_adjacent": 2,
    "methane_tunnel": 2,
    "gas_pressure": 3,
    "water_pressure": 2,
    "dma_inflow": 1,
    "drainage_level": 3,
    "rainfall": 1,
    "heating_supply": 2,
    "heating_return": 2,
    "heating_pressure": 3,
}
CSV_OPTS = pacsv.WriteOptions(include_header=False, quoting_style="none")
HEADER = b"sensor_id,measured_at,value\n"
PLAIN_KINDS = (
    "exact_duplicate",
    "duplicate_key_conflict",
    "unknown_sensor",
    "garbled_line",
    "wrong_type",
    "impossible_value",
    "clock_jump",
)


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float) -> np.ndarray:
    """Unit-variance AR(1) noise along time (axis 1)."""
    white = rng.standard_normal(shape) * np.sqrt(1.0 - phi * phi)
    return lfilter([1.0], [1.0, -phi], white, axis=1)


@dataclass
class ReadingsWriter:
    """Generates and writes all reading files; collects counts, incident magnitudes, bad lines."""

    sensors: Sensors
    tl: Timeline
    cfg: dict[str, Any]
    seed: int
    out_dir: Path
    log: BadLog
    effects: list[Effect]
    inject_bad: bool = True
    rows_written: int = 0
    files: list[Path] = field(default_factory=list)
    stuck_values: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_sensor: dict[int, list[Effect]] = {}
        for e in self.effects:
            self.by_sensor.setdefault(e.sensor, []).append(e)
        self.incident_sensors = set(self.by_sensor)
        self.T = self.tl.T

    # ------------------------------------------------------------------ signal models
    def _day_factors(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Night-to-night factors for each sensor (used by DMA inflow), keyed by day only."""
        rng = np.random.default_rng([self.seed, 77, day + 10_000])
        cv = float(self.cfg["signals"]["mnf_night_to_night_cv"]["value"])
        n = len(self.sensors.ids)
        return 1.0 + cv * rng.standard_normal(n), 1.0 + 0.03 * rng.standard_normal(n)

    def values(self, idx: np.ndarray, day: int, rng: np.random.Generator) -> np.ndarray:
        """Noise-bearing signal matrix (len(idx) x T) for local day ``day`` (negative = history)."""
        s, T, tl = self.sensors, self.T, self.tl
        out = np.empty((len(idx), T))
        cats = s.cat[idx]
        g = day * T + np.arange(T)
        in_window = day >= 0
        dn = tl.demand_norm
        for c in np.unique(cats).tolist():
            rows = np.flatnonzero(cats == c)
            k = idx[rows]
            p1, p2, p3 = s.p1[k][:, None], s.p2[k][:, None], s.p3[k][:, None]
            name = CAT_NAMES[c]
            shape = (len(k), T)
            if name.startswith("methane"):
                v = p1 * np.exp(p2 * _ar1(rng, shape, 0.7))
            elif name == "gas_pressure":
                v = p1 * (1.0 - p2 * dn[None, :]) + p1 * p3 * _ar1(rng, shape, 0.6)
            elif name == "water_pressure":
                v = p1 - p2 * dn[None, :] + p3 * _ar1(rng, shape, 0.6)
            elif name == "dma_inflow":
                fl, fc = self._day_factors(day)
                dmin = float(tl.demand.min())
                mnf = p2 * p1
                leak = (mnf - p1 * dmin) / (1.0 - dmin)
                cons = p1 - leak
                v = (leak * fl[k][:, None] + cons * fc[k][:, None] * tl.demand[None, :]) * (
                    1.0 + p3 * _ar1(rng, shape, 0.5)
                )
            elif name == "drainage_level":
                r = tl.runoff[g] if in_window else np.zeros(T)
                v = p1 * tl.sewage[None, :] + p2 * r[None, :] + 0.008 * _ar1(rng, shape, 0.5)
            elif name == "rainfall":
                r = tl.rain[g] if in_window else np.zeros(T)
                v = np.where(
                    r[None, :] > 0.05,
                    np.clip(p1 * r[None, :] + 0.3 * rng.standard_normal(shape), 0.0, None),
                    0.0,
                )
            elif name in ("heating_supply", "heating_return"):
                lag = max(1, 3600 // tl.step_s)
                t_out = tl.t_out[np.clip(g - lag, 0, None)] if in_window else np.zeros(T)
                sup, ret = heating_curve(self.cfg, t_out)
                base = sup if name == "heating_supply" else ret
                v = base[None, :] + p1 + p2 * _ar1(rng, shape, 0.8)
            else:  # heating_pressure
                v = p1 * (1.0 - 0.01 * dn[None, :]) + p2 * _ar1(rng, shape, 0.6)
            out[rows] = v
        return out

    def apply_effects(self, vals: np.ndarray, keep: np.ndarray, idx: np.ndarray, day: int) -> None:
        """Incident effects on the chunk's matrix, in place (``keep`` False = reading missing)."""
        T = self.T
        lo, hi = day * T, (day + 1) * T
        for r, k in enumerate(idx.tolist()):
            for e in self.by_sensor.get(k, ()):
                a, b = max(e.g0, lo), min(e.g1, hi)
                if e.kind == "surcharge":
                    depth = e.params["depth"]
                    inside = np.zeros(T, bool)
                    if a < b:
                        inside[a - lo : b - lo] = True
                    vals[r] = np.where(
                        inside, np.maximum(vals[r], depth), np.minimum(vals[r], depth - 0.01)
                    )
                    continue
                if a >= b:
                    continue
                sl = slice(a - lo, b - lo)
                steps = np.arange(a, b) - e.g0
                if e.kind == "methane":
                    rise = np.minimum(1.0, (steps + 1) / e.params["ramp"])
                    wobble = 1.0 + 0.06 * np.sin(steps / 3.0)
                    vals[r, sl] = np.maximum(vals[r, sl], e.params["peak"] * rise * wobble)
                elif e.kind == "scale":
                    f = np.ones(len(steps))
                    if e.params.get("ramp_half", 0.0) > 0:
                        f[steps == 0] = 0.5  # collapse within one or two readings
                    vals[r, sl] = vals[r, sl] * (1.0 - e.params["drop"] * f)
                elif e.kind == "add_flow":
                    vals[r, sl] = vals[r, sl] + e.params["q"]
                elif e.kind == "stuck":
                    if k not in self.stuck_values:
                        digits = ROUND[CAT_NAMES[self.sensors.cat[k]]]
                        self.stuck_values[k] = round(float(vals[r, a - lo]), digits) + 0.0
                    vals[r, sl] = self.stuck_values[k]
                elif e.kind == "offline":
                    keep[r, sl] = False

    # ------------------------------------------------------------------ writing
    def _chunks(self, order: np.ndarray) -> list[np.ndarray]:
        return [order[i : i + CHUNK] for i in range(0, len(order), CHUNK)]

    def _rounded(self, vals: np.ndarray, idx: np.ndarray) -> np.ndarray:
        cats = self.sensors.cat[idx]
        for c in np.unique(cats).tolist():
            rows = cats == c
            vals[rows] = np.round(vals[rows], ROUND[CAT_NAMES[c]])
        nonneg = ~np.isin(
            cats, [CAT_NAMES.index("heating_supply"), CAT_NAMES.index("heating_return")]
        )
        vals[nonneg] = np.maximum(vals[nonneg], 0.0)
        return vals + 0.0  # no negative zeros

    def _matrix(
        self, domain: str, idx: np.ndarray, day: int, ci: int
    ) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, DOMAIN_CODE[domain], day + 10_000, ci])
        vals = self.values(idx, day, rng)
        keep = np.ones(vals.shape, bool)
        if day >= 0:
            self.apply_effects(vals, keep, idx, day)
        return self._rounded(vals, idx), keep

    def write_day(
        self,
        domain: str,
        day: int,
        bad_special: tuple[str, ...] = (),
        progress: Callable[[int], None] | None = None,
    ) -> Path:
        """One domain-day file; returns its path."""
        d: date = self.tl.start + timedelta(days=day)
        history = domain == "water_history"
        order = self.sensors.of("dma_inflow") if history else self.sensors.domain_order(domain)
        if history:
            order = order[np.argsort(self.sensors.ids[order], kind="stable")]
        stamps = pa.array(self.tl.stamps(day))
        ext = "parquet" if domain == "heating" else "csv"
        path = self.out_dir / f"{domain}_{d:%Y%m%d}.{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        chunks = self._chunks(order)
        if ext == "parquet":
            schema = pa.schema(
                [
                    ("sensor_id", pa.string()),
                    ("measured_at", pa.timestamp("s", tz="Asia/Shanghai")),
                    ("value", pa.float64()),
                ]
            )
            base = np.datetime64(
                self.tl.day_start(day).replace(tzinfo=None) - timedelta(hours=8), "s"
            )
            ts = pa.array(base + np.arange(self.T) * self.tl.step_s, type=pa.timestamp("s")).cast(
                pa.timestamp("s", tz="Asia/Shanghai")
            )
            with pq.ParquetWriter(path, schema) as w:
                for ci, idx in enumerate(chunks):
                    vals, keep = self._matrix(domain, idx, day, ci)
                    w.write_table(self._table(idx, vals, keep, ts).cast(schema))
                    self.rows_written += int(keep.sum())
                    if progress:
                        progress(int(keep.sum()))
            self.files.append(path)
            return path
        bad_rng = np.random.default_rng([self.seed, 99, DOMAIN_CODE[domain], day + 10_000])
        n_rows_est = len(order) * self.T
        bcfg = self.cfg["bad_records"]
        n_bad = 0
        if self.inject_bad and not history:
            n_bad = int(
                np.clip(
                    round(n_rows_est * float(bcfg["readings_share"])),
                    int(bcfg["readings_min"]),
                    int(bcfg["readings_max"]),
                )
            )
        # bad lines go after rows of sensors without incidents, spread over the chunks
        clean = np.array([i not in self.incident_sensors for i in order.tolist()])
        kinds = [PLAIN_KINDS[j % len(PLAIN_KINDS)] for j in range(n_bad)] + [
            k for k in bad_special if k != "truncated_last_line"
        ]
        targets: dict[int, list[tuple[int, int, str]]] = {}
        if kinds and clean.any():
            pos = bad_rng.choice(np.flatnonzero(clean), size=len(kinds), replace=True)
            steps = bad_rng.integers(0, self.T - 1, len(kinds))
            for kind, pp, st in zip(kinds, pos.tolist(), steps.tolist(), strict=True):
                targets.setdefault(pp // CHUNK, []).append((pp % CHUNK, st, kind))
        line = 1
        with open(path, "wb") as fh:
            fh.write(HEADER)
            for ci, idx in enumerate(chunks):
                vals, keep = self._matrix(domain, idx, day, ci)
                tab = self._table(idx, vals, keep, stamps)
                buf = io.BytesIO()
                pacsv.write_csv(tab, buf, CSV_OPTS)
                data = buf.getvalue()
                ins = sorted(targets.get(ci, []))
                if not ins:
                    fh.write(data)
                    line += tab.num_rows
                else:
                    nl = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
                    row_off = np.concatenate([[0], np.cumsum(keep.sum(axis=1))])
                    prev, done = 0, 0
                    for r, st, kind in ins:
                        row_i = int(row_off[r] + st)  # sensor r has all T rows (no incidents)
                        end = int(nl[row_i]) + 1
                        fh.write(data[prev:end])
                        line += row_i + 1 - done
                        good = data[(int(nl[row_i - 1]) + 1 if row_i > 0 else 0) : end - 1]
                        prev, done = end, row_i + 1
                        fh.write(self._bad_line(kind, good, bad_rng) + b"\n")
                        line += 1
                        self.log.add(path, line, kind)
                    fh.write(data[prev:])
                    line += tab.num_rows - done
                self.rows_written += tab.num_rows
                if progress:
                    progress(tab.num_rows)
            if "truncated_last_line" in bad_special:
                sid = self.sensors.ids[order[-1]]
                cut = f"{sid},{self.tl.stamp(day, self.T - 1).isoformat()},1"[
                    : len(sid) + 14
                ].encode()
                fh.write(cut)
                line += 1
                self.log.add(path, line, "truncated_last_line")
        self.files.append(path)
        return path

    def _table(
        self, idx: np.ndarray, vals: np.ndarray, keep: np.ndarray, stamps: pa.Array
    ) -> pa.Table:
        S, T = vals.shape
        flat_keep = keep.ravel()
        sid = np.repeat(np.arange(S), T)[flat_keep]
        tid = np.tile(np.arange(T), S)[flat_keep]
        return pa.table(
            {
                "sensor_id": pa.array(self.sensors.ids[idx]).take(pa.array(sid)),
                "measured_at": stamps.take(pa.array(tid)),
                "value": pa.array(vals.ravel()[flat_keep]),
            }
        )

    def _bad_line(self, kind: str, good: bytes, rng: np.random.Generator) -> bytes:
        """A bad line derived from the good line just written (never changes good data)."""
        sid, ts, val = good.decode().split(",")
        v = float(val)
        odd_ts = ts[:14] + f"{int(ts[14:16]) + 2:02d}:17" + ts[19:]  # off-grid: a new key
        if kind == "exact_duplicate":
            return good
        if kind == "duplicate_key_conflict":
            return f"{sid},{ts},{round(v * 1.1 + 1.0, 3)}".encode()
        if kind == "unknown_sensor":
            return f"{sid.split('-')[0]}-9{int(rng.integers(0, 999999)):06d},{ts},{val}".encode()
        if kind == "garbled_line":
            return f"{sid},{ts}".encode()
        if kind == "wrong_type":
            return f"{sid},{odd_ts},n/a".encode()
        if kind == "impossible_value":
            bad = 140.0 if sid.startswith(("GM", "GT")) else -abs(v) - 1.5
            return f"{sid},{odd_ts},{bad}".encode()
        if kind == "clock_jump":
            return f"{sid},2031{ts[4:]},{val}".encode()
        if kind == "nul_bytes":
            return f"{sid},{odd_ts},".encode() + b"\x00\x00" + val.encode()
        if kind == "gbk_line":
            return f"{sid},{odd_ts},".encode() + "传感器故障".encode("gbk")
        raise ValueError(kind)
