"""Strings of the outbox report on the command line."""

from __future__ import annotations

COUNTS = "Hộp thư đi: {pending} đang chờ, {sent} đã gửi, {dead} thất bại."
ERRORS_HEADER = "Lỗi gần đây:"
ERROR_LINE = "  #{id} [{state}] {channel}, {attempts} lần thử: {error}"
