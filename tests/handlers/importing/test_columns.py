"""The import's fast ways: a batch checked by columns (the same rules, once per distinct value)
gives exactly what checking row by row gives; the cyclic collector paused during an import is
running again after it."""

from __future__ import annotations

import csv
import gc
import io
import random
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from handlers.importing.batches import parse_chunks
from handlers.importing.columns import ParsedImport
from handlers.importing.files import csv_chunks, read_chunks
from handlers.importing.readers import parse_csv
from handlers.importing.rules import RowChecker, RowRules
from handlers.importing.writer import import_chunks
from handlers.services import Services
from tests.handlers.test_excel import HEADER_VN

HEADER = list(HEADER_VN)
#: Cells that are wrong, odd or need the careful way, per column (the header's order).
ODD: list[list[str]] = [
    # The last: a duplicate of an early code.
    [
        "000.00.21.h01-260213-0001",
        " 000.00.21.H01-260213-0002",
        "000.00.21.H01-260231-0003",
        "",
        "abc",
        "000.00.21.H01-260213-0001",
    ],
    ["NOPE", "", "  BKCT ", "bkct", "BK\u202eCT"],
    ["", " Người có khoảng trắng ", "x" * 301, "Người\u202e số", "Nguyễn\tVăn", "Ng\u00a0A"],
    ["", " Sở Y tế ", "u" * 301, "Sở\x1bY tế", "'=SUM(A1)"],
    ["0912 345 678", "12", "091234567890123", "+84912345678", "٠٩١٢٣٤٥٦٧٨", "0912345678 "],
    ["2026-02-13", " 13/02/2026", "31/02/2026", "", "01/01/1900", "  "],
    ["01/02/2026", "  ", "bad", "2026-03-15", "15/03/2026\u200e"],
    [
        "nope",
        " decided ",
        "9",
        "Yêu cầu bổ sung hồ sơ",
        "Đã có quyết định khen thưởng",
        "decided",
        "returned",
        "\u202edecided",
    ],
    ["02/03/2026", "01/01/2026", "bad", "  "],
    ["d" * 101, "12/QĐ-UBND", " 7/QĐ "],
    ["'=SUM(A1)", "dòng 1\ndòng 2", "n" * 2001, "'+1", "ghi\x00chú", "''=1"],
]


def clean_row(rng: random.Random, number: int) -> list[str]:
    """A well-formed row, as a real export has them."""
    decided = rng.random() < 0.3
    received = rng.choice(["13/02/2026", "16/02/2026", "02/03/2026"])
    return [
        f"000.00.21.H01-26{received[3:5]}{received[:2]}-{number:04d}",  # the code's day
        rng.choice(["BKCT", "COTD", "CSTDT", "GK"]),
        f"Người số {number}",
        rng.choice(["Sở Y tế", "UBND xã Tân Hiệp", "Trường THPT Nguyễn Trung Trực"]),
        rng.choice(["", "0912345678", "84912345678", "0900000013"]),
        received,
        rng.choice(["", "", "20/04/2026"]),
        "decided" if decided else rng.choice(["", "Yêu cầu bổ sung hồ sơ"]),
        "10/03/2026" if decided else "",
        rng.choice(["12/QĐ-UBND", ""]) if decided else "",
        rng.choice(["", "", "ghi chú"]),
    ]


def export(rng: random.Random, rows: int, *, odd: float = 0.08) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number in range(1, rows + 1):
        cells = clean_row(rng, number)
        if rng.random() < odd:
            column = rng.randrange(len(cells))
            cells[column] = rng.choice(ODD[column])
        shape = rng.random() if odd else 1
        if shape < 0.01:
            out.write("\r\n")  # a blank line
        elif shape < 0.02:
            cells.append("extra")
        elif shape < 0.03:
            cells = cells[: rng.randrange(1, len(cells))]
        writer.writerow(cells)
    return out.getvalue()


def row_by_row(patch: pytest.MonkeyPatch) -> None:
    """Every batch checked the careful way, one row at a time."""
    patch.setattr(RowChecker, "check_columns", lambda self, columns: None)


def fast_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the batches the column check accepts (so a test knows the fast way ran)."""
    accepted: list[int] = []
    check_columns = RowChecker.check_columns

    def counting(self: RowChecker, columns: list[list[str]]) -> Any:
        records = check_columns(self, columns)
        if records is not None:
            accepted.append(len(records))
        return records

    monkeypatch.setattr(RowChecker, "check_columns", counting)
    return accepted


def both_ways(
    services: Services, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[ParsedImport, ParsedImport, list[int]]:
    """`parse_csv` as it runs, then row by row; and the sizes of the batches read by columns."""
    accepted = fast_batches(monkeypatch)
    fast = parse_csv(data, services.catalog, services.calendar)
    monkeypatch.undo()
    with monkeypatch.context() as patch:
        row_by_row(patch)
        careful = parse_csv(data, services.catalog, services.calendar)
    return fast, careful, accepted


def read(services: Services, path: Path, *, keep_phones: bool) -> list[Any]:
    chunks = csv_chunks(
        path, services.catalog, services.calendar, size=8, parallel=False, keep_phones=keep_phones
    )
    return [(chunk.records, chunk.errors, chunk.lines) for chunk in chunks]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("keep_phones", [False, True])
def test_columns_and_rows_give_the_same_rows_errors_and_lines(
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    keep_phones: bool,
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(export(random.Random(seed), 240), encoding="utf-8-sig", newline="")
    accepted = fast_batches(monkeypatch)
    fast = read(services, path, keep_phones=keep_phones)
    assert accepted, "no batch was checked by columns"
    monkeypatch.undo()
    with monkeypatch.context() as patch:
        row_by_row(patch)
        careful = read(services, path, keep_phones=keep_phones)
    assert fast == careful
    assert any(errors for _records, errors, _lines in careful)


def test_a_whole_file_read_at_once_is_checked_the_same(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = export(random.Random(99), 300, odd=0).encode("utf-8")
    fast, careful, accepted = both_ways(services, data, monkeypatch)
    assert accepted == [300]
    assert (fast.records, fast.errors, fast.lines) == (
        careful.records,
        careful.errors,
        careful.lines,
    )


def test_a_clean_batch_is_read_by_columns_with_its_lines(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)
    rows = [clean_row(rng, number) for number in range(1, 17)]
    rows[3][10] = "dòng 1\ndòng 2"  # a quoted note over two lines: line numbers shift
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([HEADER, *rows])
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    accepted = fast_batches(monkeypatch)
    chunks: list[ParsedImport] = list(
        csv_chunks(path, services.catalog, services.calendar, size=8, parallel=False)
    )
    # The first batch holds a control character (the line break): row by row; the second not.
    assert accepted == [8]
    assert [chunk.lines for chunk in chunks] == [
        [2, 3, 4, 5, 7, 8, 9, 10],
        [11, 12, 13, 14, 15, 16, 17, 18],
    ]
    assert chunks[0].records[3][10] == "dòng 1\ndòng 2"
    assert not any(chunk.errors for chunk in chunks)


@pytest.mark.parametrize("odd", [0.0, 0.5])
async def test_the_collector_runs_again_after_an_import_written_or_rejected(
    services: Services, tmp_path: Path, odd: float
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(export(random.Random(3), 50, odd=odd), encoding="utf-8", newline="")
    paused: list[bool] = []

    def chunks() -> Iterator[ParsedImport]:
        for chunk in csv_chunks(path, services.catalog, services.calendar, parallel=False):
            paused.append(not gc.isenabled())
            yield chunk

    assert gc.isenabled()
    outcome = await import_chunks(services, chunks(), actor="import", estimated_rows=50)
    assert outcome.ok is (odd == 0.0)
    assert paused and all(paused)
    assert gc.isenabled()


def test_rows_given_as_a_list_are_read_once(services: Services) -> None:
    """parse_chunks takes any iterable of records: a list is not read again and again."""
    header = ["code", "award_kind", "nominee", "received_on"]
    rows = [
        (line, [f"000.00.21.H01-260213-000{line}", "BKCT", "A", "13/02/2026"]) for line in (2, 3, 4)
    ]
    chunks = parse_chunks(rows, header, services.catalog, services.calendar, size=1)
    # At most 10, so that reading the list from its start again fails here rather than hangs.
    read = list(islice(chunks, 10))
    assert [chunk.lines for chunk in read] == [[2], [3], [4]]
    assert not any(chunk.errors for chunk in read)


def test_our_own_export_with_last_4_digits_is_read_by_columns(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(8)
    rows = [clean_row(rng, number) for number in range(1, 41)]
    for row in rows:
        row[4] = "5678"  # an export writes only the last 4 digits it keeps
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    data = out.getvalue().encode("utf-8")
    fast, careful, accepted = both_ways(services, data, monkeypatch)
    assert accepted == [40]
    assert (fast.records, fast.errors) == (careful.records, careful.errors)
    assert {row.phone_last4 for row in fast.rows} == {"5678"}


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        (0, "000.00.21.H01-٢٦٠٢١٣-0001"),  # Arabic-Indic digits in the code's day
        (4, "٠٩١٢٣٤٥٦٧٨"),  # and in the phone number
        (5, "١٣/٠٢/٢٠٢٦"),  # and in a date
    ],
)
def test_digits_other_than_ascii_are_refused_both_ways(
    services: Services, monkeypatch: pytest.MonkeyPatch, column: int, cell: str
) -> None:
    rows = [clean_row(random.Random(1), number) for number in range(1, 4)]
    rows[1][column] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    fast, careful, _accepted = both_ways(services, out.getvalue().encode("utf-8"), monkeypatch)
    assert [line for line, _message in fast.errors] == [3]
    assert fast.errors == careful.errors


@pytest.mark.parametrize("seed", range(6))
def test_the_chats_rules_give_the_same_rows_errors_and_lines_both_ways(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Today, decision numbers, officers and nominee types: by columns as row by row."""
    rng = random.Random(seed)
    header = [*HEADER, "officer", "nominee_type"]
    rows = []
    for number in range(1, 121):
        cells, officer, kind_type = clean_row(rng, number), "", ""
        odd = rng.random() < 0.04  # about one batch of 8 in four has one odd row
        if odd and cells[9]:
            cells[8] = rng.choice(["11/03/2026", cells[8]])  # resolved after today, or not
            cells[9] = rng.choice(["abc", "12/QĐ", "12 / qd - ubnd"])
        if odd or rng.random() < 0.2:
            officer = rng.choice(
                ["Nguyễn Thị Lan", "nguyen thi lan", "7", "Ai Đó"] if odd else [""]
            )
            kind_type = rng.choice(
                ["cá nhân", "tập thể", "hộ gia đình", "ai"] if odd else ["cá nhân"]
            )
        rows.append([*cells, officer, kind_type])
    path = tmp_path / "export.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    rules = RowRules(
        services.catalog,
        services.calendar,
        today=date(2026, 3, 10),
        officers={"nguyen thi lan": 1, "7": 1},
    )

    def read() -> list[Any]:
        chunks = read_chunks(path, rules, size=8, parallel=False)
        return [(chunk.records, chunk.errors, chunk.lines) for chunk in chunks]

    accepted = fast_batches(monkeypatch)
    fast = read()
    monkeypatch.undo()
    with monkeypatch.context() as patch:
        row_by_row(patch)
        careful = read()
    assert fast == careful
    assert accepted, "no batch was checked by columns"
    assert any(errors for _records, errors, _lines in careful)
