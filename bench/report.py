"""The benchmarks' one table and bench/results.json, with the date and the machine they ran on.

Each `bench_*.py` module's `main()` returns a list of result dicts made with `result()`:
`name`, `figure`, `unit`, `target` (text such as "≥ 5000", or None for an informative row) and
`met` (True, False or None); an optional `note` says why a target is not met.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def result(
    name: str,
    figure: float | str,
    unit: str,
    target: str | None = None,
    met: bool | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "figure": round(figure, 2) if isinstance(figure, float) else figure,
        "unit": unit,
        "target": target,
        "met": met,
    }
    if note:
        row["note"] = note
    return row


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The sample below which `fraction` of them lie (nearest rank); 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else 0.0


def machine() -> dict[str, Any]:
    """What the figures depend on: the platform, the CPUs, Python, and how busy it was."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(value, 2) for value in os.getloadavg()]
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        info["memory_gb"] = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return info


def _figure(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The results as one aligned text table."""
    header = ("benchmark", "figure", "unit", "target", "met")
    lines = [
        (
            str(row.get("name", "?")),
            _figure(row.get("figure")),
            str(row.get("unit", "")),
            str(row.get("target") or ""),
            {True: "yes", False: "NO", None: ""}[row.get("met")],
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    out.append("  ".join("-" * width for width in widths))
    for cells in lines:
        out.append(
            "  ".join(
                cell.rjust(width) if index == 1 else cell.ljust(width)
                for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
    notes = [f"- {row['name']}: {row['note']}" for row in rows if row.get("note")]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def write(rows: Sequence[dict[str, Any]], started: datetime, path: Path = RESULTS) -> dict:
    """Write bench/results.json; rows of benchmarks not run this time keep their own date."""
    stamp = started.isoformat(timespec="seconds")
    rows = [{**row, "measured": stamp} for row in rows]
    names = {row["name"] for row in rows}
    previous: list[dict[str, Any]] = []
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8")).get("results", [])
        except (ValueError, OSError):
            previous = []
    document = {
        "date": stamp,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "results": list(rows) + [row for row in previous if row.get("name") not in names],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document
