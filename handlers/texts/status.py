"""Strings of status changes by officers (cập nhật trạng thái) and the followers' notices."""

from __future__ import annotations

COMMAND = "Cập nhật trạng thái hồ sơ"
ASK_CODE = "Gửi mã hồ sơ cần cập nhật trạng thái."
CHOOSE = "Hồ sơ {code} — {nominee}\nTrạng thái hiện tại: {label}\nChọn trạng thái mới:"
FINAL = "Hồ sơ {code} đang ở trạng thái “{label}”, không thể chuyển sang trạng thái khác."
NOT_ALLOWED = "Không thể chuyển hồ sơ từ “{current}” sang “{target}”."
#: Followers receive the note word for word, so the prompts say so.
CITIZEN_READS = "Người theo dõi hồ sơ (công dân, đơn vị) sẽ nhận nguyên văn nội dung này."
ASK_NOTE_REQUIRED = {
    "needs_supplement": "Ghi rõ nội dung cần bổ sung (bắt buộc). " + CITIZEN_READS,
    "rejected": "Ghi rõ lý do không đạt (bắt buộc). " + CITIZEN_READS,
    "decided": "Nhập số quyết định khen thưởng, ví dụ 1234/QĐ-UBND (bắt buộc). " + CITIZEN_READS,
}
ASK_NOTE_OPTIONAL = "Gửi ghi chú cho lần cập nhật này, hoặc chọn “Bỏ qua”. " + CITIZEN_READS
SKIP = "Bỏ qua"
NOTE_EMPTY = "Nội dung này là bắt buộc. Vui lòng nhập lại."
NOTE_TOO_LONG = "Ghi chú dài quá {limit} ký tự. Vui lòng rút gọn."
CONFIRM = "Xác nhận cập nhật hồ sơ {code}:\n{current} → {target}\n{note_line}"
CONFIRM_NOTE = "Ghi chú: {note}"
CONFIRM_DECISION = "Số quyết định: {note}"
CONFIRM_NO_NOTE = "(không có ghi chú)"
YES = "Xác nhận"
NO = "Hủy"
DONE = "Đã cập nhật hồ sơ {code}: {label}."
DONE_NO_FOLLOWERS = DONE
CONFLICT = (
    "Hồ sơ {code} vừa được người khác cập nhật sang “{label}”. Không có gì thay đổi — "
    "hãy gõ /capnhat {code} để xem lại."
)
CANCELLED = "Đã hủy, hồ sơ không thay đổi."
NOT_FOUND = "Không tìm thấy hồ sơ {code}."

NOTICE = "🔔 Hồ sơ {code} đã chuyển sang trạng thái: {label}"
NOTICE_NOTE = "Ghi chú: {note}"
NOTICE_DECISION = "Số quyết định: {decision}"
NOTICE_SUPPLEMENT = "Cần bổ sung: {note}"
NOTICE_REASON = "Lý do: {note}"
NOTICE_DUE = "Ngày hẹn trả kết quả: {date}"
NOTICE_FOOTER = "Gõ /botheodoi {code} để ngừng nhận thông báo về hồ sơ này."
