# The project's image for docker-compose.yml: the same pinned requirements as the local .venv.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    AIRFLOW_HOME=/opt/airflow \
    RESILIENCE_DATA_DIR=/data \
    GX_ANALYTICS_ENABLED=False

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 50000 airflow

WORKDIR /opt/resilience
COPY requirements.txt constraints.txt pyproject.toml README.md ./
RUN pip install -r requirements.txt -c constraints.txt
COPY pipelines ./pipelines
COPY sql ./sql
COPY config ./config
COPY expectations ./expectations
COPY reference_data ./reference_data
COPY dags ./dags
RUN pip install --no-deps -e . \
 && mkdir -p /data /opt/airflow && chown -R airflow /data /opt/airflow

USER airflow
