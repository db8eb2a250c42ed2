"""Strings of the public lookup page (trang tra cứu hồ sơ) behind the receipt's QR code."""

from __future__ import annotations

SITE_NAME = "Tra cứu hồ sơ khen thưởng"
AGENCY = "Ban Thi đua – Khen thưởng"
HEADING = "Tra cứu hồ sơ đề nghị khen thưởng"
INTRO = "Nhập mã hồ sơ in trên phiếu hẹn trả kết quả và 4 số cuối của số điện thoại ghi trên hồ sơ."
LABEL_CODE = "Mã hồ sơ"
HINT_CODE = "Ví dụ: {example}"
LABEL_DIGITS = "4 số cuối số điện thoại"
HINT_DIGITS = "Số điện thoại đã ghi trên hồ sơ khi nộp."
SUBMIT = "Tra cứu"
PHONE_FORMAT = "Vui lòng nhập đúng 4 chữ số cuối của số điện thoại (ví dụ: 1234)."
NOTIFY_HEADING = "Nhận thông báo khi hồ sơ thay đổi"
NOTIFY_HINT = "Mở bot, gửi mã {code} rồi chọn “Theo dõi”."
NOTIFY_ZALO = "Nhận thông báo qua Zalo"
NOTIFY_TELEGRAM = "Nhận thông báo qua Telegram"
ANOTHER = "Tra cứu hồ sơ khác"
SAFETY_NOTE = (
    "Để bảo vệ thông tin, việc tra cứu tạm khóa sau nhiều lần nhập sai. "
    "Trang không lưu số điện thoại bạn nhập."
)
SESSION_EXPIRED = "Phiên làm việc đã hết hạn. Vui lòng bấm “Tra cứu” lại."
TOO_LARGE = "Yêu cầu quá lớn."
NOT_FOUND_PAGE = "Không có trang này. Hãy mở trang tra cứu hồ sơ."
FOOTER = "Ban Thi đua – Khen thưởng · Bộ phận tiếp nhận và trả kết quả (một cửa)"
CARD_HEADING = "Kết quả tra cứu"
# Issue 26: the guide and the common questions, linked from the lookup form.
GUIDE_LINK = "Hướng dẫn thủ tục"
FAQ_LINK = "Câu hỏi thường gặp"
