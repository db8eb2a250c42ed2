"""Strings for what a newcomer trips over: digit-only notes, demo roles, smaller refusals."""

from __future__ import annotations

NOTE_ONLY_DIGITS = (
    "“{text}” chỉ có chữ số, chưa phải nội dung. Vui lòng ghi rõ nội dung "
    "(ví dụ: “Thiếu biên bản họp Hội đồng”), hoặc gõ /huy để dừng."
)
