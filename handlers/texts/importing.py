"""Strings of the one-stop export import (nhập dữ liệu từ hệ thống một cửa)."""

from __future__ import annotations

NOT_UTF8 = "Tệp không phải UTF-8 (byte {position}). Hãy lưu lại dưới dạng “CSV UTF-8”."
EMPTY_FILE = "Tệp trống, không có dòng tiêu đề."
UNREADABLE_LINE = "Không đọc được dòng này: {detail}."
FIELD_TOO_LARGE = "có ô dài quá {limit} ký tự"
MALFORMED_CSV = "dòng CSV sai định dạng"
READER_FAILED = "Không đọc hết được tệp ({detail}). Chưa ghi gì vào cơ sở dữ liệu."
MISSING_COLUMNS = "Thiếu cột bắt buộc: {columns}."
UNKNOWN_COLUMNS = "Cột không nhận ra: {columns}."
BAD_CODE = "mã hồ sơ “{value}” không đúng dạng <mã cơ quan>-<YYMMDD>-<NNNN>"
DUPLICATE_CODE = "mã hồ sơ {code} trùng với dòng {line}"
UNKNOWN_AWARD = "hình thức khen thưởng “{value}” không có trong danh mục"
EMPTY_FIELD = "thiếu {field}"
TOO_LONG = "{field} dài quá {limit} ký tự"
BAD_DATE = "{field} “{value}” không phải ngày hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY)"
BAD_STATUS = "trạng thái “{value}” không hợp lệ"
#: Portal states (Cổng Dịch vụ công) with no status of ours: the line is refused, saying why.
PORTAL_STATE_REFUSED = {
    1: (
        "trạng thái 1 “Mới đăng ký”: hồ sơ mới đăng ký trực tuyến, Ban chưa tiếp nhận — "
        "bỏ dòng này, nhập lại khi đã “Được tiếp nhận” (2)"
    ),
    3: (
        "trạng thái 3 “Không được tiếp nhận”: hồ sơ không được tiếp nhận nên không có thời hạn "
        "giải quyết — bỏ dòng này"
    ),
    6: (
        "trạng thái 6 “Yêu cầu thực hiện nghĩa vụ tài chính” không áp dụng cho hồ sơ khen "
        "thưởng — sửa thành trạng thái đúng của hồ sơ"
    ),
    9: (
        "trạng thái 9 “Đã xử lý xong” cần số quyết định khen thưởng (đạt); hồ sơ không đạt "
        "ghi trạng thái “Không đạt”"
    ),
}
BAD_PHONE = "số điện thoại “{value}” không hợp lệ"
DUE_BEFORE_RECEIVED = "ngày hẹn trả trước ngày tiếp nhận"
RESOLVED_BEFORE_RECEIVED = "ngày giải quyết trước ngày tiếp nhận"
RESOLVED_MISSING = "hồ sơ ở trạng thái “{label}” cần có ngày giải quyết (resolved_on)"
RESOLVED_NOT_ALLOWED = "hồ sơ ở trạng thái “{label}” chưa giải quyết nên không có ngày giải quyết"
TOO_MANY_COLUMNS = "dòng có nhiều cột hơn dòng tiêu đề"
LINE_ERROR = "Dòng {line}: {message}"
NOTHING_WRITTEN = "Có {count} dòng lỗi — không ghi gì vào cơ sở dữ liệu."
#: Rows and errors are counted apart: two bad rows may hold four errors.
NOTHING_WRITTEN_ERRORS = "Có {rows} dòng lỗi ({errors} lỗi) — không ghi gì vào cơ sở dữ liệu."
DONE = "Đã nhập {total} dòng: {inserted} mới, {updated} cập nhật, {unchanged} không đổi."
FILE_NOT_FOUND = "Không mở được tệp {path}: {reason}"

FIELD_NAMES = {
    "code": "mã hồ sơ",
    "award_kind": "hình thức khen thưởng",
    "nominee": "đối tượng đề nghị",
    "unit": "đơn vị",
    "phone": "số điện thoại",
    "received_on": "ngày tiếp nhận",
    "due_on": "ngày hẹn trả",
    "status": "trạng thái",
    "resolved_on": "ngày giải quyết",
    "decision_no": "số quyết định",
    "note": "ghi chú",
}
FORBIDDEN_MOVE = "hồ sơ {code} đang “{current}”, không thể chuyển sang “{target}”"

# --- the import checks what the chat checks (issues 22, 23) ------------------------------------
#: After TDKT_IMPORT_MAX_ERRORS listed errors the rest are counted: "… và 2.999.000 lỗi nữa."
MORE_ERRORS = "… và {count} lỗi nữa."
NOTHING_WRITTEN_MANY = "Có {errors} lỗi — không ghi gì vào cơ sở dữ liệu."
AFTER_TODAY = "{field} sau ngày hôm nay"
RECEIVED_NOT_CODE_DAY = "ngày tiếp nhận khác ngày trong mã hồ sơ ({day})"
BAD_DECISION_NO = "số quyết định “{value}” không đúng dạng (ví dụ 123/QĐ-UBND)"
BAD_NOMINEE_TYPE = "loại đối tượng “{value}” không hợp lệ (cá nhân, tập thể, hộ gia đình)"
KIND_NOT_FOR_TYPE = "hình thức {kind} không dành cho {type} (chỉ cho {allowed})"
NOMINEE_TYPE_NAMES = {"individual": "cá nhân", "collective": "tập thể", "family": "hộ gia đình"}
#: The history line of a change the import made, with the import's time.
HISTORY_NOTE = "nhập từ hệ thống một cửa"
