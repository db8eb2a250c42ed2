"""Strings of the half-year report (báo cáo thống kê), its chart, and the Excel import/export."""

from __future__ import annotations

COMMAND_DESCRIPTIONS = {
    "thongke": "Báo cáo thống kê hồ sơ (mặc định: kỳ báo cáo hiện tại, từ 15/12)",
    "xuat": "Xuất danh sách hồ sơ ra tệp Excel",
}

# --- The report ---------------------------------------------------------------------------

HEADING = "📊 Hồ sơ tiếp nhận từ {start} đến {end} (số liệu đến hết ngày {as_of}):"
HEADING_PARTIAL = (
    "📊 Kỳ báo cáo từ {start} đến {end}, số liệu chốt đến hết ngày {as_of} (trước ngày cuối kỳ): "
    "hồ sơ tiếp nhận từ {start} đến {as_of}, tình trạng tại ngày {as_of}:"
)
CARRIED_LINE = (
    "Kỳ trước chuyển sang {count} hồ sơ (tiếp nhận trước {start}, chưa giải quyết xong): "
    "đã giải quyết {resolved} (đúng hạn {on_time}), còn {pending}"
)
CARRIED_CLOSED = "; {closed} hồ sơ đã rút hoặc dừng xử lý"
CARRIED_NONE = "Kỳ trước không có hồ sơ chuyển sang (tiếp nhận trước {start})."
PARAGRAPH = (
    "Tiếp nhận {received} hồ sơ, giải quyết {resolved} hồ sơ (thẩm định đạt {passed} hồ sơ, "
    "chiếm {passed_pct}; không đạt {failed} hồ sơ, chiếm {failed_pct}), trả đúng hạn "
    "{on_time_pct}; {pending}."
)
PARAGRAPH_NONE_RESOLVED = "Tiếp nhận {received} hồ sơ, chưa giải quyết hồ sơ nào; {pending}."
PENDING_WITHIN = "còn {within} hồ sơ đang trong thời hạn giải quyết"
PENDING_BOTH = "còn {within} hồ sơ đang trong thời hạn giải quyết và {overdue} hồ sơ quá hạn"
PENDING_OVERDUE = "còn {overdue} hồ sơ quá hạn giải quyết"
PENDING_NONE = "không còn hồ sơ nào đang giải quyết"
CLOSED_SENTENCE = " Ngoài ra có {closed} hồ sơ đã rút hoặc dừng xử lý."

BY_AWARD_KIND = "Theo hình thức khen thưởng:"
AWARD_LINE = (
    "• {name}: tiếp nhận {received}; giải quyết {resolved} (đạt {passed}, không đạt {failed}); "
    "còn {pending}"
)
AWARD_OVERDUE = " (quá hạn {overdue})"
BY_STATUS = "Theo trạng thái (tại ngày {as_of}):"
STATUS_LINE = "• {label}: {count}"

CHART_CAPTION = "Biểu đồ hồ sơ theo tháng tiếp nhận, từ {start} đến {end}."
CHART_TITLE = "Hồ sơ tiếp nhận từ {start} đến {end}"
CHART_MONTHS_TITLE = "Theo tháng tiếp nhận (số liệu đến {as_of})"
CHART_SHARE_TITLE = "Kết quả thẩm định"
CHART_RECEIVED = "Tiếp nhận"
CHART_RESOLVED = "Đã giải quyết"
CHART_PENDING = "Đang giải quyết"
CHART_PASSED = "Đạt"
CHART_FAILED = "Không đạt"
CHART_NOTHING_RESOLVED = "Chưa có hồ sơ\nđã giải quyết"
CHART_MONTH = "{month:02d}/{year}"

USAGE = (
    "Cách dùng: /thongke (kỳ báo cáo hiện tại theo Nghị định 09/2019: 15/12–14/6, "
    "sau đó cả năm 15/12–14/12; đến hôm nay) hoặc "
    "/thongke DD/MM/YYYY DD/MM/YYYY (từ ngày … đến ngày …)."
)
BAD_DATE = "“{value}” không phải ngày hợp lệ (DD/MM/YYYY)."
END_BEFORE_START = "Ngày cuối kỳ {end} trước ngày đầu kỳ {start}."
FUTURE_DATE = "Ngày {day} chưa đến (hôm nay là {today}). Số liệu chỉ có đến hôm nay."
AS_OF_BEFORE_START = (
    "Ngày chốt số liệu {as_of} trước ngày đầu kỳ {start}: chưa có hồ sơ nào để thống kê."
)
END_TOO_LATE = (
    "Ngày cuối kỳ {end} chưa đến (hôm nay là {today}); kỳ đang chạy chỉ được kéo đến hết "
    "năm báo cáo hiện tại ({last})."
)
BOTH_BOUNDS = "Cần cả ngày đầu kỳ và ngày cuối kỳ, hoặc không ghi ngày nào (kỳ báo cáo hiện tại)."
EMPTY_PERIOD = "Không có hồ sơ nào tiếp nhận từ {start} đến {end}."

# --- Export -------------------------------------------------------------------------------

XLSX_SHEET_TITLE = "Hồ sơ"
EXPORT_USAGE = (
    "Cách dùng: /xuat (hồ sơ tiếp nhận trong kỳ báo cáo hiện tại) hoặc "
    "/xuat DD/MM/YYYY DD/MM/YYYY (từ ngày … đến ngày …)."
)
EXPORT_CAPTION = "Danh sách {count} hồ sơ tiếp nhận từ {start} đến {end} (tệp Excel)."
EXPORT_TOO_MANY = (
    "Kỳ này có {count} hồ sơ, quá nhiều để gửi qua tin nhắn (tối đa {limit}). "
    "Hãy chọn kỳ ngắn hơn, hoặc xuất bằng lệnh `python -m bot export` trên máy chủ."
)
EXPORT_NOTHING = "Không có hồ sơ nào để xuất."
EXPORT_DONE = "Đã xuất {count} hồ sơ ra tệp {path} ({seconds} giây)."
EXPORT_BAD_TARGET = "Tệp xuất phải có đuôi .xlsx hoặc .csv, không phải “{name}”."
EXPORT_WRITE_FAILED = "Không ghi được tệp {path}: {reason}"
NO_NOMINATIONS = (
    "Chưa có đề nghị khen thưởng nào được đăng ký trong hệ thống, nên chưa có gì để xuất."
)
PROGRESS_EXPORT = "Đang xuất"
PROGRESS_IMPORT = "Đang kiểm tra"
IMPORT_WRITING = "Đang ghi {count} hồ sơ vào cơ sở dữ liệu…"
CLI_BAD_DATE = "{option}: “{value}” không phải ngày hợp lệ (YYYY-MM-DD)."

# --- Reading .xlsx ------------------------------------------------------------------------

XLSX_PROTECTED = (
    "Tệp Excel được đặt mật khẩu hoặc lưu theo định dạng cũ (.xls) nên không đọc được. "
    "Hãy bỏ mật khẩu và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
)
XLSX_UNREADABLE = "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải tệp .xlsx."
XLSX_UNREADABLE_AT = "Không đọc được tệp Excel (.xlsx) từ dòng {line}: tệp hỏng."
XLSX_NO_SHEET = "Tệp Excel không có trang tính nào."
XLSX_MERGED_HEADER = (
    "Dòng tiêu đề có ô bị gộp ({ranges}). Hãy bỏ gộp ô để mỗi cột có một tiêu đề riêng."
)
XLSX_MERGED_CELLS = "Trang tính có ô bị gộp ({ranges}). Hãy bỏ gộp ô để mỗi ô có giá trị riêng."
XLSX_BLANK_HEADER = (
    "Cột {columns} không có tiêu đề. Mỗi cột có dữ liệu phải có tiêu đề ở dòng đầu tiên."
)
# Issue 25: the seed's "đúng và trước hẹn" as two figures, plus the late ones.
TIMELINESS = (
    "Trong số đã giải quyết: trước hẹn {early} ({early_pct}), đúng hẹn {on_day} ({on_day_pct}),"
    " trễ hẹn {late} ({late_pct})."
)
