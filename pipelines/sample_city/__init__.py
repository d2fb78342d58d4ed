"""Deterministic sample city (Changchun-like) for demos, tests and benchmarks.

``generate(paths, ...)`` writes every landing source of ``config/contracts.yaml`` and the ground
truth (injected incidents, bad records, manifest) into ``sample_truth/``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["generate"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the generator pulls in scipy.signal (≈1.5 s), which every
    # `resilience` command would otherwise pay through this package's cli module.
    if name == "generate":
        from pipelines.sample_city.generator import generate

        return generate
    raise AttributeError(name)
