"""Building safety: JGJ 125 danger grades, prefab-panel and seismic risk, renovation lists.

Entry point for the DAG: :func:`run_building_risk` (fills ``marts.building_risk`` and
``marts.renovation_candidates`` for the run's as_of_date).
"""

from pipelines.buildings.stage import run_building_risk

__all__ = ["run_building_risk"]
