"""Strings of PostgreSQL on the command line: `migrate-db`, `backup` on a server, failures."""

from __future__ import annotations

MIGRATE_HELP = "chép toàn bộ dữ liệu SQLite sang PostgreSQL (cơ sở dữ liệu đích phải trống)"
MIGRATE_TO_HELP = "địa chỉ PostgreSQL đích, dạng postgresql://người_dùng@máy:cổng/tên"
MIGRATE_FROM_HELP = "tệp SQLite nguồn (mặc định: TDKT_DATABASE hoặc data/tdkt.sqlite3)"
MIGRATE_NOT_URL = "--to phải là địa chỉ postgresql://…, không phải {target}."
MIGRATE_SOURCE_NOT_SQLITE = "Nguồn phải là một tệp SQLite, không phải {source}."
MIGRATE_DONE = (
    "Đã chép {source} → {target} (phiên bản lược đồ {version}): {total} dòng"
    " trong {tables} bảng, số dòng từng bảng đã được đối chiếu.\n"
    "Hãy đặt TDKT_DATABASE={target} rồi khởi động lại bot."
)
MIGRATE_TABLE_LINE = "  {table}: {rows}"
MIGRATE_FAILED = "Không chép được: {reason}. Cơ sở dữ liệu đích không bị ghi gì."
MIGRATE_REASONS = {
    "no_source": "không có tệp SQLite tại {detail}",
    "not_empty": (
        "cơ sở dữ liệu đích đã có dữ liệu (bảng {detail}); hãy dùng một cơ sở dữ liệu trống"
    ),
    "count_mismatch": "số dòng không khớp ({detail})",
    "schema": "lược đồ hai bên không khớp ({detail})",
    "database": "lỗi cơ sở dữ liệu ({detail})",
}
BACKUP_USE_PG_DUMP = (
    "Bot đang dùng PostgreSQL ({target}): lệnh backup chỉ sao lưu tệp SQLite.\n"
    "Hãy sao lưu bằng pg_dump, chẳng hạn:\n"
    "  pg_dump --format=custom --file=tdkt-$(date +%F).dump '{target}'\n"
    "và khôi phục bằng pg_restore (xem docs/DEPLOY.md, mục Sao lưu)."
)
DATABASE_UNREACHABLE = "Không mở được cơ sở dữ liệu {target}: {detail}"
