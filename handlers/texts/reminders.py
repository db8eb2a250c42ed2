"""Strings of deadline reminders, digests, work lists (/viec, /quahan), /nhacnho and /giao."""

from __future__ import annotations

COMMANDS = {
    "viec": "Hồ sơ của tôi theo hạn xử lý",
    "quahan": "Hồ sơ quá hạn",
    "nhacnho": "Bật/tắt nhắc hạn: /nhacnho bat hoặc /nhacnho tat",
    "giao": "Giao hồ sơ cho chuyên viên (lãnh đạo)",
}

# --- deadline phrases -------------------------------------------------------------------------
LEFT_DAYS = "còn {days} ngày làm việc"
DUE_TODAY = "đến hạn hôm nay"
DUE_ON_DAY_OFF = "hạn rơi vào ngày nghỉ, hôm nay là ngày làm việc cuối cùng"
OVERDUE_DAYS = "quá hạn {days} ngày làm việc"
OVERDUE = "đã quá hạn"
WAITING_SINCE = "chờ bổ sung từ {date}"
WAITING = "chờ bổ sung"
UNASSIGNED = "chưa giao"

# --- reminders (outbox) -----------------------------------------------------------------------
HEADLINES = {
    "before": "⏰ Nhắc hạn xử lý hồ sơ",
    "due": "⏰ Hôm nay là hạn xử lý hồ sơ",
    "overdue": "⚠️ Hồ sơ quá hạn xử lý",
    "escalate": "🚨 Báo cáo lãnh đạo: hồ sơ quá hạn xử lý",
}
REMINDER = (
    "{headline}\n"
    "Mã hồ sơ: {code}\n"
    "Đối tượng: {nominee}\n"
    "Hình thức: {award}\n"
    "Trạng thái: {status}\n"
    "Hạn xử lý: {due} — {phrase}\n"
    "{officer_line}\n\n"
    "Cập nhật trạng thái: /capnhat {code}"
)
OFFICER_LINE = "Chuyên viên phụ trách: {name}"
UNASSIGNED_LINE = "Hồ sơ chưa giao chuyên viên — nhắc tất cả chuyên viên."
ESCALATION_FOOTER = "Giao lại hồ sơ: /giao {code}"

# --- digests ----------------------------------------------------------------------------------
DIGEST_HEADER = "🗓 Công việc ngày {date} — {name}"
DIGEST_TODAY = "Đến hạn hôm nay ({count}):"
DIGEST_SOON = "Sắp đến hạn trong {days} ngày làm việc ({count}):"
DIGEST_OVERDUE = "Quá hạn ({count}):"
DIGEST_SUPPLEMENT = "Chờ bổ sung — tạm dừng tính hạn ({count}):"
DIGEST_LINE = "• {code} — {nominee} — hạn {due} ({phrase}){unassigned}"
DIGEST_SUPPLEMENT_LINE = "• {code} — {nominee} — {phrase}{unassigned}"
DIGEST_UNASSIGNED_MARK = " — chưa giao"
DIGEST_MORE = "… và {count} hồ sơ khác."
DIGEST_FOOTER = "Xem đầy đủ: /viec"
DIGEST_BUTTON = "Xem danh sách việc"
BOARD_HEADER = "📊 Tổng hợp hồ sơ toàn Ban ngày {date}"
BOARD_COUNTS = (
    "• Đang xử lý: {running}\n"
    "• Đến hạn hôm nay: {today}\n"
    "• Sắp đến hạn trong {days} ngày làm việc: {soon}\n"
    "• Quá hạn: {overdue}\n"
    "• Chờ bổ sung: {supplement}\n"
    "• Chưa giao chuyên viên (trong số hồ sơ đang xử lý và chờ bổ sung): {unassigned}"
)
BOARD_TOP = "{count} hồ sơ quá hạn lâu nhất:"
BOARD_TOP_LINE = "{index}. {code} — {nominee} — {phrase} — {officer}"
BOARD_NO_OVERDUE = "Không có hồ sơ nào quá hạn."
BOARD_BUTTON = "Xem hồ sơ quá hạn"
BOARD_FOOTER = "Xem đầy đủ: /quahan"

# --- work lists -------------------------------------------------------------------------------
VIEC_HEADER_MINE = "Việc của bạn: {count} hồ sơ đang xử lý (của bạn và chưa giao), theo hạn:"
VIEC_HEADER_ALL = "Toàn Ban: {count} hồ sơ đang xử lý, theo hạn:"
QUAHAN_HEADER_MINE = "Hồ sơ quá hạn của bạn và chưa giao: {count}"
QUAHAN_HEADER_ALL = "Hồ sơ quá hạn toàn Ban: {count}"
LIST_LINE = "{index}. {code} — {nominee} — hạn {due} ({phrase})"
LIST_LINE_OFFICER = "{index}. {code} — {nominee} — hạn {due} ({phrase}) — {officer}"
LIST_PAGE = "Trang {page}/{pages}."
LIST_SUPPLEMENT = "Ngoài ra {count} hồ sơ đang chờ bổ sung (tạm dừng tính hạn)."
VIEC_EMPTY = "Không có hồ sơ nào đang chờ bạn xử lý."
QUAHAN_EMPTY = "Không có hồ sơ nào quá hạn. 👍"
NEXT_PAGE = "Trang sau ▶"
PREVIOUS_PAGE = "◀ Trang trước"
PAGE_GONE = "Danh sách đã thay đổi, trang này không còn. Gõ lại /viec hoặc /quahan."

# --- /nhacnho ---------------------------------------------------------------------------------
REMINDERS_ON = "Đã bật nhắc hạn. Bạn sẽ nhận tin nhắc và bản tóm tắt lúc {time} mỗi ngày làm việc."
REMINDERS_OFF = "Đã tắt nhắc hạn. Gõ /nhacnho bat để bật lại."
REMINDERS_STATE_ON = "Nhắc hạn đang bật (tóm tắt lúc {time} mỗi ngày làm việc)."
REMINDERS_STATE_OFF = "Nhắc hạn đang tắt."
REMINDERS_USAGE = "Cách dùng: /nhacnho bat (bật nhắc hạn) hoặc /nhacnho tat (tắt nhắc hạn)."
REMINDERS_NOT_STAFF = (
    "Nhắc hạn dành cho cán bộ đã đăng ký bằng mã mời. Quản trị viên muốn nhận nhắc hạn "
    "hãy đăng ký như một cán bộ."
)

# --- /giao ------------------------------------------------------------------------------------
ASSIGN_ASK_CODE = "Gửi mã hồ sơ cần giao (ví dụ: {example}), hoặc gõ /huy để dừng."
ASSIGN_NOT_FOUND = "Không tìm thấy hồ sơ {code}. Vui lòng kiểm tra lại mã."
ASSIGN_FINISHED = "Hồ sơ {code} đã kết thúc ({label}), không cần giao."
ASSIGN_NO_OFFICERS = "Chưa có chuyên viên nào đăng ký. Quản trị viên mời bằng lệnh /moi canbo."
ASSIGN_CHOOSE = "Hồ sơ {code} — {nominee}\nĐang giao cho: {current}\nChọn chuyên viên phụ trách:"
ASSIGN_CURRENT_MARK = "{name} (đang phụ trách)"
ASSIGN_UNASSIGN = "Bỏ giao"
ASSIGN_CANCEL = "Hủy"
ASSIGN_CANCELLED = "Đã hủy, hồ sơ giữ nguyên người phụ trách."
ASSIGN_SAME = "Hồ sơ {code} đã do {name} phụ trách, không có gì thay đổi."
ASSIGN_DONE = "Đã giao hồ sơ {code} cho {name}. Đã báo cho {name}."
ASSIGN_REMOVED = "Đã bỏ giao hồ sơ {code}. Hồ sơ sẽ được nhắc cho tất cả chuyên viên."
ASSIGN_CONFLICT = "Người phụ trách hồ sơ {code} vừa thay đổi. Gõ /giao {code} để xem lại."
ASSIGN_OFFICER_GONE = "Người này không còn là chuyên viên. Vui lòng chọn người khác."
ASSIGN_NOTICE = (
    "📌 Bạn được giao hồ sơ {code}\n"
    "Đối tượng: {nominee}\n"
    "Hình thức: {award}\n"
    "Hạn xử lý: {due} — {phrase}\n"
    "Người giao: {actor}\n\n"
    "Xem việc của bạn: /viec"
)
ASSIGN_MOVED_NOTICE = "Hồ sơ {code} ({nominee}) đã được chuyển cho {name}; bạn không còn phụ trách."
ASSIGN_UNASSIGNED_NOTICE = "Hồ sơ {code} ({nominee}) đã được bỏ giao; bạn không còn phụ trách."
ASSIGN_ACTOR_LEADER = "lãnh đạo"

# --- import -----------------------------------------------------------------------------------
IMPORT_OFFICER_UNKNOWN = "Hồ sơ {code}: không có chuyên viên nào tên hoặc mã là «{officer}»."
IMPORT_OFFICER_AMBIGUOUS = (
    "Hồ sơ {code}: có {count} chuyên viên cùng tên «{officer}» — hãy ghi mã cán bộ thay cho tên."
)
