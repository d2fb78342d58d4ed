"""Quality gate: Great Expectations suites (``expectations/``) over the staged tables.

``validate_tables(ctx, tables)`` is what DAG tasks call; it raises :class:`QualityGateFailed`
after recording results when a critical expectation fails. GX itself is imported lazily.
"""

from pipelines.quality.gate import QualityGateFailed, validate_tables
from pipelines.quality.suites import SUITE_TABLES

__all__ = ["SUITE_TABLES", "QualityGateFailed", "validate_tables"]
