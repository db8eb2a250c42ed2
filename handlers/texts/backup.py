"""Strings of `python -m bot backup` on the command line."""

from __future__ import annotations

DONE = (
    "Đã sao lưu {source} → {target}: {dossiers} hồ sơ, {pending} tin nhắn đang chờ gửi,"
    " {size}, kiểm tra: {check}."
)
FAILED = "Không sao lưu được: {reason}. Không có tệp nào được ghi."
REASONS = {
    "no_database": "không có cơ sở dữ liệu tại {detail}",
    "target_exists": "tệp {detail} đã có, hãy chọn tên khác",
    "same_file": "tệp sao lưu không được trùng với cơ sở dữ liệu ({detail})",
    "check_failed": "bản sao không qua được bước kiểm tra ({detail})",
    "sqlite": "lỗi SQLite ({detail})",
}
