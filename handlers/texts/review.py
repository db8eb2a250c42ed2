"""Texts of the board's work on a submission (issue 25): inbox, returns, council, decision."""

from __future__ import annotations

COMMANDS = {
    "denghimoi": "Tờ trình đề nghị đang chờ xử lý",
    "tralai": "Trả lại hồ sơ để bổ sung, nêu lý do",
    "nopbosung": "Đơn vị nộp lại hồ sơ đã bổ sung",
    "hophoidong": "Lên lịch họp Hội đồng Thi đua – Khen thưởng",
    "bophieu": "Ghi kết quả bỏ phiếu của Hội đồng",
    "bienban": "Đính kèm biên bản họp Hội đồng",
    "quyetdinh": "Ghi quyết định khen thưởng đã ký",
}

STEP_LABELS = {
    "check": "Kiểm tra hồ sơ",
    "returned": "Trả lại, chờ đơn vị bổ sung",
    "council": "Chờ Hội đồng xét",
    "decision": "Chờ quyết định",
    "done": "Đã xong",
}

INBOX_EMPTY = "Không có tờ trình nào đang chờ xử lý."
INBOX_HEAD = "Tờ trình đang chờ xử lý (cũ nhất trước):"
INBOX_LINE = (
    "• {code} — {unit} — {rows} dòng (đủ điều kiện {eligible}, cần cán bộ xem {review})"
    " — nộp {submitted} — {limit}"
)
INBOX_STEPS = "Tờ trình của đơn vị, số dòng theo bước: {steps}"
INBOX_STEP_COUNT = "{label} {count} (quá hạn {overdue})"
LIMIT_LEFT = "còn {days} ngày làm việc để trả lại"
LIMIT_TODAY = "hôm nay là hạn trả lại"
LIMIT_OVER = "quá hạn trả lại {days} ngày làm việc"
LIMIT_DONE = "đã kiểm tra xong"
NOT_FOUND = "Không tìm thấy tờ trình hoặc hồ sơ “{text}”."

SUBMISSION_HEAD = "Tờ trình {code} — {unit}{campaign} — nộp {submitted}\nHạn trả lại: {return_due}"
SUBMISSION_ROW = "Dòng {row}: {nominee} — {award} — {code} — {status} — {step}"
ROW_CARD = (
    "Dòng {row} của tờ trình {submission} ({unit})\n{nominee} — {unit_text}\n{award}\n"
    "Mã hồ sơ: {code}\nTrạng thái: {status}\nKết quả kiểm tra: {verdict}\nBước: {step} — hạn {due}"
)
ROW_RESUBMIT = "Trả lại để bổ sung, nộp lại trước {date}"
ROW_COUNCIL = "Họp Hội đồng ngày {date}"
ROW_VOTE = "Hội đồng: {share} — {result}"
VOTE_PASSED = "thông qua"
VOTE_FAILED = "không thông qua"
ROW_ACTIONS = (
    "Trả lại: /tralai {code} SỐ_LÝ_DO | ghi chú | dd/mm/yyyy\n"
    "Bỏ phiếu (lãnh đạo): /bophieu {code} SỐ_PHIẾU_ĐỒNG_Ý/TỔNG_SỐ_THÀNH_VIÊN"
)
OPEN_ROW = "Dòng {row}: {nominee}"

#: Reasons an officer picks by number (the free text says which document, which article).
RETURN_REASONS = (
    "Thiếu thành phần hồ sơ (Điều 84 Luật Thi đua, khen thưởng 2022)",
    "Chưa đủ điều kiện, tiêu chuẩn theo điều khoản nêu trong ghi chú",
    "Sai mẫu (Mẫu 01, Mẫu 05 Nghị định 152/2025/NĐ-CP)",
    "Thông tin không khớp giữa danh sách và báo cáo thành tích",
)
RETURN_USAGE = (
    "Cách dùng: /tralai MÃ_HỒ_SƠ (hoặc MÃ_TỜ_TRÌNH cho cả tờ trình) SỐ_LÝ_DO | ghi chú |"
    " hạn nộp lại dd/mm/yyyy\nVí dụ: /tralai TT-261125-01 1,3 | Thiếu Mẫu 05 | 04/12/2026\n"
    "Lý do:\n{reasons}"
)
RETURN_BAD_REASON = "Số lý do “{text}” không có trong danh sách (1 đến {count})."
RETURN_BAD_DATE = "Hạn nộp lại “{text}” không đúng dạng dd/mm/yyyy hoặc không sau hôm nay."
RETURN_NOTE = "trả lại để bổ sung, nộp lại trước {date}: {reasons}"
RETURN_NOTHING = "Tờ trình {code} không còn dòng nào đang kiểm tra để trả lại."
RETURN_NOT_ROW = "Hồ sơ {code} không thuộc tờ trình nào của đơn vị."
RETURN_WRONG_STATUS = "Hồ sơ {code} đang “{label}”, không trả lại được."
RETURN_DONE = "Đã trả lại {count} hồ sơ, hạn nộp lại {date}; đơn vị được báo ngay{late}."
RETURN_LATE = " (quá hạn 5 ngày làm việc để trả lại)"
REMINDER = (
    "Nhắc: hồ sơ {code} ({nominee}) của tờ trình {submission} cần nộp lại trước {date}.\n"
    "Lý do trả lại: {reasons}\nNộp lại: /nopbosung {code}"
)

RESUBMIT_USAGE = "Cách dùng: /nopbosung MÃ_HỒ_SƠ [tệp đã sửa]"
RESUBMIT_NOT_ALLOWED = "Chỉ đơn vị đã nộp tờ trình hoặc cán bộ của Ban nộp lại được hồ sơ này."
RESUBMIT_NOT_RETURNED = "Hồ sơ {code} không ở trạng thái trả lại để bổ sung."
RESUBMIT_DONE = "Đã nhận hồ sơ {code} nộp lại vào tờ trình {submission}; mã hồ sơ giữ nguyên."
RESUBMIT_NOTE = "Đơn vị nộp lại hồ sơ đã bổ sung{file}"

COUNCIL_USAGE = "Cách dùng: /hophoidong dd/mm/yyyy (ngày họp Hội đồng)"
COUNCIL_NONE = "Chưa có hồ sơ nào sẵn sàng để đưa ra Hội đồng."
COUNCIL_DONE = "Đã lên lịch phiên họp số {meeting} ngày {date} với {count} hồ sơ:"
COUNCIL_LINE = "• {code} — {nominee} — {award}"
COUNCIL_NOTE = "Đưa ra phiên họp Hội đồng Thi đua – Khen thưởng ngày {date}"
VOTE_USAGE = "Cách dùng: /bophieu MÃ_HỒ_SƠ SỐ_PHIẾU_ĐỒNG_Ý/TỔNG_SỐ_THÀNH_VIÊN, ví dụ 9/10"
VOTE_BAD = "Số phiếu “{text}” không hợp lệ: số phiếu đồng ý từ 0 đến tổng số thành viên."
VOTE_NOT_ON_AGENDA = "Hồ sơ {code} chưa được đưa ra phiên họp Hội đồng nào."
VOTE_ALREADY = "Kết quả bỏ phiếu của hồ sơ {code} đã được ghi."
VOTE_NOTE_PASSED = "Hội đồng thông qua: {share}, ngưỡng {threshold} ({source})"
VOTE_NOTE_FAILED = "Hội đồng không thông qua: {share}, dưới ngưỡng {threshold} ({source})"
VOTE_DONE = "Hồ sơ {code}: {note}."
THRESHOLD_AT_LEAST = "từ {percent}% trở lên"
THRESHOLD_MORE_THAN = "trên {percent}%"
MINUTES_USAGE = "Cách dùng: /bienban SỐ_PHIÊN_HỌP tệp biên bản"
MINUTES_DONE = "Đã đính kèm biên bản {file} vào phiên họp số {meeting}."
MINUTES_NO_MEETING = "Không có phiên họp số {meeting}."

FILE_MISSING = "Không đọc được tệp “{file}”."
FILE_NEEDED = "Cần gửi kèm tệp (trên máy chủ: đường dẫn tệp)."
FILE_DOWNLOAD_FAILED = "Không tải được tệp “{file}”, vui lòng gửi lại."

DECISION_USAGE = "Cách dùng: /quyetdinh SỐ_QUYẾT_ĐỊNH dd/mm/yyyy tệp PDF đã ký"
DECISION_BAD_NUMBER = "Số quyết định “{text}” không đúng dạng, ví dụ {example}."
DECISION_BAD_DATE = "Ngày ký “{text}” không đúng dạng dd/mm/yyyy hoặc ở tương lai."
DECISION_NOT_PDF = "Tệp quyết định phải là PDF đã ký."
DECISION_NONE = "Không có hồ sơ nào đã được Hội đồng thông qua và đang chờ quyết định."
DECISION_TAKEN = "Số quyết định {number} đã được ghi trước đó."
DECISION_DONE = "Quyết định {number} ngày {date}: {count} hồ sơ chuyển sang “đã có quyết định”."
UNIT_DECISION = (
    "Quyết định khen thưởng số {number} ngày {date} đã được ký. Đơn vị {unit} có {count}"
    " người/tập thể được khen thưởng:\n{lines}"
)
UNIT_DECISION_LINE = "• {nominee} — {award}"

EXPORT_NONE = "Không có quyết định số {number}."
EXPORT_HEADERS = ("STT", "Họ và tên / Tên tập thể", "Chức vụ, đơn vị", "Hình thức khen thưởng")
EXPORT_SHEET = "Danh sách kèm QĐ"
EXPORT_DONE = "Đã ghi danh sách kèm quyết định {number} vào {path}."
REPORT_SUBMISSIONS = (
    "Tờ trình của đơn vị: {submissions} tờ trình, {rows} dòng đề nghị, thuộc {topics} phong trào,"
    " chuyên đề:"
)
REPORT_CAMPAIGN = "• {name}: {rows} dòng"
REPORT_NO_CAMPAIGN = "(không ghi phong trào, chuyên đề)"
REPORT_RETURNS = "Trả lại để bổ sung {returned} dòng, trong đó {within} trong hạn 5 ngày làm việc."
REPORT_COUNCIL = "Hội đồng Thi đua – Khen thưởng: thông qua {passed}, không thông qua {failed}."
VIEW_STEP = "Tờ trình {submission}, dòng {row}: {step}{due}"
