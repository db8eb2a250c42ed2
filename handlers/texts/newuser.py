"""Strings for what a newcomer trips over: digit-only notes, demo roles, smaller refusals."""

from __future__ import annotations

NOTE_ONLY_DIGITS = (
    "“{text}” chỉ có chữ số, chưa phải nội dung. Vui lòng ghi rõ nội dung "
    "(ví dụ: “Thiếu biên bản họp Hội đồng”), hoặc gõ /huy để dừng."
)

QR_NOT_PNG = "Mã QR được ghi dưới dạng PNG: tên tệp phải có đuôi .png, không phải “{name}”."
EXPORT_EXISTS = (
    "Tệp {path} đã có; không ghi đè. Hãy chọn tên khác, hoặc thêm --force nếu muốn thay tệp đó."
)

# --- Settings, in the officer's language (bot/cli.py words config.SettingsProblem) ----------

SETTING_UNKNOWN = "Cảnh báo: biến {name} không phải một thiết lập của bot nên bị bỏ qua{hint}."
SETTING_UNKNOWN_HINT = " — có phải ý bạn là {near}?"
#: pydantic's error types → what is wrong; `{le}`, `{ge}`… are its limits.
SETTING_KINDS = {
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "greater_than": "phải lớn hơn {gt}",
    "int_parsing": "phải là một số nguyên",
    "int_from_float": "phải là một số nguyên",
    "float_parsing": "phải là một số",
    "bool_parsing": "phải là on hoặc off (true/false, 1/0 cũng được)",
    "time_parsing": "phải là giờ dạng HH:MM, ví dụ 07:30",
    "time_type": "phải là giờ dạng HH:MM, ví dụ 07:30",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_too_long": "chỉ được tối đa {max_length} ký tự",
    "path_type": "phải là đường dẫn tới một tệp",
    "timedelta_parsing": "phải là khoảng thời gian như 24h, 90m hoặc 2d",
}
#: The settings' own checks (config/settings.py), by how their English message starts.
SETTING_MESSAGES = {
    "expected working days from 1 to 60": (
        "cần các số ngày làm việc từ 1 đến 60, cách nhau bằng dấu phẩy, ví dụ 3,1"
    ),
    "unknown time zone": "không có múi giờ này (ví dụ đúng: Asia/Ho_Chi_Minh)",
    "must start with http:// or https://": "phải bắt đầu bằng http:// hoặc https://",
    "must start with https://": "phải bắt đầu bằng https://",
    "must be the public https:// address": (
        "phải là địa chỉ công khai https://, ví dụ https://bot.example.vn"
    ),
    "expected an agency identifier": "cần mã cơ quan dạng 000.00.21.H01",
    "file not found": "không tìm thấy tệp",
    "expected channel:id": "cần dạng kênh:mã, ví dụ telegram:123456",
    "expected 8 to 256 characters": "cần 8 đến 256 ký tự trong A-Z, a-z, 0-9, _ và -",
    "expected IP addresses or *": "cần các địa chỉ IP cách nhau bằng dấu phẩy, hoặc *",
    "expected 32 random bytes": (
        "cần 32 byte ngẫu nhiên mã hóa base64 url-safe; tạo bằng: python3 -c 'import base64, "
        "os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
    ),
    "not a valid regular expression": "không phải một biểu thức chính quy hợp lệ",
    "expected a duration": "phải là khoảng thời gian như 24h, 90m hoặc 2d",
    "must be between 5 minutes and 30 days": "phải từ 5 phút đến 30 ngày",
    "expected a day and month": "cần ngày và tháng dạng 15/12",
}
SETTING_OTHER = "giá trị không hợp lệ ({message})"
SETTING_LINE = "{variable}: {reason} (đang là “{value}”)"
SETTING_LINE_NO_VALUE = "{variable}: {reason}"

SEVERAL_CODES = (
    "Tin nhắn có {count} mã hồ sơ: {codes}. Mỗi lần tôi tra cứu một hồ sơ: "
    "hãy gửi từng mã hồ sơ một."
)

# --- /vai: the console demo's roles (bot/console_channel.py) ---------------------------------

ROLE_HINT = (
    "Đổi vai để xem từng người dùng: /vai canbo (chuyên viên), /vai lanhdao (lãnh đạo), "
    "/vai congdan (công dân), /vai quantri (quản trị, vai lúc bắt đầu)."
)
ROLE_NAMES = {
    "quantri": "quản trị viên",
    "canbo": "chuyên viên {name}",
    "lanhdao": "lãnh đạo {name}",
    "congdan": "công dân",
}
ROLE_SWITCHED = "Bạn đang dùng bot với vai {who}. {tips}"
ROLE_TIPS = {
    "quantri": "Thử /capnhat, /qr, /moi canbo, /canbo.",
    "canbo": (
        "Chị phụ trách các hồ sơ đang xử lý của bản minh họa: thử /viec, /quahan, /nhacnho, "
        "/capnhat 000.00.21.H01-261120-0002."
    ),
    "lanhdao": (
        "Thử /giao 000.00.21.H01-261120-0001 (giao hồ sơ cho chuyên viên), /quahan, /thongke."
    ),
    "congdan": "Gửi một mã hồ sơ ở trên, rồi 4 số cuối điện thoại, để xem thẻ trạng thái.",
}
ROLE_UNKNOWN = "Không có vai “{role}”. {hint}"

# --- Dates on the receipt and the card -----------------------------------------------------

RECEIVED_AFTER_HOURS = "{date} (tiếp nhận ngoài giờ, tính từ {counted})"
RECEIVED_DAY_OFF = "{date} (tiếp nhận vào ngày nghỉ, tính từ {counted})"
#: A passed dossier: the board's appraisal is done (resolved); the portal still says
#: "Đang xử lý" because the award decision is the higher authority's.
CARD_STATUS_PASSED = "Trạng thái: {label} (trên Cổng Dịch vụ công: {portal})"

# --- The outbox waiting out an outage (bot/outbox.py, shown by `bot outbox`) -----------------

OUTBOX_WAITING = "chờ (tối đa {hours} giờ từ lúc xếp hàng, thử lại lúc {next}) — {error}"
OUTBOX_GAVE_UP = "{error} — đã chờ {hours} giờ, không gửi được"
