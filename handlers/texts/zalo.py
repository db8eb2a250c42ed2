"""Strings the Zalo channel adds to replies (Zalo has no buttons and takes files by URL)."""

from __future__ import annotations

CHOICES_HINT = "(Trả lời bằng số thứ tự, ví dụ 1, để chọn.)"
IMAGE_NOT_SENT = "(Tin nhắn này có kèm một hình ảnh nhưng hiện chưa gửi được qua Zalo.)"
FILE_LINK = "Tải tệp {name} tại: {url}\n(Liên kết dùng được trong {hours} giờ.)"
FILE_NOT_SENT = (
    "(Tin nhắn này có kèm tệp {name} nhưng Zalo chưa cho phép gửi tệp. "
    "Vui lòng dùng Telegram hoặc liên hệ Ban Thi đua – Khen thưởng để nhận tệp.)"
)
