"""Wall time, rows per second and memory of one stage; facts about the machine.

Peak RSS of the whole pipeline process comes from ``getrusage(RUSAGE_SELF).ru_maxrss`` (the
kernel's high-water mark, nothing can be missed). The kernel keeps no per-stage high-water, so a
daemon thread samples the RSS (psutil) every ``interval_s`` and each stage reads and resets it.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

GB = 1024**3


def ru_maxrss_bytes() -> int:
    """Peak resident set size of this process image so far.

    Linux: ``VmHWM`` of ``/proc/self/status``. ``getrusage``'s ``ru_maxrss`` survives
    ``execve``, so a child started by the bench would report the bench's own size at fork.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


class RssSampler:
    """Background sampler of this process's RSS; ``take()`` returns the peak since last take."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self._proc = psutil.Process()
        self._peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval_s)

    def _sample(self) -> int:
        rss = self._proc.memory_info().rss
        with self._lock:
            self._peak = max(self._peak, rss)
        return rss

    def take(self) -> int:
        """Peak RSS (bytes) since the previous call, including the current RSS."""
        now = self._sample()
        with self._lock:
            peak, self._peak = self._peak, now
        return peak

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class StageRecord:
    """One timed stage as it goes to the JSON (``result`` is the stage's own small dict)."""

    name: str
    seconds: float
    rows: int | None
    rows_per_s: float | None
    peak_rss_gb: float
    result: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def profiled(fn: Callable[[], Any], out: Path) -> Any:
    """Run ``fn`` under cProfile; write ``out`` (pstats) and ``out.txt`` (top functions)."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    try:
        return prof.runcall(fn)
    finally:
        out.parent.mkdir(parents=True, exist_ok=True)
        prof.dump_stats(str(out))
        text = io.StringIO()
        stats = pstats.Stats(prof, stream=text)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        out.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")


def timed_stage(
    name: str,
    fn: Callable[[], dict[str, Any]],
    rows_of: Callable[[dict[str, Any]], int | None],
    sampler: RssSampler,
    profile_dir: Path | None = None,
) -> StageRecord:
    """Run ``fn`` once; wall time, rows (from its result) per second and RSS high-water.

    With ``profile_dir`` the stage runs under cProfile (slower: for finding causes only).
    """
    sampler.take()
    started = time.perf_counter()
    result = profiled(fn, profile_dir / f"{name}.prof") if profile_dir else fn()
    seconds = time.perf_counter() - started
    peak = sampler.take()
    rows = rows_of(result)
    return StageRecord(
        name=name,
        seconds=round(seconds, 3),
        rows=rows,
        rows_per_s=round(rows / seconds, 1) if rows is not None and seconds > 0 else None,
        peak_rss_gb=round(peak / GB, 3),
        result=result if isinstance(result, dict) else {"value": result},
    )


def machine_info() -> dict[str, Any]:
    """Cores, memory, versions and load: what a reader needs to compare two bench runs."""
    import duckdb
    import pandas

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return {
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_gb": round(psutil.virtual_memory().total / GB, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
