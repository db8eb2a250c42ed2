"""Sealing the full phone numbers an import keeps for ZNS: AES-256-GCM against Fernet.

An import with ZNS on encrypts every row's number inside its transaction, so the cost per row
adds straight to a million-row import. Both ciphers seal the same 200,000 numbers as written in
an export; the median of 3 runs is reported, Fernet (the first choice) as the baseline.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from cryptography.fernet import Fernet

from bench.report import result
from handlers.zns import PhoneVault, zalo_phone

ROWS = 200_000
RUNS = 3


def _per_row(seal: Any, numbers: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for written, code in numbers:
        seal(written, code)
    return (time.perf_counter() - started) / len(numbers) * 1e6


def main() -> list[dict[str, Any]]:
    numbers = [
        (f"09{n % 100_000_000:08d}", f"000.00.21.H01-261120-{n % 10_000:04d}") for n in range(ROWS)
    ]
    vault = PhoneVault(os.urandom(32))
    fernet = Fernet(Fernet.generate_key())

    def fernet_seal(written: str, _code: str) -> bytes | None:
        phone = zalo_phone(written)
        return fernet.encrypt(phone.encode()) if phone is not None else None

    gcm = statistics.median(_per_row(vault.seal, numbers) for _ in range(RUNS))
    baseline = statistics.median(_per_row(fernet_seal, numbers) for _ in range(RUNS))
    return [
        result("phone seal, AES-256-GCM (kept)", gcm, "µs/row"),
        result("phone seal, Fernet (baseline)", baseline, "µs/row"),
        result("1,000,000-row import with ZNS on: sealing", gcm, "s", note="µs/row × 10⁶ rows"),
    ]


if __name__ == "__main__":
    from bench.report import table

    print(table(main()))
