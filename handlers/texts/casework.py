"""Strings of the officer's working day: search (/tim), the dossier view (/hoso), history
(/lichsu), snooze, bulk updates, decision numbers and what happened to the notices."""

from __future__ import annotations

COMMANDS = {
    "tim": "Tìm hồ sơ theo tên người được đề nghị, đơn vị hoặc một phần mã",
    "hoso": "Xem một hồ sơ và thao tác: cập nhật, giao, tạm ngừng nhắc, lịch sử",
    "lichsu": "Lịch sử xử lý một hồ sơ: ai, khi nào, từ → đến, ghi chú",
}

# --- notices -----------------------------------------------------------------------------------
NOTIFIED_NOW = "Đã báo cho {count} người theo dõi."
NOTIFIED_LATER = (
    "Đang trong giờ yên lặng: đã xếp {count} thông báo, sẽ gửi lúc {time} {day} ({date})."
)
ASSIGN_DONE_LATER = (
    "Đã giao hồ sơ {code} cho {name}. Đang trong giờ yên lặng: thông báo cho {name} "
    "sẽ gửi lúc {time} {day} ({date})."
)
TODAY = "hôm nay"
TOMORROW = "ngày mai"

# --- search ------------------------------------------------------------------------------------
SEARCH_USAGE = (
    "Gõ /tim và tên người được đề nghị, tên đơn vị hoặc một phần mã hồ sơ, "
    "có dấu hay không dấu đều được. Ví dụ: /tim nguyen van an"
)
SEARCH_TOO_SHORT = "Vui lòng gõ ít nhất {minimum} ký tự để tìm."
SEARCH_NONE = "Không tìm thấy hồ sơ nào khớp với “{query}”."
SEARCH_HEADER = "Tìm thấy {count} hồ sơ khớp với “{query}”:"
SEARCH_HEADER_MANY = (
    "Hơn {count} hồ sơ khớp với “{query}” — gõ thêm một từ (tên, đơn vị) để thu hẹp. "
    "{count} hồ sơ khớp nhất:"
)
SEARCH_LINE = "{index}. {code} — {nominee} ({unit}) — {label}"
SEARCH_PICK = "Chọn một hồ sơ để mở."
PAGE = "Trang {page}/{pages}"
NEXT_PAGE = "Trang sau ▶"
PREVIOUS_PAGE = "◀ Trang trước"

# --- the dossier view --------------------------------------------------------------------------
VIEW_USAGE = "Gõ /hoso và mã hồ sơ, ví dụ: /hoso {example}"
VIEW_NOT_FOUND = "Không tìm thấy hồ sơ {code}."
VIEW = (
    "📁 Hồ sơ {code}\n"
    "Người/tập thể được đề nghị: {nominee}\n"
    "Đơn vị: {unit}\n"
    "Hình thức: {award}\n"
    "Trạng thái: {label}\n"
    "Ngày nhận: {received} — hẹn trả: {due}{phrase}\n"
    "Chuyên viên phụ trách: {officer}"
)
VIEW_DECISION = "Số quyết định: {decision}"
VIEW_SNOOZED = "🔕 Đang tạm ngừng nhắc hạn; nhắc lại từ ngày {until}."
VIEW_LAST = "Thay đổi gần nhất:"
UNASSIGNED = "chưa giao"
ACTION_UPDATE = "Cập nhật trạng thái"
ACTION_ASSIGN = "Giao chuyên viên"
ACTION_SNOOZE = "Nhắc lại sau {days} ngày làm việc"
ACTION_UNSNOOZE = "Nhắc lại như bình thường"
ACTION_HISTORY = "Lịch sử đầy đủ"
SNOOZE_FINISHED = "Hồ sơ {code} đã kết thúc (“{label}”), không còn nhắc hạn."
SNOOZED = (
    "Đã tạm ngừng nhắc hạn hồ sơ {code} trong {days} ngày làm việc; sẽ nhắc lại từ ngày {until}."
)
UNSNOOZED = "Hồ sơ {code} sẽ được nhắc hạn như bình thường."
SNOOZE_NOT_YOURS = (
    "Hồ sơ {code} do {name} phụ trách: chỉ chuyên viên phụ trách hoặc lãnh đạo được tạm ngừng "
    "nhắc hạn."
)

# --- history -----------------------------------------------------------------------------------
HISTORY_USAGE = "Gõ /lichsu và mã hồ sơ, ví dụ: /lichsu {example}"
HISTORY_HEADER = "Lịch sử xử lý hồ sơ {code} ({count} thay đổi):"
HISTORY_LINE = "{when} — {who}: {change}"
HISTORY_CREATED = "tạo hồ sơ ({to})"
HISTORY_MOVE = "{from_} → {to}"
HISTORY_SAME = "{to} (chỉnh sửa)"
HISTORY_NOTE = "   Ghi chú: {note}"
HISTORY_EMPTY = "Hồ sơ {code} chưa có thay đổi nào."
HISTORY_MORE = "(chỉ hiện {shown} thay đổi gần nhất trên tổng số {count})"
ACTOR_IMPORT = "nhập dữ liệu"
ACTOR_ADMIN = "quản trị viên"
ACTOR_SYSTEM = "hệ thống"
ACTOR_UNKNOWN = "{actor} (không có trong danh sách cán bộ)"

# --- decision numbers --------------------------------------------------------------------------
DECISION_BAD = (
    "“{text}” không đúng dạng số quyết định (số/QĐ-cơ quan ban hành, ví dụ {example}). "
    "Vui lòng nhập lại."
)
ACTION_FIX_DECISION = "Sửa số quyết định"
ASK_DECISION_FIX = (
    "Số quyết định hiện tại: {decision}\nNhập số quyết định đúng (ví dụ {example}). "
    "Người theo dõi hồ sơ sẽ được báo số mới."
)
CONFIRM_DECISION_FIX = "Xác nhận sửa số quyết định hồ sơ {code}:\n{old} → {new}"
DECISION_SAME = "Số quyết định không thay đổi ({decision})."
DECISION_FIXED = "Đã sửa số quyết định hồ sơ {code}: {new}."
DECISION_FIX_NOTE = "Sửa số quyết định: {old} → {new}"
DECISION_FIX_CONFLICT = (
    "Hồ sơ {code} vừa được người khác thay đổi. Không có gì thay đổi — "
    "hãy gõ /capnhat {code} để xem lại."
)
NOTICE_DECISION_FIXED = "🔔 Hồ sơ {code}: số quyết định khen thưởng được sửa thành {decision}."

# --- the one-request rule for supplements ------------------------------------------------------
SUPPLEMENT_ONCE = (
    "Hồ sơ {code} đã được yêu cầu bổ sung {count} lần. Theo cơ chế một cửa chỉ yêu cầu bổ sung "
    "một lần; yêu cầu bổ sung lần 2 phải do lãnh đạo Ban quyết định."
)
SUPPLEMENT_SECOND = "Yêu cầu bổ sung lần 2 (lãnh đạo quyết định)"
SUPPLEMENT_NOTE_HIDDEN = (
    "(Hồ sơ đã được yêu cầu bổ sung một lần; lần 2 chỉ lãnh đạo Ban được quyết định.)"
)

# --- bulk updates ------------------------------------------------------------------------------
BULK_TOO_MANY = "Mỗi lần cập nhật tối đa {limit} hồ sơ; bạn đã gửi {count} mã."
BULK_NONE = "Không có hồ sơ nào cập nhật được:"
BULK_CHOOSE = "Cập nhật {count} hồ sơ cùng lúc. Chọn trạng thái mới cho tất cả:"
BULK_TARGET = "{label} ({count}/{total} hồ sơ)"
BULK_REFUSED_HEADER = "Không cập nhật được {count} dòng:"
BULK_REFUSED_LINE = "• {code}: {reason}"
BULK_REFUSED_MORE = "… và {count} dòng khác"
REASON_BAD_CODE = "không phải mã hồ sơ"
REASON_NOT_FOUND = "không tìm thấy hồ sơ"
REASON_DUPLICATE = "trùng với dòng trên"
REASON_NOT_ALLOWED = "đang “{label}”, không chuyển sang “{target}” được"
REASON_SUPPLEMENT_ONCE = "đã yêu cầu bổ sung một lần (lần 2 do lãnh đạo quyết định từng hồ sơ)"
REASON_CHANGED = "vừa được người khác cập nhật sang “{label}”"
BULK_PREVIEW = "Xác nhận cập nhật {count} hồ sơ → {target}\n{note_line}"
BULK_PREVIEW_LINE = "• {code} — {nominee} ({label})"
BULK_PREVIEW_MORE = "… và {count} hồ sơ khác"
BULK_DONE = "Đã cập nhật {count} hồ sơ sang “{target}”."
BULK_ASK_PICK = (
    "Gõ số thứ tự các hồ sơ cần cập nhật trong danh sách trên (ví dụ 1,3,5-8), "
    "hoặc dán các mã hồ sơ, mỗi dòng một mã. Gõ /huy để dừng."
)
BULK_PICK_BAD = (
    "Không hiểu “{text}”. Gõ số thứ tự như 1,3,5-8 (từ 1 đến {count}) hoặc dán mã hồ sơ."
)
ACTION_BULK = "Cập nhật nhiều hồ sơ trong trang"
PICK_LINE = "{index}. {code} — {nominee}"

# --- progress ----------------------------------------------------------------------------------
WORKING = "⏳ Đang lập báo cáo…"

# --- the staff export --------------------------------------------------------------------------
EXPORT_BAD_STATUS = "Trạng thái “{value}” không có. Dùng mã (in_review) hoặc tên (Đang thẩm định)."
EXPORT_STATUS_NEEDS_STAFF = "--status chỉ dùng cùng --for-staff (tệp nhập lại phải đủ mọi hồ sơ)."
