"""Excel in and out: .xlsx import equals CSV import, export→import changes nothing, bad files."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.progress import wants_bar
from config.settings import Settings
from db.reports import ReportRepository
from handlers.excel import WRITERS, write_dossiers
from handlers.importing.columns import ParsedImport, phone_last4
from handlers.importing.readers import parse_csv, parse_xlsx
from handlers.services import Services
from tests.cli import run_cli

HEADER_VN = [
    "Mã hồ sơ",
    "Hình thức khen thưởng",
    "Đối tượng đề nghị",
    "Đơn vị",
    "Số điện thoại",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Trạng thái",
    "Ngày giải quyết",
    "Số quyết định",
    "Ghi chú",
]

CSV_ROWS = [
    [
        "000.00.21.H01-260105-0001",
        "BKCT",
        "Nguyễn Thị Hồng",
        "Trường THPT Chu Văn An",
        "0912 345 678",
        "05/01/2026",
        "",
        "Đã trả kết quả",
        "20/01/2026",
        "123/QĐ-UBND",
        "Trả tại bộ phận một cửa, có ký nhận",
    ],
    [
        "000.00.21.H33-260106-0002",
        "Khen thưởng thành tích kháng chiến",
        "Hộ gia đình ông Lê Văn Tám",
        "",
        "",
        "06/01/2026",
        "20/02/2026",
        "Đang thẩm định",
        "",
        "",
        "",
    ],
    [
        "000.00.21.H01-260107-0003",
        "GK",
        '=HYPERLINK("x")',
        'Phòng "Tổ chức", Sở Nội vụ',
        "+84 987 654 321",
        "2026-01-07",
        "2026-01-28",
        "rejected",
        "2026-01-27",
        "",
        "Thiếu biên bản họp,\nđề nghị bổ sung",
    ],
]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def workbook_bytes(rows: list[list[object]], *, merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a typed-in '=…
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx(services: Services, data: bytes) -> ParsedImport:
    return parse_xlsx(data, services.catalog, services.calendar)


def errors_of(parsed: ParsedImport) -> str:
    assert not parsed.ok
    assert parsed.rows == [] or parsed.errors
    return "\n".join(parsed.error_lines())


def test_xlsx_import_equals_csv_import_of_the_same_rows(services: Services) -> None:
    from_csv = parse_csv(csv_bytes(HEADER_VN, CSV_ROWS), services.catalog, services.calendar)
    # The same rows as an officer's workbook has them: real date cells, a phone typed as a
    # number (Excel drops its leading zero), an empty cell where the CSV has "".
    sheet_rows: list[list[object]] = [list(HEADER_VN)]
    for cells in CSV_ROWS:
        row: list[object] = list(cells)
        for index in (5, 6, 8):
            row[index] = _as_date_cell(cells[index])
        sheet_rows.append(row)
    sheet_rows[1][4] = 912345678
    sheet_rows[2][3] = None
    from_xlsx = xlsx(services, workbook_bytes(sheet_rows))

    assert from_csv.ok, from_csv.errors
    assert from_xlsx.ok, from_xlsx.errors
    assert len(from_xlsx.rows) == 3
    assert from_xlsx.rows == from_csv.rows
    assert from_xlsx.rows[0].phone_last4 == "5678"
    assert from_xlsx.rows[2].nominee == '=HYPERLINK("x")'


def _as_date_cell(text: str) -> object:
    if not text:
        return None
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        return datetime(year, month, day)
    return date.fromisoformat(text)


def test_xlsx_errors_carry_the_sheets_row_numbers(services: Services) -> None:
    unknown_award = [CSV_ROWS[1][0], "Huy chương không có", *CSV_ROWS[1][2:]]
    # Row 3 is empty and skipped; the bad row is row 4 of the sheet, and is reported so.
    parsed = xlsx(services, workbook_bytes([HEADER_VN, CSV_ROWS[0], [], unknown_award]))
    assert parsed.error_lines() == [
        "Dòng 4: hình thức khen thưởng “Huy chương không có” không có trong danh mục"
    ]


async def export(services: Services, suffix: str) -> bytes:
    buffer = io.BytesIO()
    writer = WRITERS[suffix](buffer)
    await write_dossiers(ReportRepository(services.db).export_rows(batch_size=2), writer)
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_export_then_import_changes_nothing(services: Services, suffix: str) -> None:
    first = parse_csv(csv_bytes(HEADER_VN, CSV_ROWS), services.catalog, services.calendar)
    assert first.ok, first.errors
    counts = await services.dossiers.upsert_many(first.rows, actor="test", now=services.now())
    assert counts.inserted == 3

    exported = await export(services, suffix)
    parse = parse_xlsx if suffix == ".xlsx" else parse_csv
    again = parse(exported, services.catalog, services.calendar)

    assert again.ok, again.errors
    # Phones come back as their last 4 digits, which is all the database ever held.
    assert sorted(again.rows, key=lambda r: r.code) == sorted(first.rows, key=lambda r: r.code)
    counts = await services.dossiers.upsert_many(again.rows, actor="test", now=services.now())
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 3)
    # And a second export is the same file content (CSV) or the same rows (XLSX).
    second = await export(services, suffix)
    if suffix == ".csv":
        assert second == exported
    else:
        assert parse(second, services.catalog, services.calendar).rows == again.rows


async def test_xlsx_export_keeps_formula_like_text_as_text(services: Services) -> None:
    parsed = parse_csv(csv_bytes(HEADER_VN, CSV_ROWS), services.catalog, services.calendar)
    await services.dossiers.upsert_many(parsed.rows, actor="test", now=services.now())
    book = openpyxl.load_workbook(io.BytesIO(await export(services, ".xlsx")))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "code",
        "award_kind",
        "nominee",
        "unit",
        "phone",
        "received_on",
        "due_on",
        "status",
        "resolved_on",
        "decision_no",
        "note",
    ]
    nominee = next(row[2] for row in sheet.iter_rows(min_row=2) if row[0].value.endswith("0003"))
    assert nominee.data_type == "s"
    assert nominee.value == '=HYPERLINK("x")'
    # Dates are real dates, so officers can sort and filter them.
    assert isinstance(sheet["F2"].value, datetime)


def test_phone_last4_accepts_an_exported_last4() -> None:
    assert phone_last4("0912345678") == "5678"
    assert phone_last4("5678") == "5678"
    assert phone_last4("0439") == "0439"
    assert phone_last4("123") is None
    assert phone_last4("12345") is None
    assert phone_last4("12ab") is None


# --- Bad workbooks ------------------------------------------------------------------------


def test_password_protected_or_old_xls_is_named_as_such(services: Services) -> None:
    # An encrypted .xlsx is an OLE2 compound file, exactly like an old .xls.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    assert "đặt mật khẩu" in errors_of(xlsx(services, ole))


def test_unreadable_files(services: Services) -> None:
    good = workbook_bytes([HEADER_VN, CSV_ROWS[0]])
    for data in (b"", b"not a workbook at all", good[: len(good) // 2], _zip_without_workbook()):
        assert "Không đọc được tệp Excel" in errors_of(xlsx(services, data))


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return buffer.getvalue()


def test_merged_header_cells(services: Services) -> None:
    rows = [["Mã hồ sơ", None, *HEADER_VN[2:]], CSV_ROWS[0]]
    message = errors_of(xlsx(services, workbook_bytes(rows, merge="A1:B1")))
    assert "Dòng tiêu đề có ô bị gộp (A1:B1)" in message


def test_merged_data_cells(services: Services) -> None:
    rows = [HEADER_VN, CSV_ROWS[0], CSV_ROWS[1]]
    message = errors_of(xlsx(services, workbook_bytes(rows, merge="K2:K3")))
    assert "ô bị gộp (K2:K3)" in message


def test_extra_columns(services: Services) -> None:
    unknown = xlsx(services, workbook_bytes([[*HEADER_VN, "Cột thêm"], [*CSV_ROWS[0], "x"]]))
    assert "Cột không nhận ra: Cột thêm" in errors_of(unknown)

    beyond = xlsx(services, workbook_bytes([HEADER_VN, [*CSV_ROWS[0], "", "lạc cột"]]))
    assert "Dòng 2: dòng có nhiều cột hơn dòng tiêu đề" in errors_of(beyond)

    blank = [*HEADER_VN[:3], None, *HEADER_VN[3:]]
    hole = xlsx(services, workbook_bytes([blank, [*CSV_ROWS[0][:3], "?", *CSV_ROWS[0][3:]]]))
    assert "Cột D không có tiêu đề" in errors_of(hole)


def test_empty_sheet(services: Services) -> None:
    assert "Tệp trống" in errors_of(xlsx(services, workbook_bytes([])))


def test_progress_bar_only_on_a_terminal_for_big_jobs() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not wants_bar(50_000, io.StringIO())
    assert not wants_bar(1000, Terminal())
    assert not wants_bar(None, Terminal())
    assert wants_bar(1001, Terminal())


# --- Command line -------------------------------------------------------------------------


async def test_cli_export_import_round_trip(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    source = tmp_path / "mot-cua.csv"
    source.write_bytes(csv_bytes(HEADER_VN, CSV_ROWS))
    done = run_cli(settings, "import", str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3 mới" in done.stdout

    for name in ("ho-so.xlsx", "ho-so.csv"):
        target = tmp_path / name
        done = run_cli(settings, "export", "--what", "dossiers", "-o", str(target), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Đã xuất 3 hồ sơ ra tệp")
        again = run_cli(settings, "import", str(target), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert "0 mới, 0 cập nhật, 3 không đổi" in again.stdout

    period = tmp_path / "thang-1.xlsx"
    one_day = ["--from", "2026-01-06", "--to", "2026-01-06"]
    done = run_cli(settings, "export", *one_day, "-o", str(period), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [row.code for row in xlsx(services, period.read_bytes()).rows] == [
        "000.00.21.H33-260106-0002"
    ]


async def test_cli_export_bad_input_writes_nothing(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "out.xlsx"
    cases = (
        (["--what", "nominations"], "Chưa có đề nghị khen thưởng nào"),
        ([], "Không có hồ sơ nào để xuất"),
        (["--from", "2026-02-01", "--to", "2026-01-01"], "trước ngày đầu kỳ"),
        (["--from", "2999-01-01"], "chưa đến"),
        (["--to", "01/02/2026"], "không phải ngày hợp lệ"),
    )
    for args, message in cases:
        done = run_cli(settings, "export", *args, "-o", str(target), cwd=tmp_path)
        assert done.returncode == 1, args
        assert message in done.stderr, (args, done.stderr)
        assert not target.exists()
    done = run_cli(settings, "export", "-o", str(tmp_path / "out.ods"), cwd=tmp_path)
    assert done.returncode == 1 and ".xlsx hoặc .csv" in done.stderr
    # Only the database is there: no output, no leftover partial file.
    assert [p.name for p in tmp_path.iterdir() if "sqlite3" not in p.name] == []


async def test_cli_import_of_a_bad_workbook_writes_nothing(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "gop-o.xlsx"
    bad.write_bytes(
        workbook_bytes([["Mã hồ sơ", None, *HEADER_VN[2:]], CSV_ROWS[0]], merge="A1:B1")
    )
    done = run_cli(settings, "import", str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert "ô bị gộp" in done.stderr
    assert "không ghi gì" in done.stderr
    assert await services.dossiers.count() == 0
