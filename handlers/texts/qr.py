"""Strings of the receipt QR code (mã QR trên phiếu hẹn)."""

from __future__ import annotations

COMMAND = "Mã QR tra cứu cho phiếu hẹn"
USAGE = "Cách dùng: /qr MÃ_HỒ_SƠ"
CAPTION = "Mã QR tra cứu hồ sơ {code}\nLiên kết: {link}\nIn mã này lên phiếu hẹn trả kết quả."
NO_USERNAME = (
    "Chưa có địa chỉ trang tra cứu hay tên bot Telegram để tạo liên kết. Hãy đặt "
    "TDKT_PUBLIC_URL (trang tra cứu công khai), TDKT_TELEGRAM_BOT_USERNAME "
    "hoặc TDKT_TELEGRAM_TOKEN."
)
SCAN_HINT = "Quét để tra cứu hồ sơ"
WRITTEN = "Đã ghi {path} ({link})"
