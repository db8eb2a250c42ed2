"""Strings of the citizen's guide (/thutuc), common questions (/hoidap) and the rating."""

from __future__ import annotations

COMMANDS = {
    "thutuc": "Hướng dẫn thủ tục: giấy tờ, thời hạn, nơi nộp",
    "hoidap": "Câu hỏi thường gặp",
}

# The procedure guide (issue 26.1).
GUIDE_LIST = (
    "Các hình thức khen thưởng ({count}). Chọn một hình thức, hoặc gõ /thutuc TÊN "
    "(ví dụ: /thutuc bằng khen chủ tịch) để xem giấy tờ, thời hạn và nơi nộp."
)
GUIDE_NOT_FOUND = (
    "Không tìm thấy hình thức khen thưởng “{text}”. Gõ /thutuc để xem danh sách các hình thức."
)
GUIDE_SEVERAL = "Có {count} hình thức khớp với “{text}”. Chọn một:"
GUIDE_TITLE = "📋 Thủ tục: {name} (mã {code})"
GUIDE_FOR_WHOM = "Đối tượng đề nghị"
GUIDE_PAPERS = "Giấy tờ cần có"
GUIDE_WHERE = "Nơi nộp"
GUIDE_TIME = "Thời hạn giải quyết"
GUIDE_FEE = "Phí, lệ phí"
GUIDE_AUTHORITY = "Cấp quyết định"
GUIDE_BASIS = "Căn cứ pháp lý"
GUIDE_DAYS = "{days} ngày làm việc, kể từ ngày sau ngày nhận đủ hồ sơ"
GUIDE_DAYS_BOARD_STEP = (
    "{days} ngày làm việc cho phần thẩm định, trình của Ban; sau đó chờ quyết định của {authority}"
)
GUIDE_FEE_NONE = "Không"
GUIDE_WHERE_DEFAULT = (
    "{desk} (nộp trực tiếp, qua bưu chính công ích hoặc trực tuyến trên Cổng Dịch vụ công)"
)
GUIDE_FORM = "{document} ({form})"
GUIDE_FOOTER = "Gõ /thutuc để xem các hình thức khác; gửi mã hồ sơ trên phiếu hẹn để tra cứu."
NOMINEE_LABELS = {"individual": "cá nhân", "collective": "tập thể", "family": "hộ gia đình"}

# The common questions (issue 26.2).
FAQ_NEXT = "👉 Bước tiếp theo: {next_step}"
FAQ_SOURCE = "📚 Căn cứ: {source}"
FAQ_DESK = "☎️ Liên hệ: {address}"
FAQ_DESK_PHONE = "Điện thoại: {phone}"
FAQ_DESK_HOURS = "Giờ làm việc: {hours}"
FAQ_OTHER = "Câu hỏi khác"
FAQ_STALE = "Câu hỏi này không còn trong danh sách. Gõ /hoidap để xem các câu hỏi thường gặp."

# The web pages of the guide and the questions (/thu-tuc, /hoi-dap).
PAGE_GUIDE_HEADING = "Hướng dẫn thủ tục khen thưởng"
PAGE_GUIDE_INTRO = (
    "Chọn hình thức khen thưởng để xem đối tượng, giấy tờ và mẫu, nơi nộp, thời hạn, "
    "phí và cấp quyết định."
)
PAGE_GUIDE_DAYS = "{days} ngày làm việc"
PAGE_ALL_KINDS = "Tất cả hình thức khen thưởng"
PAGE_KIND_NOT_FOUND = "Không có hình thức khen thưởng này. Hãy chọn trong danh sách."
PAGE_FAQ_HEADING = "Câu hỏi thường gặp"
PAGE_FAQ_LABEL = "Câu hỏi của bạn"
PAGE_FAQ_HINT = "Gõ câu hỏi bằng lời của bạn, có dấu hoặc không dấu, ví dụ: nộp hồ sơ ở đâu?"
PAGE_FAQ_SUBMIT = "Hỏi"
PAGE_FAQ_NO_MATCH = "Chưa tìm thấy câu trả lời cho câu hỏi này. Hãy chọn một câu hỏi dưới đây."
PAGE_NEXT = "Bước tiếp theo"
PAGE_SOURCE = "Căn cứ"
PAGE_LOOKUP = "Tra cứu hồ sơ"

# The rating after the result (issue 26.5; Decision 766/QĐ-TTg, satisfaction index).
RATING_ASK = (
    "Hồ sơ {code} đã có kết quả: {status}.\n"
    "Bạn hài lòng với việc giải quyết hồ sơ? Chọn từ 1 (rất không hài lòng) đến 5 (rất hài lòng)."
)
RATING_CHOICES = (
    "1 — Rất không hài lòng",
    "2 — Không hài lòng",
    "3 — Bình thường",
    "4 — Hài lòng",
    "5 — Rất hài lòng",
)
RATING_THANKS = (
    "Cảm ơn bạn đã đánh giá {score}/5 cho hồ sơ {code}. "
    "Bạn có thể gửi thêm ý kiến (không bắt buộc) trong tin nhắn tiếp theo, hoặc gõ /huy để bỏ qua."
)
RATING_ALREADY = "Bạn đã đánh giá hồ sơ {code} rồi. Mỗi hồ sơ chỉ đánh giá một lần. Cảm ơn bạn!"
RATING_NOT_ALLOWED = "Chỉ người đã tra cứu hoặc theo dõi hồ sơ mới đánh giá được hồ sơ này."
RATING_NOT_FINISHED = "Hồ sơ chưa có kết quả nên chưa đánh giá được."
RATING_COMMENT_THANKS = "Cảm ơn ý kiến của bạn. Ban sẽ xem xét để phục vụ tốt hơn."
RATING_COMMENT_MAX = 1000
RATING_COMMENT_TOO_LONG = "Ý kiến dài quá {limit} ký tự. Vui lòng gửi ngắn gọn hơn, hoặc gõ /huy."
RATING_HEADING = (
    "Mức độ hài lòng (Quyết định 766/QĐ-TTg): {index} hài lòng trên {count} lượt đánh giá"
)
RATING_KIND_LINE = "• {name}: {index} ({satisfied}/{count})"
RATING_NONE = "Mức độ hài lòng (Quyết định 766/QĐ-TTg): chưa có lượt đánh giá trong kỳ."
RATING_DIGEST_HEADING = "Ý kiến người dân sau khi nhận kết quả ({count}):"
RATING_DIGEST_LINE = "• {code} — {score}/5: {comment}"

# The rating on the web page, after the card of a finished dossier.
PAGE_RATING_HEADING = "Bạn hài lòng với việc giải quyết hồ sơ?"
PAGE_RATING_SCORE = "Mức độ hài lòng"
PAGE_RATING_COMMENT = "Ý kiến (không bắt buộc)"
PAGE_RATING_SUBMIT = "Gửi đánh giá"
PAGE_RATING_THANKS = "Cảm ơn bạn đã đánh giá hồ sơ {code}."
PAGE_RATING_BAD = "Vui lòng chọn mức độ hài lòng từ 1 đến 5."

# /dulieucuatoi (Law 91/2025/QH15): the chat's ratings are its data too.
MY_DATA_RATINGS = "Đánh giá mức độ hài lòng bạn đã gửi ({count}):"
