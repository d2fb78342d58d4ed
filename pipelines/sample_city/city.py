"""The city's frame: districts, DMAs, seismic zones and responsible units.

Districts are a Voronoi partition of a box around Changchun seeded near the real districts'
relative positions; DMAs partition a square around each district's built-up core; seismic zones
split each district by the Yitong river floodplain (liquefiable) and the terraces beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines.sample_city import geo


@dataclass
class District:
    idx: int
    district_id: str
    name_zh: str
    name_en: str
    population: int
    poly: geo.Polygon
    hp: np.ndarray
    core: tuple[float, float]
    sigma_km: float
    urban: bool
    weight: float

    @property
    def area_km2(self) -> float:
        return geo.area(self.poly)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return geo.bbox_of(self.poly)


@dataclass
class Dma:
    idx: int
    dma_id: str
    district: District
    name: str
    poly: geo.Polygon
    hp: np.ndarray
    center: tuple[float, float]
    service_connections: int
    mains_length_km: float
    private_pipe_km: float
    avg_pressure_m: float


@dataclass
class City:
    plane: geo.Plane
    districts: list[District]
    dmas: list[Dma]
    zones: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)

    def district_weights(self) -> np.ndarray:
        w = np.array([d.weight for d in self.districts], dtype=float)
        return w / w.sum()

    def dmas_of(self, district: District) -> list[Dma]:
        return [m for m in self.dmas if m.district is district]

    def sample_district_points(
        self, rng: np.random.Generator, district: District, n: int, margin: float = 0.4
    ) -> tuple[np.ndarray, np.ndarray]:
        """Planar (km) points in a district, clustered around its built-up core."""
        return geo.sample_in(
            rng, n, district.hp, district.core, district.sigma_km, district.bbox, margin
        )

    def sample_dma_points(
        self, rng: np.random.Generator, dma: Dma, n: int, margin: float = 0.35
    ) -> tuple[np.ndarray, np.ndarray]:
        return geo.sample_in(rng, n, dma.hp, dma.center, 1.6, geo.bbox_of(dma.poly), margin, 0.3)


def _ccw(poly: geo.Polygon) -> geo.Polygon:
    return poly if geo.area(poly) > 0 else list(reversed(poly))


def build_city(cfg: dict[str, Any], rng: np.random.Generator) -> City:
    """Districts, DMAs, seismic zones and responsible units from the config (deterministic)."""
    ccfg = cfg["city"]
    plane = geo.Plane(ccfg["center"]["lon"], ccfg["center"]["lat"])
    bb = ccfg["bbox"]
    x0, y0 = plane.to_xy(bb["lon_min"], bb["lat_min"])
    x1, y1 = plane.to_xy(bb["lon_max"], bb["lat_max"])
    box: geo.Polygon = [
        (float(x0), float(y0)),
        (float(x1), float(y0)),
        (float(x1), float(y1)),
        (float(x0), float(y1)),
    ]
    dcfg = ccfg["districts"]
    seeds = np.array([plane.to_xy(*d["seed"]) for d in dcfg], dtype=float)
    districts: list[District] = []
    for i, d in enumerate(dcfg):
        poly = _ccw(geo.voronoi_cell(seeds, i, box))
        hp = geo.halfplanes(poly)
        core = tuple(float(v) for v in plane.to_xy(*d["core"]))
        if not geo.inside(hp, np.array([core[0]]), np.array([core[1]]), 1.0)[0]:
            raise ValueError(f"core of district {d['district_id']} is not inside its outline")
        districts.append(
            District(
                i,
                str(d["district_id"]),
                d["name_zh"],
                d["name_en"],
                int(d["population"]),
                poly,
                hp,
                core,
                float(d["sigma_km"]),
                bool(d["urban"]),
                float(d["weight"]),
            )
        )

    dmas: list[Dma] = []
    half = float(ccfg["dma_region_half_km"])
    for dist in districts:
        cx, cy = dist.core
        region = list(dist.poly)
        for a, b, c in (
            (1, 0, cx + half),
            (-1, 0, -(cx - half)),
            (0, 1, cy + half),
            (0, -1, -(cy - half)),
        ):
            region = geo.clip(region, a, b, c)
        region = _ccw(region)
        k = int(dcfg[dist.idx]["dmas"])
        rhp = geo.halfplanes(region)
        sx, sy = geo.sample_in(rng, k, rhp, dist.core, half / 2.0, geo.bbox_of(region), 1.0, 0.0)
        # spread the DMA seeds: order by angle around the core so names read like a compass
        order = np.argsort(np.arctan2(sy - cy, sx - cx))
        dseeds = np.column_stack([sx[order], sy[order]])
        for j in range(k):
            poly = _ccw(geo.voronoi_cell(dseeds, j, region))
            cxy = (float(np.mean([p[0] for p in poly])), float(np.mean([p[1] for p in poly])))
            nc = int(rng.integers(5200, 14000))
            density = float(
                rng.uniform(28.0, 60.0)
            )  # connections per km of mains (UARL needs > 20)
            lm = round(nc / density, 1)
            dmas.append(
                Dma(
                    len(dmas),
                    f"DMA-{dist.district_id}-{j + 1:02d}",
                    dist,
                    f"{dist.name_zh}{j + 1}号计量分区",
                    poly,
                    geo.halfplanes(poly),
                    cxy,
                    nc,
                    lm,
                    round(nc * float(rng.uniform(0.004, 0.012)), 1),  # 4-12 m private pipe each
                    round(float(rng.uniform(25.0, 60.0)), 1),
                )
            )

    city = City(plane, districts, dmas)
    city.zones = _seismic_zones(cfg, city)
    city.units = _responsible_units(city)
    return city


def _seismic_zones(cfg: dict[str, Any], city: City) -> list[dict[str, Any]]:
    """Per district: floodplain band along the Yitong river plus the terraces west and east."""
    scfg = cfg["seismic"]
    rcfg = cfg["city"]["yitong_river"]
    (la, pa), (lb, pb) = rcfg["line"]
    ax, ay = city.plane.to_xy(la, pa)
    bx, by = city.plane.to_xy(lb, pb)
    dx, dy = float(bx - ax), float(by - ay)
    norm = float(np.hypot(dx, dy))
    nx, ny = dy / norm, -dx / norm  # unit normal pointing east of the river
    c0 = nx * float(ax) + ny * float(ay)
    w = float(rcfg["floodplain_half_km"])
    zones: list[dict[str, Any]] = []
    for dist in city.districts:
        parts = [
            (
                "F",
                geo.clip(geo.clip(list(dist.poly), nx, ny, c0 + w), -nx, -ny, -(c0 - w)),
                scfg["floodplain_urban"] if dist.urban else scfg["floodplain_rural"],
            ),
            ("W", geo.clip(list(dist.poly), nx, ny, c0 - w), scfg["west_terrace"]),
            ("E", geo.clip(list(dist.poly), -nx, -ny, -(c0 + w)), scfg["east_terrace"]),
        ]
        for tag, poly, susc in parts:
            if len(poly) < 3 or abs(geo.area(poly)) < 2.0:
                continue
            zones.append(
                {
                    "zone_id": f"SZ-{dist.district_id}-{tag}",
                    "district_id": dist.district_id,
                    "site_intensity": int(scfg["site_intensity"]),
                    "pga_g": float(scfg["pga_g"]),
                    "liquefaction_susceptibility": susc,
                    "poly": _ccw(poly),
                }
            )
    return zones


def _responsible_units(city: City) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = [
        {
            "unit_id": "RU-GAS",
            "name_zh": "长春燃气股份有限公司",
            "domain": "gas",
            "district_id": None,
            "contact": "0431-96888",
        },
        {
            "unit_id": "RU-WATER",
            "name_zh": "长春水务集团有限公司",
            "domain": "water",
            "district_id": None,
            "contact": "0431-96122",
        },
        {
            "unit_id": "RU-DRAIN",
            "name_zh": "长春水务集团城市排水有限责任公司",
            "domain": "drainage",
            "district_id": None,
            "contact": "0431-88888123",
        },
        {
            "unit_id": "RU-HEAT",
            "name_zh": "长春市热力（集团）有限责任公司",
            "domain": "heating",
            "district_id": None,
            "contact": "0431-96118",
        },
        {
            "unit_id": "RU-EMA",
            "name_zh": "长春市应急管理局",
            "domain": "general",
            "district_id": None,
            "contact": "0431-12350",
        },
        {
            "unit_id": "RU-HZ-PC",
            "name_zh": "中国石油吉林长春销售分公司",
            "domain": "hazardous_facility",
            "district_id": None,
            "contact": "0431-85000001",
        },
        {
            "unit_id": "RU-HZ-SP",
            "name_zh": "中国石化吉林长春石油分公司",
            "domain": "hazardous_facility",
            "district_id": None,
            "contact": "0431-85000002",
        },
        {
            "unit_id": "RU-HZ-CH",
            "name_zh": "长春化工物流有限公司",
            "domain": "hazardous_facility",
            "district_id": None,
            "contact": "0431-85000003",
        },
    ]
    for d in city.districts:
        units.append(
            {
                "unit_id": f"RU-HB-{d.district_id}",
                "name_zh": f"{d.name_zh}住房和城乡建设局",
                "domain": "building",
                "district_id": d.district_id,
                "contact": f"0431-8{d.district_id[-3:]}1000",
            }
        )
        units.append(
            {
                "unit_id": f"RU-WB-{d.district_id}",
                "name_zh": f"长春水务集团{d.name_zh}供水分公司",
                "domain": "water",
                "district_id": d.district_id,
                "contact": f"0431-8{d.district_id[-3:]}2000",
            }
        )
        units.append(
            {
                "unit_id": f"RU-EM-{d.district_id}",
                "name_zh": f"{d.name_zh}应急管理局",
                "domain": "general",
                "district_id": d.district_id,
                "contact": f"0431-8{d.district_id[-3:]}3000",
            }
        )
    return units
