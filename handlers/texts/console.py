"""Strings of the console channel (kênh dòng lệnh) and the demo banner."""

from __future__ import annotations

BANNER = "TĐKT Bot — kênh dòng lệnh. Gõ tin nhắn như trong ứng dụng chat; Ctrl+D để thoát."
DEMO_HEADER = "Cơ sở dữ liệu minh họa ({path}). Các hồ sơ để thử (mã — 4 số cuối điện thoại):"
DEMO_LINE = "  {code} — {digits} ({label})"
DATABASE_LINE = "Cơ sở dữ liệu: {path}"
IMAGE_SAVED = "[Ảnh đã lưu: {path}]"
DOCUMENT_SAVED = "[Tệp đã lưu: {path}]"
CHOICES_HINT = "(Trả lời bằng số thứ tự để chọn.)"
NOTICE_PREFIX = "[Thông báo]"
ADMIN_HINT = (
    "Trên cơ sở dữ liệu minh họa, bạn là quản trị viên: thử /capnhat, /qr, /moi canbo. "
    "Gõ /help để xem tất cả lệnh."
)
PAGE_LINE = "Trang tra cứu hồ sơ (mã QR trên phiếu hẹn mở trang này): {url}"
PAGE_FAILED = "Không mở được trang tra cứu hồ sơ: {detail}"
CONFIG_INVALID = "Cấu hình không hợp lệ — {detail}"
CATALOG_INVALID = "Cấu hình không hợp lệ — TDKT_AWARD_CATALOG: {detail}"
PROGRESS_UNIT = " dòng"
LISTEN_FAILED = "TDKT_HTTP_HOST/TDKT_HTTP_PORT: không mở được cổng {host}:{port} ({detail})"

# --- which database a CLI command uses (issue 14) ---------------------------------------------
DATABASE_USED = "Cơ sở dữ liệu: {path}"
DATABASE_NEW = "Cơ sở dữ liệu: {path} (chưa có, sẽ được tạo)"
DATABASE_MISSING = (
    "Không tìm thấy cơ sở dữ liệu {path}. Lệnh này không tạo tệp mới. "
    "Đặt TDKT_DATABASE là đường dẫn tới tệp cơ sở dữ liệu của bot."
)
DATABASE_ONLY_DEMO = (
    "Chưa đặt TDKT_DATABASE và chưa có cơ sở dữ liệu {path}; chỉ có cơ sở dữ liệu minh họa "
    "{demo} (do `make run` hay `python -m bot console` tạo). Lệnh này không tự chuyển sang dữ "
    "liệu minh họa: nếu muốn dùng nó, chạy lại với TDKT_DATABASE={demo}"
)
