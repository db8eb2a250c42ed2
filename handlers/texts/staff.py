"""Strings of roles, invites and the staff list (cán bộ, lãnh đạo, quản trị)."""

from __future__ import annotations

REFUSED = (
    "Xin lỗi, lệnh này chỉ dành cho cán bộ của Ban Thi đua – Khen thưởng. "
    "Bạn vẫn có thể tra cứu hồ sơ bằng cách gửi mã hồ sơ. Gõ /help để xem các lệnh."
)
REFUSED_LEADERS = (
    "Lệnh này dành cho lãnh đạo Ban Thi đua – Khen thưởng (ví dụ giao hồ sơ cho chuyên viên). "
    "Gõ /help để xem các lệnh của bạn."
)
REFUSED_ADMINS = (
    "Lệnh này dành cho quản trị viên của bot (ví dụ mời cán bộ, thu hồi quyền). "
    "Gõ /help để xem các lệnh của bạn."
)
ROLE_NAMES = {
    "admin": "quản trị viên",
    "leader": "lãnh đạo",
    "officer": "chuyên viên",
    "citizen": "người dân",
}
COMMANDS = {
    "moi": "Tạo mã mời cán bộ/lãnh đạo (quản trị)",
    "dangky": "Đăng ký làm cán bộ bằng mã mời",
    "canbo": "Danh sách cán bộ, lãnh đạo",
}
INVITE_USAGE = "Cách dùng: /moi canbo (mời chuyên viên) hoặc /moi lanhdao (mời lãnh đạo)."
INVITE_CREATED = (
    "Đã tạo mã mời {role}: {code}\n"
    "Mã dùng được một lần, hết hạn lúc {expires}.\n"
    "Người được mời gửi cho bot: /dangky {code}"
)
JOIN_USAGE = "Cách dùng: /dangky MÃ_MỜI (mã do quản trị viên cung cấp)."
JOIN_UNKNOWN = "Mã mời không đúng. Vui lòng kiểm tra lại với quản trị viên."
JOIN_USED = "Mã mời này đã được sử dụng. Vui lòng xin quản trị viên mã mới."
JOIN_EXPIRED = "Mã mời này đã hết hạn. Vui lòng xin quản trị viên mã mới."
JOIN_DONE = "Chào mừng {name}! Bạn đã được đăng ký là {role}. Gõ /help để xem các lệnh của bạn."
JOIN_ALREADY_ADMIN = "Bạn là quản trị viên, không cần mã mời."
STAFF_EMPTY = "Chưa có cán bộ hay lãnh đạo nào đăng ký."
STAFF_HEADER = "Cán bộ và lãnh đạo đang hoạt động ({count}):"
STAFF_LINE = "{index}. {name} — {role} ({channel})"
REVOKE_LABEL = "Thu hồi quyền: {name}"
REVOKE_CONFIRM = "Thu hồi quyền của {name} ({role})? Người này sẽ trở thành người dùng thường."
REVOKE_YES = "Đồng ý thu hồi"
REVOKE_NO = "Không"
REVOKED = "Đã thu hồi quyền của {name}."
REVOKE_GONE = "Người này không còn trong danh sách cán bộ."
KEPT = "Đã giữ nguyên."
STAFF_UNNAMED = "Cán bộ {user_id}"

# --- Wrong invite codes are limited (issue 23 item 7) --------------------------------------
JOIN_TRIES_LEFT = "Bạn còn {left} lần thử trong giờ này."
JOIN_COOLDOWN = (
    "Bạn đã nhập sai mã mời {limit} lần trong 1 giờ, nên tạm thời không thể đăng ký. "
    "Vui lòng thử lại sau {until}, hoặc xin quản trị viên mã mới."
)
JOIN_BUSY = (
    "Hệ thống đang nhận quá nhiều mã mời sai nên tạm dừng đăng ký. Vui lòng thử lại sau "
    "{until}, hoặc liên hệ quản trị viên."
)
