"""Deterministic sample city (Changchun-like) for demos, tests and benchmarks.

``generate(paths, ...)`` writes every landing source of ``config/contracts.yaml`` and the ground
truth (injected incidents, bad records, manifest) into ``sample_truth/``.
"""

from pipelines.sample_city.generator import generate

__all__ = ["generate"]
