"""The unit's Excel list: the template's headers and guide, and every row's verdict and article."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from config.catalog import AwardCatalog, load_catalog
from config.eligibility import eligibility_from
from config.settings import Settings
from domain.eligibility import EligibilityRules, VerdictKind
from handlers.nomination.unit_list import (
    ListUnreadable,
    check_workbook,
    report_lines,
    write_template,
)
from handlers.texts import unit_list as t
from tests.cli import run_cli

YEAR = 2025
ISSUE_HEADERS = [
    "STT",
    "Họ và tên / Tên tập thể",
    "Loại",
    "Chức vụ, đơn vị",
    "Hình thức đề nghị",
    "Phong trào, chuyên đề",
    "Tóm tắt thành tích",
    "Năm hoàn thành xuất sắc nhiệm vụ",
    "Năm lao động tiên tiến",
    "Năm chiến sĩ thi đua cơ sở",
    "Số sáng kiến, đề tài được công nhận",
    "Khen thưởng đã nhận",
    "Đang bị kỷ luật",
    "Điện thoại",
]
L2022 = "Luật Thi đua, khen thưởng 2022"

# name, type, award, excellent years, base-emulation years, initiatives, disciplined,
# then the expected verdict's start and the article it must cite.
ROWS = [
    # BKCT, art. 74(1)(d), first route: two consecutive Chiến sĩ thi đua cơ sở.
    (
        "Nguyễn Văn An",
        "Cá nhân",
        "BKCT",
        "",
        "2024, 2025",
        0,
        "Không",
        "Đủ điều kiện",
        "Điều 74 khoản 1 điểm d",
    ),
    # The worked example of DESIGN.md: HTXSNV 2023 and 2024, one initiative in each year.
    (
        "Trần Thị Bình",
        "Cá nhân",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "2023, 2024",
        "",
        2,
        "",
        "Đủ điều kiện",
        "Điều 74 khoản 1 điểm d",
    ),
    # Missed by one year: one year of HTXSNV.
    (
        "Lê Văn Cường",
        "Cá nhân",
        "BKCT",
        "2025",
        "",
        2,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 74 khoản 1 điểm d",
    ),
    # Missed by one initiative.
    (
        "Phạm Thị Dung",
        "Cá nhân",
        "BKCT",
        "2024, 2025",
        "",
        1,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 74 khoản 1 điểm d",
    ),
    # Broken by a gap in the years.
    (
        "Hoàng Văn Em",
        "Cá nhân",
        "BKCT",
        "2022, 2024",
        "",
        2,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 74 khoản 1 điểm d",
    ),
    # Two consecutive years, but long ago: the last must be this year or the year before.
    (
        "Võ Thị Giang",
        "Cá nhân",
        "BKCT",
        "",
        "2020, 2021",
        0,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 74 khoản 1 điểm d",
    ),
    # CSTDT, art. 22(1): the computable part met, the province-wide influence is judgement.
    (
        "Đặng Văn Hải",
        "Cá nhân",
        "CSTDT",
        "",
        "2023-2025",
        1,
        "Không",
        "Cần cán bộ xem",
        "Điều 22 khoản 1",
    ),
    (
        "Bùi Thị Hoa",
        "Cá nhân",
        "CSTDT",
        "",
        "2024, 2025",
        1,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 22 khoản 1",
    ),
    (
        "Đỗ Văn Khoa",
        "Cá nhân",
        "CSTDT",
        "",
        "2023, 2024, 2025",
        0,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 22 khoản 1",
    ),
    (
        "Ngô Thị Lan",
        "Cá nhân",
        "CSTDT",
        "",
        "2021, 2023, 2025",
        1,
        "Không",
        "Chưa đủ điều kiện",
        "Điều 22 khoản 1",
    ),
    # Disciplined: never eligible, whatever else the row says.
    (
        "Dương Văn Minh",
        "Cá nhân",
        "BKCT",
        "2023, 2024, 2025",
        "2024, 2025",
        3,
        "Có",
        "Chưa đủ điều kiện",
        "Nghị định 152/2025/NĐ-CP",
    ),
    # Wrong nominee type.
    (
        "Trường THCS Lê Lợi",
        "Tập thể",
        "CSTDT",
        "",
        "",
        0,
        "",
        "Chưa đủ điều kiện",
        "Điều 22 khoản 1",
    ),
    ("Lý Văn Nam", "Cá nhân", "COTD", "", "", 0, "", "Chưa đủ điều kiện", "Điều 26"),
    # Judgement-only routes.
    ("Trường Tiểu học An Bình", "Tập thể", "COTD", "", "", 0, "", "Cần cán bộ xem", "Điều 26"),
    ("Phòng Tài chính huyện", "Tập thể", "TTLDXS", "", "", 0, "", "Cần cán bộ xem", "Điều 27"),
    ("Gia đình ông Trần Văn Tư", "Hộ gia đình", "BKCT", "", "", 0, "", "Cần cán bộ xem", "Điều 74"),
    ("Huỳnh Văn Phúc", "Cá nhân", "KTDX", "", "", 0, "", "Cần cán bộ xem", "Điều 74"),
]


@pytest.fixture
def catalog(settings: Settings) -> AwardCatalog:
    return load_catalog(settings.award_catalog)


@pytest.fixture
def rules(settings: Settings) -> EligibilityRules:
    return eligibility_from(settings.eligibility_file)


def filled(catalog: AwardCatalog, rules: EligibilityRules, rows: list[list[object]]) -> bytes:
    """The board's own template with `rows` typed under its header."""
    workbook = openpyxl.load_workbook(io.BytesIO(write_template(catalog, rules)))
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows() -> list[list[object]]:
    return [
        [i, name, kind, "Chuyên viên, Sở X", award, "", "", excellent, "", base, ini, "", disc, ""]
        for i, (name, kind, award, excellent, base, ini, disc, _v, _a) in enumerate(ROWS, 1)
    ]


def test_template_has_the_issue_headers_and_a_guide(
    catalog: AwardCatalog, rules: EligibilityRules
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(write_template(catalog, rules)))
    first, guide = workbook.worksheets
    assert [cell.value for cell in first[1]] == ISSUE_HEADERS
    assert guide.title == "Hướng dẫn"
    explained = [row[0] for row in guide.iter_rows(min_row=2, max_row=15, values_only=True)]
    assert explained == ISSUE_HEADERS
    listed = {row[0] for row in guide.iter_rows(values_only=True)}
    assert {kind.code for kind in catalog.kinds} <= listed
    kinds = {row[0]: row for row in guide.iter_rows(values_only=True) if row[0] in listed}
    assert kinds["BKCT"][3].startswith("Điều 74 Luật Thi đua, khen thưởng 2022")
    assert "Điều 74 khoản 1 điểm d" in kinds["BKCT"][4]
    assert kinds["LDTT"][4] == t.GUIDE_PRIOR_ONLY and kinds["HCLD3"][4] == t.GUIDE_NO_RULES


def test_every_route_met_missed_gapped_disciplined_judged_and_wrong_type(
    catalog: AwardCatalog, rules: EligibilityRules
) -> None:
    assert len(ROWS) >= 12
    result = check_workbook(filled(catalog, rules, template_rows()), catalog, rules, YEAR)
    assert [row.row for row in result.rows] == list(range(2, 2 + len(ROWS)))
    for row, expected in zip(result.rows, ROWS, strict=True):
        verdict, article = expected[7], expected[8]
        assert not row.problems, row
        assert row.text.startswith(verdict), (row.name, row.text)
        assert f"({article}" in row.text or f", {article})" in row.text, (row.name, row.text)
    texts = {row.name: row.text for row in result.rows}
    assert f"(Điều 74 khoản 1 điểm d {L2022})" in texts["Trần Thị Bình"]
    assert "mới có 1" in texts["Lê Văn Cường"]
    assert "02 sáng kiến, đề tài được công nhận (mới có 1)" in texts["Phạm Thị Dung"]
    assert "các năm 2022, 2024 không liên tục" in texts["Hoàng Văn Em"]
    assert "03 năm liên tục Chiến sĩ thi đua cơ sở" in texts["Bùi Thị Hoa"]
    assert "01 sáng kiến, đề tài được công nhận (mới có 0)" in texts["Đỗ Văn Khoa"]
    assert "không liên tục" in texts["Ngô Thị Lan"]
    assert "đang bị kỷ luật" in texts["Dương Văn Minh"]
    assert "chỉ xét cho cá nhân" in texts["Trường THCS Lê Lợi"]
    assert "chỉ xét cho tập thể" in texts["Lý Văn Nam"]
    assert "phạm vi ảnh hưởng trong tỉnh" in texts["Đặng Văn Hải"]
    assert result.count(VerdictKind.eligible) == 2
    assert result.count(VerdictKind.review) == 5
    submittable = {row.name for row in result.rows if row.submittable}
    assert "Dương Văn Minh" not in submittable and "Trần Thị Bình" in submittable


def test_the_worked_example_ages_out_after_the_year_before(
    catalog: AwardCatalog, rules: EligibilityRules
) -> None:
    content = filled(catalog, rules, template_rows()[1:2])
    assert check_workbook(content, catalog, rules, 2025).rows[0].text.startswith("Đủ")
    assert check_workbook(content, catalog, rules, 2026).rows[0].text.startswith("Chưa đủ")


def test_format_errors_name_their_line_and_column(
    catalog: AwardCatalog, rules: EligibilityRules
) -> None:
    rows = [
        [1, "Nguyễn Văn An", "Cá nhân", "", "BKCT", "", "", "", "", "2024, 2025", 0, "", "", ""],
        [],  # an empty line is skipped, and the numbering keeps Excel's
        [2, "", "Cá nhn", "", "XYZ", "", "", "20x4", "", "2027", "ba", "BKCT", "hm", "123"],
    ]
    result = check_workbook(filled(catalog, rules, rows), catalog, rules, YEAR)
    assert [row.row for row in result.rows] == [2, 4]
    broken = result.rows[1]
    joined = "; ".join(broken.problems)
    for part in (
        t.ERR_NAME,
        "Cá nhn",
        "“XYZ”",
        "“20x4”",
        "năm 2027 chưa tới",
        "“ba”",
        "BKCT 2021",
        "(đang ghi: hm)",
        "“123”",
    ):
        assert part in joined, part
    lines = report_lines(result, "ds.xlsx")
    assert lines[0].startswith("Dòng 2: Nguyễn Văn An — Bằng khen của Chủ tịch UBND tỉnh — Đủ")
    assert lines[1].startswith("Dòng 4: lỗi — ")
    assert lines[-1].endswith("1 dòng lỗi.")
    assert not broken.submittable


def test_unreadable_files(tmp_path: Path, catalog: AwardCatalog, rules: EligibilityRules) -> None:
    with pytest.raises(ListUnreadable, match="không phải Excel"):
        check_workbook(b"STT,Ho ten\n1,An\n", catalog, rules, YEAR)
    workbook = openpyxl.Workbook()
    workbook.active.append(["STT", "Họ và tên / Tên tập thể"])
    path = tmp_path / "khac.xlsx"
    workbook.save(path)
    with pytest.raises(ListUnreadable, match="thiếu cột: Loại"):
        check_workbook(path, catalog, rules, YEAR)


def test_cli_template_then_check_exit_codes(
    tmp_path: Path, settings: Settings, catalog: AwardCatalog, rules: EligibilityRules
) -> None:
    template = tmp_path / "mau.xlsx"
    done = run_cli(settings, "nominations", "template", "-o", str(template))
    assert done.returncode == 0, done.stderr
    workbook = openpyxl.load_workbook(template)
    assert [cell.value for cell in workbook.worksheets[0][1]] == ISSUE_HEADERS
    listed = tmp_path / "ds.xlsx"
    listed.write_bytes(filled(catalog, rules, template_rows()))
    done = run_cli(settings, "nominations", "check", str(listed), "--year", str(YEAR))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Dòng 2: Nguyễn Văn An — Bằng khen của Chủ tịch UBND tỉnh — Đủ")
    assert len(lines) == len(ROWS) + 1
    bad = tmp_path / "bad.xlsx"
    bad.write_text("không phải excel", encoding="utf-8")
    done = run_cli(settings, "nominations", "check", str(bad))
    assert done.returncode == 1
    assert "Không đọc được tệp bad.xlsx" in done.stderr
