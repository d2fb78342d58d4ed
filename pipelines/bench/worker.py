"""Child-process entry: ``python -m pipelines.bench.worker TASK ARGS_JSON OUT_JSON``.

Generation, the floor, the pandas reference and the incremental measurement run in their own
processes so that the pipeline process's peak RSS (``ru_maxrss``, a lifetime high-water mark)
counts the pipeline stages only. The result dict is written to ``OUT_JSON``; logs go to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from pipelines.bench.data import CitySpec, prepare_city, reading_files
from pipelines.settings import get_paths


def run_task(task: str, args: dict[str, Any]) -> dict[str, Any]:
    paths = get_paths(data_dir=args["data_dir"])
    if task == "generate":
        return prepare_city(
            paths,
            CitySpec(**args["spec"]),
            regenerate=args.get("regenerate", False),
            progress=args.get("progress", True),
        )
    if task == "floor":
        from pipelines.bench.floor import floor_pass

        return floor_pass(reading_files(paths))
    if task == "pandas":
        from pipelines.bench.pandas_job import run_pandas

        return run_pandas(
            reading_files(paths, day_only=True),
            paths.landing / "sensors" / "sensors.csv",
            int(args["sample_sensors"]),
        )
    if task == "incremental":
        from pipelines.bench.incremental import run_incremental

        return run_incremental(
            paths,
            CitySpec(**args["spec"]),
            history_days=int(args.get("history_days", 30)),
            repeats=int(args.get("repeats", 2)),
        )
    raise ValueError(f"unknown bench task {task!r}")


def main(argv: list[str]) -> int:
    task, args_json, out = argv
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    result = run_task(task, json.loads(args_json))
    Path(out).write_text(json.dumps(result, default=str, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
