"""Strings of the citizen lookup (tra cứu hồ sơ) and the status card."""

from __future__ import annotations

ASK_CODE = "Vui lòng gửi mã hồ sơ in trên phiếu hẹn trả kết quả, ví dụ: {example}"
BAD_FORMAT = (
    "“{text}” không phải là mã hồ sơ hợp lệ.\n"
    "Mã hồ sơ có dạng <mã cơ quan>-<năm tháng ngày>-<số thứ tự 4 chữ số>, ví dụ: {example}"
)
NOT_FOUND = (
    "Không tìm thấy hồ sơ có mã {code}.\n"
    "Vui lòng kiểm tra lại mã trên phiếu hẹn trả kết quả (dạng {example}). "
    "Nếu hồ sơ vừa nộp, có thể hệ thống chưa cập nhật — vui lòng thử lại sau."
)
ASK_PHONE = (
    "Đã tìm thấy hồ sơ {code}.\n"
    "Để bảo vệ thông tin, vui lòng gửi 4 số cuối của số điện thoại ghi trên hồ sơ."
)
PHONE_FORMAT = "Vui lòng gửi đúng 4 chữ số cuối của số điện thoại (ví dụ: 1234), hoặc /huy để dừng."
WRONG_PHONE = "4 số cuối chưa đúng. Bạn còn {left} lần thử."
COOLDOWN = (
    "Bạn đã nhập sai quá nhiều lần. Để bảo vệ thông tin hồ sơ, việc tra cứu tạm khóa "
    "đến {until}. Vui lòng thử lại sau, hoặc liên hệ bộ phận một cửa."
)
DOSSIER_SLOWED = (
    "Hồ sơ này vừa nhận nhiều lần nhập sai 4 số cuối, nên việc xác minh tạm chậm lại để bảo vệ "
    "thông tin. Vui lòng gửi lại 4 số cuối sau {until}."
)
BUSY = (
    "Hệ thống đang nhận quá nhiều lần nhập sai 4 số cuối, nên tạm dừng xác minh đến {until}. "
    "Vui lòng thử lại sau, hoặc liên hệ bộ phận một cửa."
)
TOO_MANY_CODES = (
    "Bạn đã tra cứu quá nhiều mã hồ sơ trong thời gian ngắn. Để bảo vệ thông tin, việc tra cứu "
    "tạm dừng đến {until}. Vui lòng thử lại sau, hoặc liên hệ bộ phận một cửa."
)
NO_PHONE_ON_FILE = (
    "Hồ sơ {code} chưa có số điện thoại để xác minh. Vui lòng liên hệ bộ phận một cửa "
    "của Ban Thi đua – Khen thưởng để được hỗ trợ."
)

CARD_TITLE = "📄 Hồ sơ {code}"
CARD_AWARD = "Hình thức khen thưởng: {award}"
CARD_NOMINEE = "Đối tượng đề nghị: {nominee}"
CARD_UNIT = "Đơn vị: {unit}"
CARD_STATUS = "Trạng thái: {label}"
CARD_RECEIVED = "Ngày tiếp nhận: {date}"
CARD_DUE = "Ngày hẹn trả kết quả: {date}"
# Awards decided above the province: the due date is the board's own step (issue 12).
CARD_DUE_BOARD_STEP = "Hạn thẩm định, trình của Ban: {date}"
CARD_BOARD_STEP_NOTE = (
    "Thời hạn trên chỉ tính bước thẩm định tại Ban; quyết định khen thưởng do {authority} "
    "ban hành, thường sau nhiều tháng."
)
CARD_SUBMITTED = (
    "Ban đã trình hồ sơ ngày {date} (trình {authority}); chờ quyết định của cấp có thẩm quyền."
)
CARD_DAYS_LEFT = "Còn {days} ngày làm việc đến hạn."
CARD_DUE_TODAY = "Hôm nay là ngày hẹn trả kết quả."
CARD_OVERDUE = "Quá hạn {days} ngày làm việc."
CARD_PAUSED = "Thời hạn giải quyết tạm dừng trong thời gian chờ bổ sung hồ sơ."
CARD_RESOLVED_ON_TIME = "Đã giải quyết ngày {date} (đúng hạn)."
CARD_RESOLVED_LATE = "Đã giải quyết ngày {date} (trễ hạn)."
CARD_DECISION = "Số quyết định khen thưởng: {decision}"
CARD_REASON = "Lý do: {note}"
CARD_SUPPLEMENT = "Cần bổ sung: {note}"
CARD_NOTE = "Ghi chú: {note}"
CARD_HISTORY = "Quá trình xử lý gần đây:"
CARD_HISTORY_LINE = "• {when}: {label}"
CARD_HISTORY_NOTE = " — {note}"

# --- The web page: a shared address (issue 23 item 8) ---------------------------------------
ADDRESS_BUSY = (
    "Từ địa chỉ mạng này đã có quá nhiều lần nhập sai 4 số cuối cho nhiều hồ sơ khác nhau. "
    "Vui lòng thử lại sau {until}, hoặc tra cứu qua Zalo."
)
