"""Strings of the unit's nomination list (danh sách đề nghị): template, check, verdicts."""

from __future__ import annotations

COMMANDS = {
    "maudenghi": "Tải mẫu danh sách đề nghị khen thưởng (Excel)",
}

#: The template's header row, exactly as the board publishes it (issue 24).
HEADERS = (
    "STT",
    "Họ và tên / Tên tập thể",
    "Loại",
    "Chức vụ, đơn vị",
    "Hình thức đề nghị",
    "Phong trào, chuyên đề",
    "Tóm tắt thành tích",
    "Năm hoàn thành xuất sắc nhiệm vụ",
    "Năm lao động tiên tiến",
    "Năm chiến sĩ thi đua cơ sở",
    "Số sáng kiến, đề tài được công nhận",
    "Khen thưởng đã nhận",
    "Đang bị kỷ luật",
    "Điện thoại",
)
SHEET_LIST = "Danh sách"
SHEET_GUIDE = "Hướng dẫn"
GUIDE_HEADERS = ("Cột", "Cách ghi")
#: One line per column of HEADERS, same order.
GUIDE = (
    "Số thứ tự (không bắt buộc).",
    "Họ và tên đầy đủ của cá nhân, hoặc tên tập thể, hộ gia đình. Bắt buộc.",
    "Cá nhân, Tập thể hoặc Hộ gia đình. Bắt buộc.",
    "Cá nhân: chức vụ và đơn vị công tác; tập thể: cơ quan quản lý.",
    "Tên hoặc mã hình thức khen thưởng trong bảng dưới đây. Bắt buộc.",
    "Phong trào thi đua hoặc chuyên đề (nếu có).",
    "Tóm tắt thành tích (báo cáo thành tích đầy đủ gửi kèm hồ sơ).",
    "Các năm được công nhận hoàn thành xuất sắc nhiệm vụ, ví dụ: 2024, 2025.",
    "Các năm đạt danh hiệu Lao động tiên tiến, ví dụ: 2023, 2024, 2025.",
    "Các năm đạt danh hiệu Chiến sĩ thi đua cơ sở, ví dụ: 2024, 2025.",
    "Số sáng kiến, đề tài khoa học được công nhận trong các năm trên (số nguyên, 0 nếu không có).",
    "Mã hình thức và năm, cách nhau bởi dấu chấm phẩy, ví dụ: BKCT 2021; BKTTG 2019.",
    "Có hoặc Không. Người đang bị kỷ luật chưa được xét khen thưởng.",
    "Số điện thoại liên hệ (10 chữ số), để tra cứu hồ sơ.",
)
GUIDE_AWARDS = "Các hình thức khen thưởng"
GUIDE_AWARD_HEADERS = ("Mã", "Hình thức", "Dành cho", "Căn cứ", "Tiêu chí được kiểm tra")
GUIDE_PRIOR_ONLY = "danh hiệu của đơn vị: chỉ ghi ở cột “Khen thưởng đã nhận” hoặc các cột năm"
GUIDE_NO_RULES = "cán bộ Ban xem hồ sơ"
YES_WORDS = frozenset({"co", "x", "yes", "dang bi ky luat"})
NO_WORDS = frozenset({"khong", "", "-", "no", "0"})

LINE = "Dòng {row}: {name} — {award} — {verdict}"
LINE_ERROR = "Dòng {row}: lỗi — {problems}"
SUMMARY = (
    "Kiểm tra {file}: {total} dòng — {eligible} đủ điều kiện, {review} cần cán bộ xem, "
    "{ineligible} chưa đủ điều kiện, {errors} dòng lỗi."
)
EMPTY_FILE = "Tệp {file} không có dòng nào dưới hàng tiêu đề."
UNREADABLE = "Không đọc được tệp {file}: {detail}"
NOT_XLSX = "tệp không phải Excel .xlsx"
MISSING_HEADERS = "thiếu cột: {columns} (tải mẫu bằng /maudenghi)"
TOO_MANY_ROWS = "danh sách quá {limit} dòng; hãy tách thành nhiều tệp"

ERR_NAME = "thiếu họ tên / tên tập thể"
ERR_TYPE = "cột Loại phải là Cá nhân, Tập thể hoặc Hộ gia đình (đang ghi: {value})"
ERR_AWARD = "không có hình thức khen thưởng “{value}” trong danh mục"
ERR_AWARD_MISSING = "thiếu hình thức đề nghị"
ERR_YEARS = "cột “{column}”: “{value}” không phải danh sách năm (ví dụ: 2024, 2025)"
ERR_FUTURE = "cột “{column}”: năm {year} chưa tới"
ERR_COUNT = "cột “{column}”: “{value}” không phải số nguyên không âm"
ERR_PRIOR = "cột “{column}”: “{value}” phải ghi mã và năm, ví dụ: BKCT 2021"
ERR_DISCIPLINE = "cột “{column}” phải là Có hoặc Không (đang ghi: {value})"
ERR_PHONE = "số điện thoại “{value}” không hợp lệ"

ELIGIBLE = "Đủ điều kiện: {title} ({article} {law})"
INELIGIBLE = "Chưa đủ điều kiện: {title} — còn thiếu {missing} ({article} {law})"
WRONG_TYPE = "Chưa đủ điều kiện: {award} chỉ xét cho {types} ({article} {law})"
DISCIPLINED = "Chưa đủ điều kiện: đang bị kỷ luật, chưa xét khen thưởng ({article}, {law})"
REVIEW = "Cần cán bộ xem: {judgement} ({article} {law})"
NO_RULES = "Cần cán bộ xem: hình thức này chưa có tiêu chí kiểm tra tự động"
FACT_LABELS = {
    "excellent_years": "hoàn thành xuất sắc nhiệm vụ",
    "advanced_years": "Lao động tiên tiến",
    "base_emulation_years": "Chiến sĩ thi đua cơ sở",
    "initiatives": "sáng kiến, đề tài được công nhận",
}
MISSING_RUN = "{need} năm liên tục {label} đến năm nay hoặc năm trước (mới có {have})"
MISSING_GAP = "{need} năm liên tục {label}: các năm {years} không liên tục"
MISSING_COUNT = "{need} {label} (mới có {have})"
MISSING_PRIOR = "{award} từ {years} năm trước trở lên"
AND = " và "
OR = " hoặc "
TEMPLATE_WRITTEN = "Đã ghi mẫu danh sách đề nghị khen thưởng: {file}"

# --- The unit role and submissions (issue 24) -----------------------------------------------
COMMANDS.update(
    {
        "danhsach": "Kiểm tra (và nộp) danh sách đề nghị khen thưởng của đơn vị",
        "hosodonvi": "Danh sách, hồ sơ đơn vị đã nộp và tình trạng",
    }
)
TEMPLATE_CAPTION = (
    "📄 Mẫu danh sách đề nghị khen thưởng. Điền mỗi người, tập thể một dòng (xem trang "
    "“Hướng dẫn”), rồi gửi lại: /danhsach ĐƯỜNG_DẪN_TỆP.xlsx"
)
TEMPLATE_FILE = "mau-danh-sach-de-nghi-khen-thuong.xlsx"
INVITE_UNIT_USAGE = "Cú pháp: /moi donvi TÊN ĐƠN VỊ (ví dụ: /moi donvi Trường THCS Lê Lợi)"
INVITE_UNIT_CREATED = (
    "Mã mời cán bộ thi đua của đơn vị “{unit}”: {code}\n"
    "Người được mời gửi /dangky {code} trước {expires}. Mã chỉ dùng một lần."
)
JOIN_UNIT_DONE = (
    "Chào {name}! Anh/chị đã đăng ký là cán bộ thi đua của đơn vị “{unit}”.\n"
    "/maudenghi: tải mẫu danh sách · /danhsach TỆP.xlsx: kiểm tra và nộp · "
    "/hosodonvi: hồ sơ đơn vị đã nộp"
)
LIST_USAGE = "Gửi đường dẫn tệp Excel sau lệnh, ví dụ: /danhsach /home/donvi/danhsach.xlsx"
LIST_NO_FILE = "Không tìm thấy tệp {file}."
LIST_ONLY_CONSOLE = (
    "Kênh này chưa nhận tệp: hãy gửi tệp Excel cho Ban qua thư điện tử (cán bộ Ban kiểm tra "
    "bằng “python -m bot nominations check”), hoặc gửi qua Telegram."
)
LIST_NOT_ALLOWED = "Lệnh này dành cho cán bộ thi đua của đơn vị và cán bộ Ban."
LIST_OFFER = "Nộp {count} dòng đủ điều kiện hoặc cần cán bộ xem thành một tờ trình?"
LIST_NOTHING_TO_SUBMIT = "Không có dòng nào đủ điều kiện hoặc cần cán bộ xem để nộp."
LIST_SUBMIT = "Nộp {count} dòng"
LIST_CANCEL = "Chưa nộp"
LIST_CANCELLED = "Chưa nộp danh sách. Sửa tệp rồi gửi lại bằng /danhsach khi sẵn sàng."
LIST_STALE = "Nút này đã cũ: hãy gửi lại danh sách bằng /danhsach."
LIST_BOARD_ONLY_CHECK = (
    "(Cán bộ Ban chỉ kiểm tra; nộp thay đơn vị bằng "
    "“python -m bot nominations submit TỆP --unit TÊN”.)"
)
SUBMITTED = "✅ Đã nộp tờ trình {code} của {unit}: {count} hồ sơ, tiếp nhận ngày {received}."
SUBMITTED_LINE = "Dòng {row}: {name} — {code} — hạn {due}"
SUBMITTED_FOLLOW = "Anh/chị sẽ được báo mỗi khi hồ sơ thay đổi tình trạng. Tra cứu: /tracuu MÃ."
HISTORY_NOTE = "Đơn vị nộp qua danh sách, tờ trình {code}"
UNIT_NONE = "Đơn vị “{unit}” chưa nộp danh sách nào."
UNIT_HEADER = "Đơn vị “{unit}”: {count} tờ trình gần nhất"
UNIT_SUBMISSION = "• {code} ({date}) — {rows} hồ sơ{campaign}"
UNIT_DOSSIER = "   {code} — {name} — {award}: {status}, hạn {due}"
LIST_SEND_FILE = "Gửi tệp Excel danh sách (.xlsx) vào đây. /huy: thôi."
LIST_TOO_BIG = "Tệp {file} lớn quá {size}: hãy tách danh sách thành nhiều tệp."
LIST_DOWNLOAD_FAILED = "Chưa tải được tệp {file}. Vui lòng gửi lại sau ít phút."
