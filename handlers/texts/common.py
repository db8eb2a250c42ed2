"""Strings shared by every feature: welcome, help, generic errors, input problems."""

from __future__ import annotations

BOT_NAME = "Trợ lý Thi đua – Khen thưởng"

WELCOME = (
    "Xin chào! Tôi là {bot_name} của Ban Thi đua – Khen thưởng.\n\n"
    "Tôi giúp bạn tra cứu tình trạng hồ sơ đề nghị khen thưởng đã nộp qua bộ phận một cửa.\n"
    "Hãy gửi mã hồ sơ in trên phiếu hẹn trả kết quả, ví dụ: {example}\n"
    "Sau đó tôi sẽ hỏi 4 số cuối của số điện thoại ghi trên hồ sơ để xác minh.\n\n"
    "Gõ /help để xem các lệnh."
)

HELP_HEADER = "Các lệnh bạn có thể dùng:"
HELP_FOOTER = "Bạn cũng có thể gửi thẳng mã hồ sơ (in hoa hay thường, có dấu cách đều được)."

COMMAND_DESCRIPTIONS = {
    "start": "Bắt đầu, giới thiệu",
    "help": "Hướng dẫn sử dụng",
    "tracuu": "Tra cứu hồ sơ theo mã",
    "huy": "Hủy thao tác đang làm",
}

UNKNOWN_COMMAND = "Tôi chưa hiểu lệnh /{command}. Gõ /help để xem các lệnh."
#: Issue 26.2: what is neither a code, a command nor a known question gets the menu of common
#: questions (handlers/faq.py) under this line, not a bare "not understood".
NOT_UNDERSTOOD = (
    "Bạn muốn hỏi điều gì? Hãy gửi mã hồ sơ (ví dụ: {example}), chọn một câu hỏi thường gặp "
    "dưới đây, hoặc gõ /help."
)
TOO_LONG = "Tin nhắn quá dài ({length} ký tự). Vui lòng gửi tối đa {limit} ký tự."
EMPTY = "Tin nhắn trống. Hãy gửi mã hồ sơ hoặc gõ /help."
TEXT_EXPECTED = (
    "Tôi chỉ đọc được tin nhắn chữ ở bước này, không đọc được ảnh, tệp hay nhãn dán. "
    "Hãy gõ câu trả lời bằng chữ."
)
STALE_BUTTON = "Nút này đã hết hiệu lực. Vui lòng làm lại từ đầu hoặc gõ /help."
CHOICE_OUT_OF_RANGE = "Vui lòng trả lời bằng một số từ 1 đến {count}."
CANCELLED = "Đã hủy thao tác đang làm."
NOTHING_TO_CANCEL = "Không có thao tác nào đang làm."
INTERNAL_ERROR = (
    "Xin lỗi, hệ thống đang gặp sự cố khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."
)
CHOICE_EXPECTED = "Vui lòng chọn một trong các lựa chọn ở trên, hoặc gõ /huy để dừng."
