"""Server-side SVG map: district outlines, red/orange points and pipe lines, no tiles.

Drawing in Python keeps the report one offline file that any browser shows without
JavaScript. Coordinates are projected equirectangularly (longitude scaled by the cosine of the
mid latitude), which is accurate to well under a pixel over one city.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from pipelines.report.labels import DOMAIN, LEVEL_COLOUR, LEVEL_ZH_SHORT, pair

Coord = Sequence[float]


@dataclass(frozen=True)
class Projection:
    """Maps lon/lat into an SVG box of ``width`` x ``height`` pixels with a margin."""

    lon0: float
    lat1: float
    scale: float
    kx: float
    width: int
    height: int
    margin: int

    @classmethod
    def fit(
        cls, bbox: tuple[float, float, float, float], width: int = 900, margin: int = 12
    ) -> Projection:
        lon0, lat0, lon1, lat1 = bbox
        kx = math.cos(math.radians((lat0 + lat1) / 2))
        span_x = max((lon1 - lon0) * kx, 1e-9)
        span_y = max(lat1 - lat0, 1e-9)
        scale = (width - 2 * margin) / span_x
        height = int(round(span_y * scale)) + 2 * margin
        max_height = int(width * 1.2)
        if height > max_height:  # very tall extents: fit the height instead
            scale = (max_height - 2 * margin) / span_y
            height = max_height
        return cls(lon0, lat1, scale, kx, width, height, margin)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.margin + (lon - self.lon0) * self.kx * self.scale,
            self.margin + (self.lat1 - lat) * self.scale,
        )


def _rings(geometry: dict[str, Any] | None) -> Iterator[list[Coord]]:
    """Every linear ring or line string of a GeoJSON geometry."""
    if not geometry:
        return
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind in ("Polygon", "MultiLineString"):
        yield from coords
    elif kind == "MultiPolygon":
        for poly in coords:
            yield from poly
    elif kind == "LineString":
        yield coords
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            yield from _rings(g)


def bbox_of(
    geometries: Iterable[dict[str, Any] | None], points: Iterable[tuple[float, float]] = ()
) -> tuple[float, float, float, float] | None:
    xs: list[float] = []
    ys: list[float] = []
    for g in geometries:
        for ring in _rings(g):
            xs.extend(c[0] for c in ring)
            ys.extend(c[1] for c in ring)
    for lon, lat in points:
        xs.append(lon)
        ys.append(lat)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _path(proj: Projection, geometry: dict[str, Any] | None, close: bool) -> str:
    parts = []
    for ring in _rings(geometry):
        pts = [proj.xy(c[0], c[1]) for c in ring]
        if len(pts) < 2:
            continue
        d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(d + ("Z" if close else ""))
    return "".join(parts)


def _bi_text(zh: str, en: str) -> Markup:
    return Markup('<tspan class="zh">{}</tspan><tspan class="en">{}</tspan>').format(zh, en)


def _district_fill(levels: dict[str, int], max_low: int) -> str:
    """Grey-blue shade by the count of yellow and blue risks (the ones not drawn)."""
    low = levels.get("yellow", 0) + levels.get("blue", 0)
    t = 0.0 if max_low == 0 else low / max_low
    light, dark = (238, 242, 246), (143, 170, 196)
    r, g, b = (round(a + (b_ - a) * t) for a, b_ in zip(light, dark, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def render_map(
    districts: list[dict[str, Any]],
    points: list[dict[str, Any]],
    pipes: list[dict[str, Any]],
    width: int = 900,
) -> Markup:
    """The whole ``<svg>`` element; every data value is escaped."""
    box = bbox_of(
        [d["geometry"] for d in districts] + [p["geometry"] for p in pipes],
        [(p["lon"], p["lat"]) for p in points],
    )
    if box is None:
        return Markup(
            '<p class="empty"><span class="zh">暂无地图数据</span><span class="en">no map data</span></p>'
        )
    proj = Projection.fit(box, width=width)
    out: list[str] = [
        f'<svg id="risk-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {proj.width} {proj.height}" '
        f'width="100%" role="img" aria-label="risk map">',
        '<g class="districts">',
    ]
    max_low = max(
        (d["levels"].get("yellow", 0) + d["levels"].get("blue", 0) for d in districts), default=0
    )
    labels: list[str] = []
    for d in districts:
        levels = d["levels"]
        counts = " ".join(
            f"{LEVEL_ZH_SHORT[lv]}{levels.get(lv, 0)}" for lv in ("red", "orange", "yellow", "blue")
        )
        counts_en = " ".join(
            f"{lv} {levels.get(lv, 0)}" for lv in ("red", "orange", "yellow", "blue")
        )
        title = f"{d.get('name_zh') or d['district_id']} {d.get('name_en') or ''}: {counts} / {counts_en}"
        out.append(
            Markup(
                '<path class="district" data-district="{}" d="{}" fill="{}"><title>{}</title></path>'
            ).format(
                d["district_id"],
                _path(proj, d["geometry"], close=True),
                _district_fill(levels, max_low),
                title,
            )
        )
        sub = bbox_of([d["geometry"]])
        if sub:
            x, y = proj.xy((sub[0] + sub[2]) / 2, (sub[1] + sub[3]) / 2)
            labels.append(
                Markup(
                    '<text class="dlabel" x="{:.1f}" y="{:.1f}">{}<tspan class="dcount" x="{:.1f}" dy="14">{}</tspan></text>'
                ).format(
                    x,
                    y,
                    _bi_text(
                        d.get("name_zh") or d["district_id"], d.get("name_en") or d["district_id"]
                    ),
                    x,
                    _bi_text(counts, counts_en),
                )
            )
    out.append("</g>")
    out.append('<g class="labels">' + "".join(labels) + "</g>")  # under the risks: never hides one
    out.append('<g class="pipes" fill="none" stroke-linecap="round">')
    for p in reversed(pipes):  # most severe drawn last, on top
        colour = LEVEL_COLOUR.get(p["risk_level"], "#666")
        width_px = 3 if p["risk_level"] == "red" else 2
        out.append(
            Markup(
                '<path class="pipe {}" d="{}" stroke="{}" stroke-width="{}"><title>{} {}: {}</title></path>'
            ).format(
                p["risk_level"],
                _path(proj, p["geometry"], close=False),
                colour,
                width_px,
                p.get("segment_id"),
                p.get("network") or "",
                p.get("drivers") or "",
            )
        )
    out.append("</g>")
    out.append('<g class="points" stroke="#222" stroke-width="0.6">')
    for p in reversed(points):
        x, y = proj.xy(p["lon"], p["lat"])
        zh, en = pair(DOMAIN, p.get("domain"))
        out.append(
            Markup(
                '<circle class="risk {}" cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}"><title>{} {}/{}: {}</title></circle>'
            ).format(
                p["risk_level"],
                x,
                y,
                5 if p["risk_level"] == "red" else 4,
                LEVEL_COLOUR.get(p["risk_level"], "#666"),
                p.get("risk_source_id"),
                zh,
                en,
                p.get("drivers") or "",
            )
        )
    out.append("</g>")
    out.append("</svg>")
    # Data values went through Markup.format (escaped); the other pieces are literals.
    return Markup("\n".join(str(s) for s in out))
