"""Urban resilience monitoring pipeline: ingestion, quality gate, risk models and reports.

Every stage is a plain function so that Airflow DAGs, the `resilience` CLI and the tests call
the same code.
"""

__version__ = "0.1.0"
