"""EPANET ``.inp`` models (as water utilities keep them) as pipe segments, through wntr.

Coordinates in an .inp file are whatever the modeller used (often a local or projected grid,
sometimes arbitrary drawing units), *not* WGS84 lon/lat. The geometry is therefore returned as
WKT in the model's own local coordinates, flagged by ``crs = 'local'``; it must be
georeferenced before it can be joined with the city's layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.settings import load_config


#: wntr's bundled example networks (Net1, Net2, Net3, Net6, ky4, ky10).
def example_network(name: str) -> Path:
    """Path of an example network shipped inside the wntr package, e.g. ``Net3`` or ``ky10``."""
    import wntr

    path = Path(wntr.__file__).parent / "library" / "networks" / f"{name}.inp"
    if not path.exists():
        raise FileNotFoundError(f"wntr ships no network named {name!r} ({path})")
    return path


def material_from_roughness(c_factor: float, headloss: str, cfg: dict[str, Any]) -> str:
    """Material code guessed from the Hazen-Williams C factor, else 'UNKNOWN'."""
    if headloss.upper() != "H-W":
        return "UNKNOWN"
    for rule in cfg["epanet"]["hazen_williams_material"]:
        if float(rule["min_c"]) <= c_factor <= float(rule["max_c"]):
            return str(rule["material"])
    return "UNKNOWN"


def _wkt(points: list[tuple[float, float]]) -> str:
    return "LINESTRING (" + ", ".join(f"{x:.3f} {y:.3f}" for x, y in points) + ")"


def import_inp(path: str | Path, cfg: dict[str, Any] | None = None) -> pd.DataFrame:
    """Pipes of an EPANET model as rows in the pipe_segments contract columns.

    segment_id = '<model>:<pipe name>', network 'water', material from roughness or UNKNOWN,
    diameter_mm from metres, length_m, status from the initial status (closed -> abandoned is
    *not* assumed: closed valves-as-pipes stay active), geometry = WKT in local model
    coordinates (``crs`` column says 'local'), plus the hydraulic ``roughness`` kept for reference.
    """
    import wntr

    cfg = cfg or load_config("pipe_risk")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such EPANET file: {path}")
    wn = wntr.network.WaterNetworkModel(str(path))
    headloss = str(wn.options.hydraulic.headloss)
    rows = []
    for name, pipe in wn.pipes():
        start = wn.get_node(pipe.start_node_name).coordinates
        end = wn.get_node(pipe.end_node_name).coordinates
        points = [tuple(start), *[tuple(v) for v in (pipe.vertices or [])], tuple(end)]
        rows.append(
            {
                "segment_id": f"{path.stem}:{name}",
                "network": "water",
                "material": material_from_roughness(float(pipe.roughness), headloss, cfg),
                "diameter_mm": float(pipe.diameter) * 1000.0,
                "install_year": None,
                "length_m": float(pipe.length),
                "pressure_class": None,
                "customers_served": None,
                "under_major_road": None,
                "district_id": None,
                "dma_id": None,
                "responsible_unit_id": None,
                "status": "active",
                "geometry": _wkt(points),
                "crs": "local",
                "roughness": float(pipe.roughness),
            }
        )
    frame = pd.DataFrame(rows)
    frame["install_year"] = frame["install_year"].astype("Int64")
    frame["customers_served"] = frame["customers_served"].astype("Int64")
    frame["under_major_road"] = frame["under_major_road"].astype("boolean")
    return frame
