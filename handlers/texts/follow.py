"""Strings of following dossiers (theo dõi hồ sơ) and of the chat's personal data."""

from __future__ import annotations

COMMANDS = {
    "theodoi": "Theo dõi hồ sơ, nhận thông báo khi thay đổi",
    "dangtheodoi": "Các hồ sơ đang theo dõi",
    "botheodoi": "Ngừng theo dõi hồ sơ",
    "dulieucuatoi": "Xem dữ liệu bot lưu về bạn",
    "xoadulieu": "Xóa dữ liệu của bạn",
}
FOLLOW_BUTTON = "🔔 Theo dõi hồ sơ này"
UNFOLLOW_BUTTON = "Ngừng theo dõi {code}"
FOLLOW_USAGE = "Cách dùng: /theodoi MÃ_HỒ_SƠ"
UNFOLLOW_USAGE = "Cách dùng: /botheodoi MÃ_HỒ_SƠ"
FOLLOWED = (
    "Đã theo dõi hồ sơ {code}. Bạn sẽ nhận thông báo mỗi khi trạng thái thay đổi.\n"
    "Gõ /botheodoi {code} để ngừng."
)
ALREADY = "Bạn đang theo dõi hồ sơ {code} rồi."
FULL = (
    "Bạn đang theo dõi {limit} hồ sơ — mức tối đa. "
    "Hãy ngừng theo dõi một hồ sơ trước (/dangtheodoi)."
)
VERIFY_FIRST = "Để theo dõi hồ sơ, bạn cần xác minh trước."
UNFOLLOWED = "Đã ngừng theo dõi hồ sơ {code}."
NOT_FOLLOWING = "Bạn không theo dõi hồ sơ {code}."
LIST_EMPTY = "Bạn chưa theo dõi hồ sơ nào. Sau khi tra cứu, chọn “Theo dõi hồ sơ này”."
LIST_HEADER = "Các hồ sơ bạn đang theo dõi ({count}/{limit}):"
LIST_LINE = "• {code} — {label}"
