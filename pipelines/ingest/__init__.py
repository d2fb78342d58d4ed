"""Ingestion: contracts, readers, landing -> raw, manifest, quarantine, mapping, staging.

Public API (called by the DAGs and the CLI):

- :func:`ingest_sources` landing -> raw for the named sources (registries and FK parents first)
- :func:`build_staging` raw -> staging.<source>
- :func:`load_mapped` onboard a city's own export by a mapping (its own warehouse)
- :func:`dirty_intervals` / :func:`mark_reprocessed` earlier intervals that late files changed
- :mod:`pipelines.ingest.quarantine` ``list_quarantine`` / ``replay_quarantine``
"""

from __future__ import annotations

from pipelines.ingest.api import (
    build_staging,
    dirty_intervals,
    ingest_sources,
    load_mapped,
    mark_reprocessed,
)

__all__ = ["build_staging", "dirty_intervals", "ingest_sources", "load_mapped", "mark_reprocessed"]
