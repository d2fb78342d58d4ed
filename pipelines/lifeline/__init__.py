"""Lifeline monitoring: graded alarm episodes, night-flow leaks, sensor health, compound risk.

Entry point for the DAG: :func:`run_lifeline`. Scoring against the sample city's truth lives
in :mod:`pipelines.lifeline.scoring`, the plain-pandas comparison in
:mod:`pipelines.lifeline.pandas_reference`.
"""

from pipelines.lifeline.stage import run_lifeline

__all__ = ["run_lifeline"]
