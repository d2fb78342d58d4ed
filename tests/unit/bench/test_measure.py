"""Peak memory figures belong to the process that reports them."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from pipelines.bench.measure import GB, ru_maxrss_bytes


def test_child_peak_rss_is_its_own_not_the_parents_at_fork() -> None:
    ballast = np.ones(400 * 1024 * 1024 // 8)  # the parent holds 400 MiB
    ballast[::4096] += 1  # touch every page
    assert ru_maxrss_bytes() > 0.35 * GB
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pipelines.bench.measure import ru_maxrss_bytes; print(ru_maxrss_bytes())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # getrusage's ru_maxrss would report the parent's 400 MiB here (it survives execve)
    assert int(child.stdout) < 0.2 * GB
