"""Strings of `python -m bot calendar YEAR` (lịch ngày nghỉ, ngày làm bù)."""

from __future__ import annotations

TITLE = "Lịch ngày làm việc năm {year} ({basis}):"
BASIS_OFFICIAL = "theo tệp {file}"
BASIS_PACKAGE = "theo gói holidays {version} và tệp {file}; chưa có thông báo chính thức trong tệp"
LINE = "{weekday} {day}  {what}  — nguồn: {source}"
NONE = "(không có ngày nghỉ lễ hay ngày làm bù nào)"
CULTURE_DAY = "Ngày Văn hóa Việt Nam (24/11): {state} (TDKT_CULTURE_DAY)."
CULTURE_ON = "tính là ngày nghỉ"
CULTURE_OFF = "vẫn là ngày làm việc"
OFFICE_END = (
    "Hồ sơ tiếp nhận vào ngày nghỉ, hoặc từ {time} trở đi, được tính là tiếp nhận vào ngày làm "
    "việc tiếp theo (TDKT_OFFICE_HOURS_END)."
)
TOTALS = (
    "Cộng: {off} ngày nghỉ trong tuần, {worked} ngày cuối tuần đi làm, {working} ngày làm việc."
)
BAD_YEAR = "Năm “{value}” không hợp lệ: ghi năm từ 2000 đến 2100, ví dụ 2026."
FILE_INVALID = "Tệp lịch không hợp lệ: {detail}"
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
