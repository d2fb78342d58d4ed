"""Planar geometry for the sample city: convex Voronoi cells, point sampling, WKT/GeoJSON.

Everything is computed in a local equirectangular plane (km) around the city centre. The map
to lon/lat is affine, so straight edges stay straight and a convex cell in the plane is the
same convex polygon in WGS84. Points are sampled with a margin from every cell edge, so that
small differences between this plane and EPSG:4551 never move a point across a boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

KM_PER_DEG_LAT = 110.574


@dataclass(frozen=True)
class Plane:
    """Local plane: x east, y north, both km, origin at (lon0, lat0)."""

    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return 111.320 * math.cos(math.radians(self.lat0))

    def to_xy(self, lon: np.ndarray | float, lat: np.ndarray | float) -> tuple:
        return (np.asarray(lon) - self.lon0) * self.kx, (
            np.asarray(lat) - self.lat0
        ) * KM_PER_DEG_LAT

    def to_lonlat(self, x: np.ndarray | float, y: np.ndarray | float) -> tuple:
        return self.lon0 + np.asarray(x) / self.kx, self.lat0 + np.asarray(y) / KM_PER_DEG_LAT


Polygon = list[tuple[float, float]]


def clip(poly: Polygon, a: float, b: float, c: float) -> Polygon:
    """Keep the part of convex ``poly`` where ``a*x + b*y <= c`` (Sutherland-Hodgman step)."""
    out: Polygon = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cell(seeds: np.ndarray, i: int, container: Polygon) -> Polygon:
    """Cell of ``seeds[i]`` inside the convex ``container``."""
    poly = list(container)
    si = seeds[i]
    for j, sj in enumerate(seeds):
        if j == i:
            continue
        d = sj - si
        poly = clip(poly, d[0], d[1], (sj @ sj - si @ si) / 2.0)
        if not poly:
            break
    return poly


def area(poly: Polygon) -> float:
    """Shoelace area (positive for counter-clockwise rings)."""
    s = 0.0
    for i in range(len(poly)):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % len(poly)]
        s += x1 * y2 - x2 * y1
    return s / 2.0


def halfplanes(poly: Polygon) -> np.ndarray:
    """Edges of a counter-clockwise convex polygon as unit-normal rows (a, b, c): inside a·p <= c."""
    rows = []
    for i in range(len(poly)):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % len(poly)]
        a, b = y2 - y1, x1 - x2  # outward normal of a CCW edge
        norm = math.hypot(a, b)
        if norm < 1e-12:
            continue
        rows.append((a / norm, b / norm, (a * x1 + b * y1) / norm))
    return np.array(rows)


def inside(hp: np.ndarray, x: np.ndarray, y: np.ndarray, margin: float) -> np.ndarray:
    """Points at least ``margin`` km inside the convex polygon given by its half-planes."""
    dist = hp[:, 2][None, :] - (x[:, None] * hp[:, 0][None, :] + y[:, None] * hp[:, 1][None, :])
    return (dist >= margin).all(axis=1)


def sample_in(
    rng: np.random.Generator,
    n: int,
    hp: np.ndarray,
    center: tuple[float, float],
    sigma_km: float,
    bbox: tuple[float, float, float, float],
    margin: float,
    uniform_share: float = 0.15,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points inside a convex polygon, clustered around ``center`` (rejection sampling)."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    x0, y0, x1, y1 = bbox
    for _ in range(200):
        if got >= n:
            break
        m = max(64, int((n - got) * 2.5))
        uni = rng.random(m) < uniform_share
        x = np.where(uni, rng.uniform(x0, x1, m), rng.normal(center[0], sigma_km, m))
        y = np.where(uni, rng.uniform(y0, y1, m), rng.normal(center[1], sigma_km, m))
        ok = inside(hp, x, y, margin)
        xs.append(x[ok])
        ys.append(y[ok])
        got += int(ok.sum())
    if got < n:
        raise RuntimeError("could not sample enough points inside polygon")
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def ring_lonlat(plane: Plane, poly: Polygon) -> list[list[float]]:
    """Closed counter-clockwise lon/lat ring rounded to 6 decimals (GeoJSON order)."""
    pts = poly if area(poly) > 0 else list(reversed(poly))
    xs = np.array([p[0] for p in pts])
    ys = np.array([p[1] for p in pts])
    lon, lat = plane.to_lonlat(xs, ys)
    ring = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]
    ring.append(ring[0])
    return ring


def bbox_of(poly: Polygon) -> tuple[float, float, float, float]:
    xs = [p[0] for p in poly]
    ys = [p[1] for p in poly]
    return min(xs), min(ys), max(xs), max(ys)
