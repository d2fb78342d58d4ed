"""Pipe network risk: likelihood learned from break history, consequence, earthquake scenario,
preventive replacement plan, and the back-test on real Kitchener data.

Entry point for the DAG: :func:`run_pipe_risk`.
"""

from pipelines.pipes.stage import run_pipe_risk

__all__ = ["run_pipe_risk"]
