"""The national portal's dossier states: each status's code and label, the import, the card."""

from __future__ import annotations

import pytest

from domain.statuses import (
    PORTAL_LABELS,
    Status,
    parse_portal_state,
    status_from_portal,
)
from handlers.services import Services
from tests.handlers.importing.test_readers import HEADER, csv_bytes, parse

ROW = (
    "000.00.21.H01-260213-{seq:04d},BKCT,Nguyễn Văn {seq},UBND xã,0912345678,13/02/2026,,"
    "{state},{resolved},{decision},"
)


def row(seq: int, state: str, resolved: str = "", decision: str = "") -> str:
    return ROW.format(seq=seq, state=state, resolved=resolved, decision=decision)


def test_every_status_names_its_portal_state() -> None:
    assert {status: status.portal_code for status in Status} == {
        Status.received: 2,
        Status.in_review: 4,
        Status.needs_supplement: 5,
        Status.passed: 4,
        Status.rejected: 9,
        Status.decided: 9,
        Status.returned: 10,
        Status.withdrawn: 7,
        Status.stopped: 8,
    }
    assert Status.in_review.citizen_label == "Đang xử lý (Đang thẩm định)"
    assert Status.returned.citizen_label == "Đã trả kết quả"
    assert len(PORTAL_LABELS) == 10


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4", 4),
        (" 10 ", 10),
        ("4 - Đang xử lý", 4),
        ("4. Đang xử lý", 4),
        ("Đang xử lý", 4),
        ("DANG XU LY", 4),
        ("yeu cau bo sung giay to", 5),
        ("Công dân yêu cầu rút hồ sơ", 7),
        ("Đã xử lý xong", 9),
        ("0", None),
        ("11", None),
        ("4 - Dừng xử lý", None),  # the code and the label disagree
        ("Đang chờ", None),
    ],
)
def test_parse_portal_state(text: str, code: int | None) -> None:
    assert parse_portal_state(text) == code


def test_portal_to_status() -> None:
    assert status_from_portal(2) is Status.received
    assert status_from_portal(9, "123/QĐ-CTN") is Status.decided
    assert status_from_portal(9) is None
    assert [status_from_portal(code) for code in (1, 3, 6)] == [None, None, None]


def test_import_accepts_the_portals_codes_and_labels(services: Services) -> None:
    lines = [
        HEADER,
        row(1, "2"),
        row(2, "Được tiếp nhận"),
        row(3, "4"),
        row(4, "dang xu ly"),
        row(5, "5 - Yêu cầu bổ sung giấy tờ"),
        row(6, "7"),
        row(7, "Dừng xử lý"),
        row(8, "9", "2026-03-20", "55/QĐ-UBND"),
        row(9, "10", "2026-03-20", "56/QĐ-UBND"),
        row(10, "Đã trả kết quả", "2026-03-20", "57/QĐ-UBND"),
    ]
    result = parse(services, csv_bytes(*lines))
    assert result.ok, result.errors
    assert [item.status for item in result.rows] == [
        Status.received,
        Status.received,
        Status.in_review,
        Status.in_review,
        Status.needs_supplement,
        Status.withdrawn,
        Status.stopped,
        Status.decided,
        Status.returned,
        Status.returned,
    ]


def test_portal_states_without_an_equivalent_are_refused_by_line(services: Services) -> None:
    lines = [
        HEADER,
        row(1, "2"),
        row(2, "1"),
        row(3, "Không được tiếp nhận"),
        row(4, "6"),
        row(5, "9", "2026-03-20"),
        row(6, "12"),
    ]
    result = parse(services, csv_bytes(*lines))
    assert not result.ok
    errors = dict(result.errors)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "Mới đăng ký" in errors[3] and "chưa tiếp nhận" in errors[3]
    assert "Không được tiếp nhận" in errors[4]
    assert "nghĩa vụ tài chính" in errors[5]
    assert "số quyết định" in errors[6]
    assert "không hợp lệ" in errors[7]
    assert result.rows == [] or all(item.status is Status.received for item in result.rows)
