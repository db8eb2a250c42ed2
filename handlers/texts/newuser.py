"""Strings for what a newcomer trips over: digit-only notes, demo roles, smaller refusals."""

from __future__ import annotations

NOTE_ONLY_DIGITS = (
    "“{text}” chỉ có chữ số, chưa phải nội dung. Vui lòng ghi rõ nội dung "
    "(ví dụ: “Thiếu biên bản họp Hội đồng”), hoặc gõ /huy để dừng."
)

QR_NOT_PNG = "Mã QR được ghi dưới dạng PNG: tên tệp phải có đuôi .png, không phải “{name}”."
EXPORT_EXISTS = (
    "Tệp {path} đã có; không ghi đè. Hãy chọn tên khác, hoặc thêm --force nếu muốn thay tệp đó."
)
