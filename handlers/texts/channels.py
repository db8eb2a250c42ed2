"""Strings of the channels' start-up and failure lines, read by the operator in the log."""

from __future__ import annotations

#: A channel whose API cannot be reached: the network, not the token (Telegram is blocked by
#: Vietnamese ISPs; a DNS failure or a firewall look the same).
CHANNEL_DOWN_NETWORK = (
    "Kênh {channel}: không kết nối được tới máy chủ ({detail}). Các kênh khác, trang tra cứu "
    "và hàng đợi thông báo vẫn chạy; thử lại sau {seconds} giây."
)
#: The API answered and refused the token: a setting to fix, not the network.
CHANNEL_DOWN_REFUSED = (
    "Kênh {channel}: máy chủ từ chối mã truy cập {setting} ({detail}). Các kênh khác vẫn chạy; "
    "thử lại sau {seconds} giây."
)
CHANNEL_UP_AGAIN = "Kênh {channel} đã hoạt động trở lại."
CHANNEL_STARTED = "Kênh {channel} đã khởi động ({detail})."
#: `bot run` with no chat channel: the page, the scheduler and the phone notices only.
PAGE_ONLY = (
    "Không có kênh chat (TDKT_TELEGRAM_TOKEN, TDKT_ZALO_TOKEN): chạy trang tra cứu, "
    "lịch nhắc việc và thông báo ZNS."
)
