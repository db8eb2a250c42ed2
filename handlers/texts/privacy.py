"""Strings of the privacy notice (/baomat), /dulieucuatoi and /xoadulieu (Law 91/2025/QH15)."""

from __future__ import annotations

COMMANDS = {"baomat": "Bảo vệ dữ liệu cá nhân: ai giữ, giữ gì, bao lâu, quyền của bạn"}

SHORT_NOTICE = (
    "🔒 Dữ liệu do {controller} quản lý. Bot chỉ lưu mã cuộc trò chuyện, các hồ sơ bạn theo "
    "dõi và các lần tra cứu (giữ {days} ngày) để trả lời tra cứu và gửi thông báo cho bạn. "
    "Chi tiết và quyền của bạn: /baomat"
)

NOTICE = (
    "🔒 Bảo vệ dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15)\n\n"
    "Bên kiểm soát dữ liệu: {controller}.\n"
    "Liên hệ: {contact}.\n\n"
    "Mục đích: trả lời tra cứu tình trạng hồ sơ đề nghị khen thưởng, gửi thông báo khi hồ sơ "
    "bạn theo dõi thay đổi; với cán bộ: nhắc hạn và ghi nhận việc xử lý hồ sơ.\n\n"
    "Bot lưu và giữ:\n"
    "• mã cuộc trò chuyện trên Telegram/Zalo (không lưu số điện thoại của bạn);\n"
    "• các hồ sơ bạn theo dõi — đến khi bạn ngừng theo dõi hoặc xóa dữ liệu;\n"
    "• các lần tra cứu (mã hồ sơ, thời điểm, 4 số cuối đúng hay sai) để chống dò mã — "
    "{days} ngày;\n"
    "• các thông báo đã gửi cho bạn — {days} ngày;\n"
    "• nội dung tin nhắn bạn gửi chỉ đến khi bot xử lý xong; mã tin nhắn tối đa 7 ngày;\n"
    "• thao tác đang dở (ví dụ bản nháp đề nghị) — đến khi xong, hủy hoặc hết hạn.\n"
    "Số điện thoại trên hồ sơ do bộ phận một cửa nhập; bot giữ 4 số cuối để xác minh.{zns}\n\n"
    "Quyền của bạn:\n"
    "• xem dữ liệu bot lưu về bạn: /dulieucuatoi;\n"
    "• xóa dữ liệu, rút lại sự đồng ý: /xoadulieu (ngừng nhận thông báo: /botheodoi);\n"
    "• sửa thông tin trên hồ sơ (tên, số điện thoại), phản đối hoặc hạn chế việc xử lý, "
    "khiếu nại: liên hệ {contact}, nêu mã hồ sơ hoặc gửi kèm kết quả /dulieucuatoi.\n"
    "Yêu cầu được giải quyết trong vòng 15 ngày."
)

NOTICE_ZNS = (
    " Để gửi thông báo qua Zalo (ZNS) đến số điện thoại trên hồ sơ, số đầy đủ được mã hóa và "
    "xóa {days} ngày sau khi hồ sơ giải quyết xong."
)

MY_DATA_EMPTY = (
    "Bot chưa lưu dữ liệu nào về cuộc trò chuyện này. "
    "Bot không lưu số điện thoại đầy đủ của bạn. Chi tiết: /baomat"
)
MY_DATA_HEADER = "Dữ liệu bot đang lưu về cuộc trò chuyện này:"
MY_DATA_FOLLOWS = "Hồ sơ đang theo dõi ({count}):"
MY_DATA_FOLLOW = "• {what} — từ {when}"
MY_DATA_FOLLOW_OFF = "• {what} — từ {when} (tạm dừng vì bot bị chặn)"
MY_DATA_ATTEMPTS = "Các lần nhập 4 số cuối ({count}; giữ {days} ngày):"
MY_DATA_PROBES = "Các mã hồ sơ đã tra cứu ({count}; giữ {days} ngày):"
MY_DATA_NOMINATIONS = "Đề nghị khen thưởng đã gửi từ cuộc trò chuyện này ({count}):"
MY_DATA_NOTICES = "Thông báo gửi cho bạn ({count}; đã gửi được giữ {days} ngày):"
MY_DATA_FILES = "Tệp gửi cho bạn qua đường dẫn ({count}):"
MY_DATA_LINE = "• {when}: {what} — {detail}"
MY_DATA_SHORT_LINE = "• {when}: {what}"
MY_DATA_MORE = "• … và {count} mục cũ hơn"
MY_DATA_CONVERSATION = "Thao tác đang dở: {what} (từ {when})"
MY_DATA_DRAFT = "Bản nháp đề nghị khen thưởng (cập nhật {when}): {what}"
MY_DATA_BLOCKED = "Bot ghi nhận cuộc trò chuyện đã chặn bot từ {when}, nên không gửi thông báo."
MY_DATA_STAFF = "Bạn được đăng ký là {role} với tên “{name}” (quản trị viên quản lý)."
MY_DATA_FOOTER = (
    "Bot không lưu số điện thoại đầy đủ của bạn. Xóa dữ liệu: /xoadulieu. "
    "Sửa, phản đối, khiếu nại: /baomat."
)
ATTEMPT_RESULTS = {"ok": "đúng", "wrong": "sai"}
PROBE_RESULTS = {"found": "có hồ sơ", "missing": "không tìm thấy"}
NOTICE_STATES = {"pending": "chờ gửi", "sent": "đã gửi", "dead": "không gửi được"}
FLOW_NAMES = {
    "lookup": "tra cứu hồ sơ",
    "nomination": "đăng ký đề nghị khen thưởng",
    "status": "cập nhật trạng thái hồ sơ",
    "assign": "giao hồ sơ",
    "erase": "xóa dữ liệu",
}

ERASE_CONFIRM = (
    "Xóa toàn bộ dữ liệu của cuộc trò chuyện này (hồ sơ theo dõi, lần tra cứu, thông báo, "
    "bản nháp, tệp đã gửi, thao tác đang dở)? Thao tác không thể hoàn tác."
)
ERASE_YES = "Xóa dữ liệu"
ERASE_NO = "Không xóa"
ERASED = (
    "Đã xóa dữ liệu của bạn: hồ sơ theo dõi, lần tra cứu, thông báo, bản nháp, tệp đã gửi và "
    "thao tác đang dở.\n"
    "Vẫn giữ lại, và lý do:\n"
    "• các lần nhập sai 4 số cuối và mã đã tra cứu trong 1 giờ qua — để chống dò mã; "
    "tự xóa sau 1 giờ;\n"
    "• đề nghị khen thưởng đã gửi (nếu có) — là hồ sơ của Ban; đã bỏ mã cuộc trò chuyện;\n"
    "• lịch sử xử lý hồ sơ ghi cán bộ thao tác — là hồ sơ hành chính.\n"
    "{staff_line}"
    "Bạn vẫn có thể tra cứu hồ sơ bất cứ lúc nào."
)
ERASED_STAFF = (
    "• đăng ký cán bộ của bạn — để biết ai xử lý hồ sơ; quản trị viên thu hồi khi bạn thôi "
    "công tác.\n"
)
ERASE_KEPT = "Đã giữ nguyên dữ liệu."

# --- What an erasure keeps, and until when (issue 23 item 2) ------------------------------
MY_DATA_ERASURE_KEPT = (
    "Giữ lại sau lệnh /xoadulieu lúc {erased}, để chống dò mã: {attempts} lần nhập sai 4 số "
    "cuối và {probes} mã đã hỏi trong 1 giờ trước đó; tự động xóa lúc {until}."
)
