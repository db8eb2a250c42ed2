"""Staff search (/tim) on 100,000 dossiers: accents are folded by a Python function in SQLite,
so every search reads the whole table; this prints what that costs (no target)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.data import database
from bench.report import median, result
from db.casework import CaseworkRepository
from db.connection import open_database
from handlers.search import MAX_RESULTS, clean_query

DOSSIERS = 100_000
RUNS = 5
QUERIES = {
    "a common name (nguyen van)": "Nguyễn Văn",
    "a rare name": "Hoàng Thị Yến Nhi",
    "a code fragment (0042)": "0042",
}


async def run() -> list[dict[str, Any]]:
    db = await open_database(database(DOSSIERS))
    repository = CaseworkRepository(db)
    rows = []
    try:
        for label, text in QUERIES.items():
            query = clean_query(text)
            samples = []
            found = 0
            for _ in range(RUNS):
                started = time.perf_counter()
                found = len(await repository.search(query, limit=MAX_RESULTS + 1))
                samples.append(time.perf_counter() - started)
            rows.append(
                result(
                    f"search, 100k dossiers, {label}: median of {RUNS}",
                    median(samples) * 1000,
                    "ms",
                    note=f"{found} matches (capped at {MAX_RESULTS + 1})",
                )
            )
    finally:
        await db.close()
    return rows


def main() -> list[dict[str, Any]]:
    return asyncio.run(run())


if __name__ == "__main__":
    from bench.report import table

    print(table(main()))
