"""The run context every stage receives: which data interval, which run, which data directory.

Airflow passes its data interval; the CLI and tests build the same object, so a stage never
knows who called it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipelines.settings import LOCAL_TZ, Paths, get_paths


@dataclass(frozen=True)
class RunContext:
    """One run of one pipeline over ``[interval_start, interval_end)`` (tz-aware)."""

    interval_start: datetime
    interval_end: datetime
    run_id: str = "manual"
    paths: Paths = field(default_factory=get_paths)

    def __post_init__(self) -> None:
        if self.interval_start.tzinfo is None or self.interval_end.tzinfo is None:
            raise ValueError("interval bounds must be timezone-aware")
        if self.interval_end <= self.interval_start:
            raise ValueError(
                f"empty interval: start {self.interval_start} is not before end {self.interval_end}"
            )

    @property
    def as_of_date(self) -> date:
        """Local calendar date the assessed data covers: the interval's local start date."""
        return self.interval_start.astimezone(LOCAL_TZ).date()

    @property
    def params(self) -> dict[str, object]:
        """Named SQL parameters for files in ``sql/`` (``$interval_start`` etc.)."""
        return {
            "interval_start": self.interval_start,
            "interval_end": self.interval_end,
            "as_of_date": self.as_of_date,
            "run_id": self.run_id,
        }

    @classmethod
    def for_local_day(
        cls, day: date, run_id: str | None = None, paths: Paths | None = None
    ) -> RunContext:
        """The daily interval of a local calendar date (00:00 to 24:00 Asia/Shanghai)."""
        start = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
        return cls(
            interval_start=start,
            interval_end=start + timedelta(days=1),
            run_id=run_id or f"manual__{day.isoformat()}",
            paths=paths or get_paths(),
        )
