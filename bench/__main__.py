"""Runs every `bench_*.py` module's `main()`; `python -m bench NAME` runs those matching NAME."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import sys
import traceback
from datetime import UTC, datetime

import bench
from bench import report


def main(argv: list[str]) -> int:
    names = sorted(
        info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )
    wanted = [name for name in names if not argv or any(word in name for word in argv)]
    if not wanted:
        print(f"no benchmark matches {' '.join(argv)}; there are: {', '.join(names)}")
        return 1
    started = datetime.now(UTC)
    rows: list[dict] = []
    for name in wanted:
        print(f"== {name}", flush=True)
        try:
            result = importlib.import_module(f"bench.{name}").main()
            if inspect.iscoroutine(result):
                result = asyncio.run(result)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            result = [report.result(name, "error", "", note=f"{type(exc).__name__}: {exc}")]
        rows += result or []
    print()
    print(report.table(rows))
    document = report.write(rows, started)
    machine = document["machine"]
    print(
        f"\n{document['date']} · {machine['cpu']} · {machine['cpu_count']} CPUs"
        f" · Python {machine['python']} · load {machine.get('load_average')}"
        f" → {report.RESULTS}"
    )
    # An unmet target is a figure to read, not a failure; a benchmark that crashed is one.
    return 1 if any(row.get("figure") == "error" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
