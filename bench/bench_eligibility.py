"""Checking a unit's list of 2,000 rows against the rules (target under 2 s), median of 3 runs.

The file is the board's own template filled with a mix of the routes (met, missed by a year,
missed by an initiative, gapped, disciplined, judgement-only, wrong type). Timed as the check
runs it: opening the .xlsx, reading every row, validating it and giving its verdict and text.
Baseline in the same run: openpyxl reading the same file's cells and nothing else, so the
check's own cost is the difference.
"""

from __future__ import annotations

import io
import time

import openpyxl

from bench.report import median, result
from config.catalog import load_catalog
from config.eligibility import eligibility_from
from config.settings import CONFIG_DIR
from handlers.nomination.unit_list import check_workbook, write_template

ROWS = 2_000
TARGET_SECONDS = 2.0
RUNS = 3
YEAR = 2025
_MIX = [
    ("Cá nhân", "BKCT", "", "2024, 2025", 0, "Không"),
    ("Cá nhân", "BKCT", "2023, 2024", "", 2, ""),
    ("Cá nhân", "BKCT", "2025", "", 2, "Không"),
    ("Cá nhân", "BKCT", "2024, 2025", "", 1, "Không"),
    ("Cá nhân", "BKCT", "2022, 2024", "", 2, "Không"),
    ("Cá nhân", "CSTDT", "", "2023-2025", 1, "Không"),
    ("Cá nhân", "BKCT", "2024, 2025", "2024, 2025", 3, "Có"),
    ("Tập thể", "COTD", "", "", 0, ""),
    ("Tập thể", "CSTDT", "", "", 0, ""),
    ("Hộ gia đình", "BKCT", "", "", 0, ""),
]


def list_bytes(rows: int) -> bytes:
    catalog = load_catalog(CONFIG_DIR / "award_catalog.toml")
    rules = eligibility_from(CONFIG_DIR / "eligibility.toml")
    workbook = openpyxl.load_workbook(io.BytesIO(write_template(catalog, rules)))
    sheet = workbook.worksheets[0]
    for index in range(rows):
        kind, award, excellent, base, initiatives, disciplined = _MIX[index % len(_MIX)]
        sheet.append(
            [
                index + 1,
                f"Người thứ {index + 1}",
                kind,
                "Chuyên viên, Sở X",
                award,
                "",
                "Hoàn thành xuất sắc nhiệm vụ",
                excellent,
                "",
                base,
                initiatives,
                "BKCT 2019",
                disciplined,
                "0912345678",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> list[dict]:
    content = list_bytes(ROWS)
    catalog = load_catalog(CONFIG_DIR / "award_catalog.toml")
    rules = eligibility_from(CONFIG_DIR / "eligibility.toml")
    checks: list[float] = []
    reads: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        checked = check_workbook(content, catalog, rules, YEAR)
        checks.append(time.perf_counter() - started)
        assert len(checked.rows) == ROWS
        started = time.perf_counter()
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        cells = sum(len(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        reads.append(time.perf_counter() - started)
        assert cells > ROWS
    check_s, read_s = median(checks), median(reads)
    print(
        f"check {ROWS} rows: median {check_s:.3f} s (runs {', '.join(f'{x:.3f}' for x in checks)})"
    )
    print(f"baseline, openpyxl read only: median {read_s:.3f} s")
    return [
        result(
            f"eligibility check, {ROWS:,} rows",
            check_s,
            "s",
            target=f"< {TARGET_SECONDS:g} s",
            met=check_s < TARGET_SECONDS,
            note=f"baseline openpyxl read {read_s:.2f} s",
        )
    ]
