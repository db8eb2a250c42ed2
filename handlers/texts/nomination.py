"""Strings of the nomination registration (đăng ký đề nghị khen thưởng) and /denghicuatoi."""

from __future__ import annotations

COMMANDS = {
    "denghi": "Đăng ký đề nghị khen thưởng",
    "denghicuatoi": "Đề nghị khen thưởng tôi đã đăng ký",
    "quaylai": "Quay lại bước trước khi soạn đề nghị",
}

NOMINEE_TYPES = {"individual": "Cá nhân", "collective": "Tập thể", "family": "Hộ gia đình"}
#: "dành cho {who}" in a sentence.
NOMINEE_TYPES_LOWER = {"individual": "cá nhân", "collective": "tập thể", "family": "hộ gia đình"}

INTRO = (
    "📝 Đăng ký đề nghị khen thưởng: 9 bước, mỗi bước một câu hỏi. "
    "Gõ /quaylai để quay lại bước trước, /huy để hủy."
)
FOOTER = "(/quaylai: quay lại bước trước · /huy: hủy đề nghị)"
STEP = "Bước {number}/{total} — "
CURRENT = "Đang ghi: {value}"

ASK_TYPE = "Đề nghị khen thưởng cho ai?"
ASK_NAME = {
    "individual": "Họ và tên người được đề nghị khen thưởng (ví dụ: Nguyễn Thị Lan).",
    "collective": "Tên tập thể được đề nghị khen thưởng (ví dụ: Trường THCS Lê Lợi).",
    "family": "Tên hộ gia đình, ghi theo chủ hộ (ví dụ: Gia đình ông Trần Văn Bình).",
}
ASK_UNIT = {
    "individual": (
        "Chức vụ và đơn vị công tác của {name}, cách nhau bởi dấu phẩy.\n"
        "Ví dụ: Giáo viên, Trường THCS Lê Lợi, xã An Bình"
    ),
    "collective": (
        "Cơ quan quản lý trực tiếp (cơ quan chủ quản) của {name}.\n"
        "Ví dụ: Sở Giáo dục và Đào tạo, hoặc UBND xã Châu Thành"
    ),
    "family": ("Chính quyền địa phương quản lý hộ {name}.\nVí dụ: UBND xã An Bình"),
}
ASK_AWARD = "Chọn hình thức khen thưởng dành cho {who}:"
ASK_MOVEMENT = (
    "Thành tích thuộc phong trào thi đua hay chuyên đề thi đua nào? "
    "Chọn một mục, hoặc “Bỏ qua” nếu không thuộc phong trào nào."
)
SKIP = "Bỏ qua"
NO_MOVEMENT = "(không thuộc phong trào nào)"
ASK_SUMMARY = (
    "Tóm tắt thành tích của {name} (từ {minimum} đến {maximum} ký tự): "
    "thành tích nổi bật, năm đạt được, số liệu cụ thể."
)
ASK_CONTACT = (
    "Họ tên và số điện thoại người liên hệ, ví dụ: Nguyễn Văn Minh, 0912 345 678\n"
    "Người dân sẽ tra cứu hồ sơ bằng mã hồ sơ và 4 số cuối của số điện thoại này."
)
ASK_PHONE = "Số điện thoại của {name} (dạng 0xxxxxxxxx hoặc +84xxxxxxxxx)."
ASK_FILES = (
    "Gửi tài liệu kèm theo: tệp PDF, Word (doc, docx), Excel (xls, xlsx) hoặc ảnh JPG, PNG; "
    "tối đa {limit} tệp, mỗi tệp không quá {size}. Gửi đủ thì gõ “xong”."
)
ASK_FILES_DOCUMENTS = "Hồ sơ “{award}” thường gồm:"
ASK_FILES_DOCUMENT_LINE = "• {document}"
ASK_FILES_NO_UPLOAD = "Kênh này không gửi được tệp: gõ “xong” để sang bước tiếp theo."
FILES_SO_FAR = "Đã nhận {count}/{limit} tệp: {names}"
DONE = "Xong"
CLEAR_FILES = "Xóa các tệp đã gửi"
FILES_CLEARED = "Đã xóa các tệp đã gửi."
FILE_ADDED = "Đã nhận tệp {count}/{limit}: {name}. Gửi thêm, hoặc gõ “xong”."

REVIEW = "Kiểm tra lại đề nghị trước khi đăng ký:"
REVIEW_TYPE = "Đối tượng: {value}"
REVIEW_NAME = {
    "individual": "Họ và tên: {value}",
    "collective": "Tên tập thể: {value}",
    "family": "Hộ gia đình: {value}",
}
REVIEW_POSITION = "Chức vụ: {value}"
REVIEW_UNIT = {
    "individual": "Đơn vị công tác: {value}",
    "collective": "Cơ quan quản lý: {value}",
    "family": "Địa phương quản lý: {value}",
}
REVIEW_AWARD = "Hình thức khen thưởng: {value}"
REVIEW_DUE = "Thời hạn giải quyết: {days} ngày làm việc"
REVIEW_MOVEMENT = "Phong trào/chuyên đề: {value}"
REVIEW_SUMMARY = "Tóm tắt thành tích:\n{value}"
REVIEW_CONTACT = "Người liên hệ: {name} — {phone}"
REVIEW_FILES = "Tệp đính kèm ({count}): {names}"
REVIEW_NO_FILES = "Tệp đính kèm: chưa có"
CONFIRM = "✅ Xác nhận đăng ký"
EDIT = "✏️ Sửa một mục"
CANCEL = "❌ Hủy đề nghị"
ASK_EDIT = "Chọn mục cần sửa:"
EDIT_FIELDS = {
    "type": "Đối tượng (cá nhân, tập thể, hộ gia đình)",
    "name": "Tên",
    "unit": "Chức vụ, đơn vị / cơ quan quản lý",
    "award": "Hình thức khen thưởng",
    "movement": "Phong trào/chuyên đề",
    "summary": "Tóm tắt thành tích",
    "contact": "Người liên hệ và số điện thoại",
    "files": "Tệp đính kèm",
}
BACK_TO_REVIEW = "↩️ Quay lại bản kiểm tra"

OPEN_DRAFT = (
    "Bạn đang soạn dở một đề nghị khen thưởng ({summary}), đang ở bước {number}/{total}. "
    "Tiếp tục bản này hay làm lại từ đầu?"
)
RESUME = "▶️ Tiếp tục soạn"
RESTART = "🔄 Làm lại từ đầu"
DRAFT_UNNAMED = "chưa có tên"
EXPIRED = (
    "Bản đề nghị khen thưởng đang soạn ({summary}) đã bị xóa vì không có thao tác nào "
    "trong {ttl}. Gõ /denghi để bắt đầu lại."
)
CANCELLED = "Đã hủy đề nghị khen thưởng đang soạn. Không có gì được lưu."
BACK_AT_START = "Đây đã là bước đầu tiên."
NO_DRAFT = "Không có đề nghị khen thưởng nào đang soạn. Gõ /denghi để bắt đầu."
BACK_OTHER_FLOW = "Lệnh /quaylai chỉ dùng khi đang soạn đề nghị khen thưởng (/denghi)."
STALE = (
    "Nút này thuộc một bản đề nghị cũ hoặc một bước đã qua nên không còn hiệu lực. "
    "Hãy trả lời câu hỏi mới nhất."
)
STALE_OTHER_FLOW = (
    "Nút này thuộc bản đề nghị đang soạn, nhưng bạn đang làm việc khác. "
    "Gõ /denghi để quay lại bản đề nghị."
)
STALE_NO_DRAFT = (
    "Nút này thuộc một bản đề nghị đã kết thúc nên không còn hiệu lực. "
    "Gõ /denghi để đăng ký đề nghị mới."
)
ALREADY_DONE = "Bản đề nghị này đã được xác nhận hoặc đã hủy trước đó; không có gì thay đổi."
CODES_EXHAUSTED = (
    "Hôm nay đã dùng hết 9.999 mã hồ sơ nên chưa thể đăng ký thêm. Bản đề nghị vẫn được giữ; "
    "vui lòng thử lại vào ngày mai hoặc báo quản trị viên."
)

# --- Input problems (each is followed by the same question again) -------------------------

INVALID = "Câu trả lời chưa hợp lệ. Vui lòng nhập lại."
TEXT_EXPECTED = "Ở bước này tôi cần câu trả lời bằng chữ, không phải tệp, ảnh hay nhãn dán."
CHOICE_EXPECTED = "“{text}” không phải một lựa chọn. Hãy chọn một mục trong danh sách."
TYPE_UNKNOWN = "“{text}” không phải một lựa chọn. Hãy chọn cá nhân, tập thể hoặc hộ gia đình."
NAME_TOO_SHORT = "Tên quá ngắn. Hãy ghi đầy đủ."
NAME_TOO_LONG = "Tên dài quá {limit} ký tự. Vui lòng rút gọn."
NAME_DIGITS = "Họ và tên người không chứa chữ số. Hãy ghi họ tên bằng chữ."
NAME_NO_LETTERS = "Tên phải có chữ cái, không thể chỉ gồm chữ số hay ký hiệu."
POSITION_UNIT_SPLIT = (
    "Hãy ghi cả chức vụ và đơn vị công tác, cách nhau bởi dấu phẩy, "
    "ví dụ: Giáo viên, Trường THCS Lê Lợi."
)
FIELD_NAMES = {
    "position": "Chức vụ",
    "unit": "Đơn vị công tác",
    "body": "Tên cơ quan, địa phương quản lý",
    "contact": "Họ tên người liên hệ",
}
FIELD_TOO_SHORT = "{field} quá ngắn. Hãy ghi đầy đủ."
FIELD_TOO_LONG = "{field} dài quá {limit} ký tự. Vui lòng rút gọn."
FIELD_NO_LETTERS = "{field} phải có chữ cái, không thể chỉ gồm chữ số hay ký hiệu."
AWARD_UNKNOWN = (
    "Danh mục không có hình thức khen thưởng “{text}”. Hãy chọn một mục trong danh sách."
)
AWARD_NOT_FOR = "Hình thức “{award}” không áp dụng cho {who}. Hãy chọn một mục trong danh sách."
MOVEMENT_UNKNOWN = "Danh sách không có phong trào “{text}”. Hãy chọn một mục, hoặc “Bỏ qua”."
SUMMARY_TOO_SHORT = (
    "Tóm tắt thành tích quá ngắn ({length} ký tự); cần ít nhất {minimum} ký tự. "
    "Hãy nêu thành tích cụ thể."
)
SUMMARY_TOO_LONG = (
    "Tóm tắt thành tích quá dài ({length} ký tự); tối đa {maximum} ký tự. Vui lòng rút gọn, "
    "bản đầy đủ gửi kèm dưới dạng tệp ở bước sau."
)
CONTACT_NAME_MISSING = (
    "Hãy ghi họ tên người liên hệ cùng số điện thoại, ví dụ: Nguyễn Văn Minh, 0912 345 678."
)
CONTACT_NAME_DIGITS = "Họ tên người liên hệ không chứa chữ số (số điện thoại ghi sau dấu phẩy)."
PHONE_INVALID = (
    "“{text}” không phải số điện thoại Việt Nam hợp lệ. Số điện thoại có dạng 0xxxxxxxxx "
    "(10 chữ số) hoặc +84xxxxxxxxx."
)
FILE_TOO_LARGE = (
    "Tệp “{name}” nặng {size}, quá giới hạn {limit} mỗi tệp. Hãy nén hoặc chia nhỏ rồi gửi lại."
)
FILE_BAD_TYPE = (
    "Tệp “{name}” không thuộc loại được nhận. Chỉ nhận PDF, Word (doc, docx), "
    "Excel (xls, xlsx) và ảnh JPG, PNG."
)
FILE_STICKER = "Nhãn dán không phải tài liệu. Hãy gửi tệp PDF, Word, Excel hoặc ảnh JPG, PNG."
FILE_OTHER = "Tôi không nhận loại tin nhắn này làm tài liệu. Hãy gửi tệp PDF, Word, Excel hoặc ảnh."
FILE_DUPLICATE = "Tệp “{name}” đã có trong đề nghị, không cần gửi lại."
FILES_FULL = "Đã đủ {limit} tệp, không nhận thêm. Gõ “xong” để sang bước kiểm tra."
FILES_TEXT = "Ở bước này hãy gửi tệp, hoặc gõ “xong” khi đã gửi đủ."
REVIEW_CHOICE = "Hãy chọn: xác nhận, sửa một mục, hoặc hủy."
UNNAMED_FILE = "tệp {index}"

# --- Receipt -----------------------------------------------------------------------------

RECEIPT = (
    "✅ Đã tiếp nhận đề nghị khen thưởng\n"
    "Mã hồ sơ: {code}\n"
    "{who}: {name}\n"
    "Hình thức: {award}\n"
    "Ngày tiếp nhận: {received}\n"
    "Ngày hẹn trả kết quả: {due} ({days} ngày làm việc)\n"
    "Tệp đính kèm: {files}\n\n"
    "Người dân tra cứu bằng mã hồ sơ và 4 số cuối số điện thoại người liên hệ (…{last4})."
)
RECEIPT_LINK = "Liên kết tra cứu (mã QR kèm theo): {link}"
RECEIPT_NO_LINK = (
    "Chưa tạo được liên kết và mã QR vì bot chưa có tên người dùng Telegram; "
    "người dân gửi mã hồ sơ cho bot để tra cứu."
)
HISTORY_NOTE = "Đăng ký qua trợ lý chat"

# --- /denghicuatoi -----------------------------------------------------------------------

MINE_EMPTY = "Bạn chưa đăng ký đề nghị khen thưởng nào. Gõ /denghi để bắt đầu."
MINE_HEADER = "Đề nghị khen thưởng bạn đã đăng ký: {total} (trang {page}/{pages})"
MINE_LINE = "{index}. {code}\n    {name} — {award}\n    {status}; hẹn trả {due}{flag}"
MINE_OVERDUE = " ⚠️ quá hạn"
MINE_PREV = "◀️ Trang trước"
MINE_NEXT = "Trang sau ▶️"
MINE_BAD_PAGE = "Không có trang {page}. Danh sách có {pages} trang."

# --- Durations ---------------------------------------------------------------------------

DAYS = "{count} ngày"
HOURS = "{count} giờ"
MINUTES = "{count} phút"

# --- Issue 24: the facts the award's rules need, and the verdict on the review card ---------
EDIT_FIELDS["facts"] = "Thành tích để kiểm tra điều kiện"
ASK_FACTS = (
    "Thành tích đã đạt, để kiểm tra điều kiện {award}. Ghi mỗi mục một dòng (hoặc cách nhau "
    "bởi dấu chấm phẩy), bỏ qua mục không có:\n"
    "HTXS: 2024, 2025 (năm hoàn thành xuất sắc nhiệm vụ)\n"
    "LĐTT: 2024, 2025 (năm Lao động tiên tiến)\n"
    "CSTĐCS: 2025 (năm Chiến sĩ thi đua cơ sở)\n"
    "Sáng kiến: 2 (sáng kiến, đề tài được công nhận)\n"
    "Khen thưởng: BKCT 2021\n"
    "Kỷ luật: Không"
)
FACTS_UNKNOWN_KEY = (
    "Không hiểu mục “{text}”. Các mục: HTXS, LĐTT, CSTĐCS, Sáng kiến, Khen thưởng, Kỷ luật."
)
REVIEW_VERDICT = "Điều kiện: {verdict}"
REVIEW_NO_FACTS = (
    "Điều kiện: chưa kiểm tra — chọn “Sửa” → “Thành tích để kiểm tra điều kiện” để kiểm tra "
    "trước khi xác nhận."
)
#: How the facts answer names each item (and how the review shows it back).
FACT_LABELS = {
    "excellent_years": "HTXS",
    "advanced_years": "LĐTT",
    "base_emulation_years": "CSTĐCS",
    "initiatives": "Sáng kiến",
    "prior_awards": "Khen thưởng",
    "disciplined": "Kỷ luật",
}
