"""CSV import of the one-stop export: parsing, validation, all-or-nothing and the CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from config.settings import ROOT
from db.connection import open_database
from db.dossiers import DossierRepository
from domain.statuses import Status
from handlers.importing.columns import ParsedImport, parse_date, phone_last4
from handlers.importing.readers import parse_csv
from handlers.services import Services
from tests.engines import on_both_engines as pytest_generate_tests

# The import writes the same rows on both engines (all or nothing).
__all__ = ["pytest_generate_tests"]

HEADER = "code,award_kind,nominee,unit,phone,received_on,due_on,status,resolved_on,decision_no,note"
ROW_1 = (
    "000.00.21.H01-260213-0001,BKCT,Nguyễn Văn An,Trường THCS Lê Quý Đôn,"
    "0912 345 678,13/02/2026,,,,,"
)
ROW_2 = (
    "000.00.21.h01-260213-0002,Chiến sĩ thi đua cấp tỉnh,Trần Thị Bích,Bệnh viện Đa khoa tỉnh,"
    "+84987654321,2026-02-13,2026-04-30,Đang thẩm định,,,"
)
ROW_3 = (
    "000.00.21.H01-260105-0003,TTLDXS,Phòng Kinh tế xã Vĩnh Thạnh Trung,UBND xã,"
    '0296.371.234,05/01/2026,,decided,2026-02-02,1234/QĐ-UBND,"Đã trao, chờ trả"'
)


def csv_bytes(*lines: str, bom: bool = False, encoding: str = "utf-8") -> bytes:
    """A CSV file's bytes from its lines (header included), CRLF like spreadsheet exports."""
    text = "\r\n".join(lines) + "\r\n"
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def to_cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: a base letter (â, ơ, ...) followed by a combining tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            if marks and marks[0] not in TONE_MARKS:
                base = unicodedata.normalize("NFC", base + marks.pop(0))
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def parse(services: Services, data: bytes) -> ParsedImport:
    """parse_csv with the services' catalogue and calendar."""
    return parse_csv(data, services.catalog, services.calendar)


@pytest.mark.parametrize("bom", [False, True])
def test_happy_path(services: Services, bom: bool) -> None:
    result = parse(services, csv_bytes(HEADER, ROW_1, ROW_2, ROW_3, bom=bom))
    assert result.ok, result.errors
    first, second, third = result.rows
    assert first.code == "000.00.21.H01-260213-0001"
    assert first.award_kind == "BKCT"
    assert first.nominee == "Nguyễn Văn An"
    assert first.unit == "Trường THCS Lê Quý Đôn"
    assert first.phone_last4 == "5678"
    assert first.received_on == date(2026, 2, 13)
    # Empty due_on: 25 working days of a Bằng khen, counted across Tết 2026.
    assert first.due_on == date(2026, 3, 27)
    assert first.status is Status.received
    assert first.resolved_on is None and first.decision_no is None and first.note is None

    assert second.code == "000.00.21.H01-260213-0002"
    assert second.award_kind == "CSTDT"
    assert second.phone_last4 == "4321"
    assert second.due_on == date(2026, 4, 30)
    assert second.status is Status.in_review

    assert third.status is Status.decided
    assert third.resolved_on == date(2026, 2, 2)
    assert third.decision_no == "1234/QĐ-UBND"
    assert third.note == "Đã trao, chờ trả"
    assert third.due_on == services.calendar.add_working_days(date(2026, 1, 5), 20)


def test_vietnamese_headers_and_accentless_award_name(services: Services) -> None:
    header = (
        "Mã hồ sơ,Hình thức khen thưởng,Đối tượng đề nghị,Đơn vị,Số điện thoại,"
        "Ngày tiếp nhận,Ngày hẹn trả,Trạng thái,Ngày giải quyết,Số quyết định,Ghi chú"
    )
    row = (
        "000.00.21.H01-260213-0001,bang khen cua chu tich ubnd tinh,Nguyễn Văn An,,"
        "0912345678,13/2/2026,,Yeu cau bo sung ho so,,,Bổ sung biên bản họp"
    )
    result = parse(services, csv_bytes(header, row, bom=True))
    assert result.ok, result.errors
    (item,) = result.rows
    assert item.award_kind == "BKCT"
    assert item.status is Status.needs_supplement
    assert item.note == "Bổ sung biên bản họp"
    assert item.due_on == date(2026, 3, 27)


def test_columns_in_any_order_and_optional_ones_missing(services: Services) -> None:
    data = csv_bytes(
        "received_on,nominee,code,award_kind", "2026-11-20,Lê Hoàng Cường,A1-261120-0001,gk"
    )
    result = parse(services, data)
    assert result.ok, result.errors
    (item,) = result.rows
    assert item.award_kind == "GK"
    assert item.phone_last4 == ""
    assert item.due_on == services.calendar.add_working_days(date(2026, 11, 20), 15)


def test_blank_lines_are_skipped(services: Services) -> None:
    result = parse(services, csv_bytes(HEADER, ROW_1, "", ",,,,,,,,,,", ROW_2))
    assert result.ok, result.errors
    assert len(result.rows) == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-13", date(2026, 2, 13)),
        ("13/02/2026", date(2026, 2, 13)),
        ("3/2/2026", date(2026, 2, 3)),
        (" 29/02/2028 ", date(2028, 2, 29)),
        ("29/02/2026", None),
        ("2026-13-01", None),
        ("02/13/2026", None),
        ("13-02-2026", None),
        ("13.02.2026", None),
        ("hôm qua", None),
    ],
)
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912345678", "5678"),
        ("0912 345 678", "5678"),
        ("+84 912-345-678", "5678"),
        ("(0296) 3.841.234", "1234"),
        ("12345", None),
        ("09123456789012", None),
        ("09x2345678", None),
    ],
)
def test_phone_last4(value: str, expected: str | None) -> None:
    assert phone_last4(value) == expected


BAD_ROWS = [
    (
        "000.00.21.H01-260213-0003,BKCT,Lê Văn C,,0912345678,31/02/2026,,,,,",
        "ngày tiếp nhận “31/02/2026” không phải ngày hợp lệ",
    ),
    (
        "000.00.21.H01-260213-0004,Huy chương vàng,Lê Văn D,,0912345678,2026-02-13,,,,,",
        "hình thức khen thưởng “Huy chương vàng” không có trong danh mục",
    ),
    (
        "000.00.21.H01-260213-0001,BKCT,Lê Văn E,,0912345678,2026-02-13,,,,,",
        "trùng với dòng 2",
    ),
    (
        "000.00.21.H01-260213-0006,BKCT,Lê Văn F,,không có,2026-02-13,,,,,",
        "số điện thoại “không có” không hợp lệ",
    ),
    ("000.00.21.H01-171332-0007,BKCT,Lê Văn G,,,2026-02-13,,,,,", "không đúng dạng"),
    ("000.00.21.H01-260213-0008,BKCT,,,,2026-02-13,,,,,", "thiếu đối tượng đề nghị"),
    (
        "000.00.21.H01-260213-0009,BKCT,Lê Văn I,,,2026-02-13,,đã xong,,,",
        "trạng thái “đã xong” không hợp lệ",
    ),
    (
        "000.00.21.H01-260213-0010,BKCT,Lê Văn K,,,2026-02-13,,rejected,,,",
        "cần có ngày giải quyết",
    ),
    ("000.00.21.H01-260213-0011,BKCT,Lê Văn L,,,2026-02-13,2026-02-01,,,,", "hẹn trả trước"),
    ("000.00.21.H01-260213-0012,BKCT,Lê Văn M,,,2026-02-13,,,,,,thừa", "nhiều cột hơn"),
]


def test_every_bad_row_is_reported_with_its_line(services: Services) -> None:
    lines = [HEADER, ROW_1, ROW_2, *(row for row, _ in BAD_ROWS), ROW_3]
    result = parse(services, csv_bytes(*lines))
    assert not result.ok
    reported = dict(result.errors)
    for offset, (_, reason) in enumerate(BAD_ROWS):
        line = 4 + offset
        assert reason in reported.get(line, ""), (line, reported.get(line))
    assert set(reported) == {4 + offset for offset in range(len(BAD_ROWS))}
    messages = result.error_lines()
    assert messages[0].startswith("Dòng 4: ")


def test_line_numbers_count_quoted_newlines(services: Services) -> None:
    multiline = (
        '000.00.21.H01-260213-0005,BKCT,Lê Văn X,,0912345678,2026-02-13,,,,,"Dòng một\r\nDòng hai"'
    )
    bad = "000.00.21.H01-260213-0006,BKCT,Lê Văn Y,,0912345678,2026-02-30,,,,,"
    result = parse(services, csv_bytes(HEADER, multiline, bad))
    assert [line for line, _ in result.errors] == [4]


def test_missing_column(services: Services) -> None:
    data = csv_bytes(
        "code,award_kind,phone,received_on", "A1-261120-0001,BKCT,0912345678,2026-11-20"
    )
    result = parse(services, data)
    assert result.rows == []
    assert result.errors == [(1, "Thiếu cột bắt buộc: nominee.")]


def test_unknown_column(services: Services) -> None:
    data = csv_bytes(HEADER + ",Email", ROW_1 + ",a@b.vn")
    result = parse(services, data)
    assert result.rows == []
    assert result.errors == [(1, "Cột không nhận ra: Email.")]


def test_empty_file(services: Services) -> None:
    assert parse(services, b"").errors == [(1, "Tệp trống, không có dòng tiêu đề.")]


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1", "utf-16"])
def test_not_utf8(services: Services, encoding: str) -> None:
    ascii_row = "A1-261120-0001,BKCT,Le Van An,,0912345678,2026-11-20,,,,,"
    text = "\r\n".join([HEADER, ascii_row, "A1-261120-0002,BKCT,Café,,,2026-11-20,,,,,"])
    data = text.encode(encoding)
    result = parse(services, data)
    assert result.rows == []
    assert len(result.errors) == 1
    line, message = result.errors[0]
    assert "UTF-8" in message
    expected_line = 3 if encoding != "utf-16" else 1
    assert line == expected_line


def test_vietnamese_in_legacy_encoding_is_rejected(services: Services) -> None:
    data = csv_bytes(HEADER, ROW_1, encoding="cp1258")
    result = parse(services, data)
    assert result.rows == []
    assert [line for line, _ in result.errors] == [2]


# --- the command line -------------------------------------------------------------------


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a clean environment, cwd in tmp_path (no developer .env)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    clean["PYTHONPATH"] = str(ROOT)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_state(path: Path) -> tuple[int, list[tuple[str, str]], int]:
    """Dossier count, (code, status) pairs and the number of history rows in a database."""

    async def read() -> tuple[int, list[tuple[str, str]], int]:
        db = await open_database(path)
        try:
            rows = await db.fetch_all("SELECT code, status FROM dossiers ORDER BY code")
            history = await db.fetch_one("SELECT COUNT(*) FROM dossier_history")
            assert history is not None
            return len(rows), [(r[0], r[1]) for r in rows], int(history[0])
        finally:
            await db.close()

    return asyncio.run(read())


def test_cli_import_and_reimport(tmp_path: Path) -> None:
    database = tmp_path / "board.sqlite3"
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(HEADER, ROW_1, ROW_2, ROW_3, bom=True))

    result = run_bot(tmp_path, "import", str(export), TDKT_DATABASE=str(database))
    assert result.returncode == 0, result.stderr
    assert "Đã nhập 3 dòng: 3 mới, 0 cập nhật, 0 không đổi." in result.stdout
    assert "Traceback" not in result.stderr
    count, rows, history = read_state(database)
    assert count == 3 and history == 3

    again = run_bot(tmp_path, "import", str(export), TDKT_DATABASE=str(database))
    assert again.returncode == 0, again.stderr
    assert "Đã nhập 3 dòng: 0 mới, 0 cập nhật, 3 không đổi." in again.stdout
    assert read_state(database) == (count, rows, history)

    export.write_bytes(
        csv_bytes(HEADER, ROW_1.replace(",,,,,", ",,Đang thẩm định,,,"), ROW_2, ROW_3)
    )
    changed = run_bot(tmp_path, "import", str(export), TDKT_DATABASE=str(database))
    assert changed.returncode == 0, changed.stderr
    assert "Đã nhập 3 dòng: 0 mới, 1 cập nhật, 2 không đổi." in changed.stdout

    async def history_of_first() -> list[tuple[str | None, str, str]]:
        db = await open_database(database)
        try:
            repo = DossierRepository(db)
            dossier = await repo.get_by_code("000.00.21.H01-260213-0001")
            assert dossier is not None and dossier.status is Status.in_review
            entries = await repo.history(dossier.id)
            return [(e.from_status, e.to_status, e.actor) for e in entries]
        finally:
            await db.close()

    assert asyncio.run(history_of_first()) == [
        (Status.received, Status.in_review, "import"),
        (None, Status.received, "import"),
    ]


def test_cli_bad_file_writes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "board.sqlite3"
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(HEADER, ROW_1))
    assert run_bot(tmp_path, "import", str(export), TDKT_DATABASE=str(database)).returncode == 0
    before = read_state(database)

    bad_status = ROW_1.replace(",,,,,", ",,Đang thẩm định,,,")
    bad_date = "000.00.21.H01-260213-0009,BKCT,Lê Văn C,,0912345678,2026-02-30,,,,,"
    export.write_bytes(csv_bytes(HEADER, bad_status, ROW_2, bad_date))
    result = run_bot(tmp_path, "import", str(export), TDKT_DATABASE=str(database))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Dòng 4: ngày tiếp nhận “2026-02-30” không phải ngày hợp lệ" in result.stderr
    assert "Có 1 dòng lỗi — không ghi gì vào cơ sở dữ liệu." in result.stderr
    assert "Traceback" not in result.stderr
    assert read_state(database) == before


def test_cli_wrong_encoding_and_missing_file(tmp_path: Path) -> None:
    database = tmp_path / "board.sqlite3"
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(HEADER, ROW_1, encoding="cp1258"))
    result = run_bot(tmp_path, "import", str(export), TDKT_DATABASE=str(database))
    assert result.returncode == 1
    assert "Dòng 2: Tệp không phải UTF-8" in result.stderr
    assert read_state(database)[0] == 0

    missing = run_bot(tmp_path, "import", str(tmp_path / "nope.csv"), TDKT_DATABASE=str(database))
    assert missing.returncode == 1
    assert "nope.csv" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TDKT_TIMEZONE", "Mars/Olympus"),
        ("TDKT_TELEGRAM_BASE_URL", "api.telegram.org"),
        ("TDKT_AWARD_CATALOG", "/nonexistent/catalog.toml"),
    ],
)
def test_cli_bad_setting_exits_2_with_one_line(tmp_path: Path, variable: str, value: str) -> None:
    database = tmp_path / "board.sqlite3"
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(HEADER, ROW_1))
    result = run_bot(
        tmp_path, "import", str(export), TDKT_DATABASE=str(database), **{variable: value}
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr
    assert not database.exists()


def test_cli_bad_catalogue_content_exits_2(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[[award]]\ncode = "X"\n', encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(HEADER, ROW_1))
    result = run_bot(
        tmp_path,
        "import",
        str(export),
        TDKT_DATABASE=str(tmp_path / "board.sqlite3"),
        TDKT_AWARD_CATALOG=str(catalog),
    )
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if "TDKT_AWARD_CATALOG" in line]
    assert "[[award]] #1: name: Field required" in line
    assert "Traceback" not in result.stderr
