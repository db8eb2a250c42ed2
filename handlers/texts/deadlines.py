"""Strings of the dates an officer sets on a dossier: supplement by (hạn bổ sung), apology."""

from __future__ import annotations

# --- supplement by a date (issue 26.3) ----------------------------------------------------------
NOTICE_SUPPLEMENT_BY = "Hạn bổ sung: trước ngày {date}."
CONFIRM_SUPPLEMENT_BY = (
    "Hạn bổ sung: trước ngày {date}.\n"
    "Mặc định {days} ngày làm việc (do Ban quy định). Gửi ngày khác (dd/mm/yyyy) nếu cần đổi."
)
SUPPLEMENT_BY_BAD = (
    "“{text}” không phải ngày hợp lệ. Gửi hạn bổ sung dạng dd/mm/yyyy (sau hôm nay, "
    "trong vòng {limit} ngày làm việc), hoặc chọn “Xác nhận” để giữ ngày {date}."
)
CARD_SUPPLEMENT_BY = " trước ngày {date}"
CARD_DUE_AFTER_SUPPLEMENT = (
    "Sau khi bổ sung hồ sơ ngày {arrived}: ngày hẹn trả kết quả {old} → {new}."
)
REMIND_BEFORE = (
    "⏰ Hồ sơ {code}: còn {days} ngày làm việc đến hạn bổ sung (trước ngày {date}).\n"
    "Cần bổ sung: {note}\n\n"
    "Gõ /botheodoi {code} để ngừng nhận thông báo về hồ sơ này."
)
REMIND_DAY = (
    "⏰ Hồ sơ {code}: hôm nay ({date}) là hạn bổ sung hồ sơ.\n"
    "Cần bổ sung: {note}\n\n"
    "Gõ /botheodoi {code} để ngừng nhận thông báo về hồ sơ này."
)
REMIND_STATUS = "Hạn bổ sung hồ sơ"
QUAHAN_SUPPLEMENT_HEADER = "Quá hạn bổ sung hồ sơ ({count}):"
QUAHAN_SUPPLEMENT_LINE = "• {code} — {nominee} — hạn bổ sung {date}"
QUAHAN_SUPPLEMENT_MORE = "… và {count} hồ sơ khác."
BULK_SUPPLEMENT_BY = "Hạn bổ sung: trước ngày {date} ({days} ngày làm việc)."

# --- late with an apology (issue 26.4) ---------------------------------------------------------
APOLOGY_COMMAND_MOVE = "Dời ngày hẹn trả kết quả (kèm phiếu xin lỗi)"
APOLOGY_COMMAND_FORM = "Tải phiếu xin lỗi đã gửi của một hồ sơ"
APOLOGY_USAGE = (
    "Cách dùng: /doihan MÃ_HỒ_SƠ NGÀY_MỚI LÝ_DO\n"
    "Ví dụ: /doihan {example} 15/01/2027 Chờ ý kiến của cơ quan có liên quan"
)
APOLOGY_NOT_FOUND = "Không tìm thấy hồ sơ {code}."
APOLOGY_FINISHED = "Hồ sơ {code} đã “{label}”: không còn ngày hẹn để dời."
APOLOGY_PAUSED = (
    "Hồ sơ {code} đang chờ bổ sung (tạm dừng tính hạn): ngày hẹn mới tính khi nhận đủ hồ sơ."
)
APOLOGY_NOT_LATER = "Ngày mới ({new}) phải sau ngày hẹn hiện tại ({old})."
APOLOGY_TOO_FAR = "Ngày mới ({new}) quá xa: tối đa {limit} ngày làm việc sau ngày hẹn hiện tại."
APOLOGY_REASON_TOO_LONG = "Lý do dài quá {limit} ký tự. Vui lòng rút gọn."
APOLOGY_DEFAULT_REASON = "Hồ sơ cần thêm thời gian thẩm định, xác minh."
APOLOGY_DRAFT = (
    "📝 Dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả — hồ sơ {code} ({nominee})\n"
    "Ngày hẹn trả kết quả: {old}\n"
    "Lý do chậm: {reason}\n"
    "Ngày hẹn mới: {new}\n\n"
    "Bấm “Gửi phiếu xin lỗi” để gửi cho người theo dõi hồ sơ (và qua ZNS nếu có). "
    "Muốn đổi ngày hoặc lý do: /doihan {code} NGÀY_MỚI LÝ_DO"
)
APOLOGY_PREDICTED = "⚠️ Hồ sơ {code} sẽ đến hạn ngày {old} mà chưa giải quyết xong."
APOLOGY_CONFIRM = "Gửi phiếu xin lỗi"
APOLOGY_CANCEL = "Để sau"
APOLOGY_SENT = "Đã gửi phiếu xin lỗi của hồ sơ {code}; ngày hẹn trả kết quả mới: {new}."
APOLOGY_LATER = "Chưa gửi. Phiếu vẫn ở dạng dự thảo; gõ /doihan {code} để soạn lại."
APOLOGY_STALE = (
    "Phiếu này không còn dùng được: hồ sơ {code} đã đổi (trạng thái hoặc ngày hẹn) hoặc phiếu "
    "đã được gửi. Gõ /doihan {code} để soạn lại."
)
APOLOGY_HISTORY_NOTE = "Xin lỗi, hẹn lại ngày trả kết quả: {new}. Lý do: {reason}"
APOLOGY_NOTICE = (
    "🙏 Hồ sơ {code}: Ban xin lỗi vì chưa trả kết quả đúng hẹn ngày {old}.\n"
    "Lý do: {reason}\n"
    "Ngày hẹn trả kết quả mới: {new}\n\n"
    "Gõ /botheodoi {code} để ngừng nhận thông báo về hồ sơ này."
)
APOLOGY_ZNS_STATUS = "Hẹn lại ngày trả kết quả"
CARD_APOLOGY = "Đã xin lỗi vì chậm trả kết quả (hẹn cũ {old}); ngày hẹn mới: {new}."
APOLOGY_FORM_USAGE = "Cách dùng: /xinloi MÃ_HỒ_SƠ — gửi lại phiếu xin lỗi đã lưu của hồ sơ."
APOLOGY_FORM_NONE = "Hồ sơ {code} chưa có phiếu xin lỗi nào đã gửi."
APOLOGY_FORM_CAPTION = "Phiếu xin lỗi và hẹn lại ngày trả kết quả — hồ sơ {code}"
REPORT_LATE = (
    "Trễ hạn: {total} hồ sơ — đã xin lỗi và hẹn lại: {with_apology}; chưa xin lỗi: {without}."
)

# The form as filed (PDF); its fields follow form 04 of Circular 03/2025/TT-VPCP.
FORM_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
FORM_MOTTO = "Độc lập – Tự do – Hạnh phúc"
FORM_NUMBER = "Số: {number}/PXL"
FORM_PLACE_DATE = "ngày {day:02d} tháng {month:02d} năm {year}"
FORM_TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
FORM_TO = "Kính gửi: {nominee}{unit}"
FORM_BODY = (
    "Ngày {received}, {agency} tiếp nhận hồ sơ đề nghị khen thưởng của Ông/Bà/Quý cơ quan, "
    "đơn vị: {award}; mã hồ sơ {code}.",
    "Thời hạn giải quyết theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ngày {old}.",
    "Tuy nhiên, đến nay chưa giải quyết xong hồ sơ. Lý do: {reason}",
    "Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Quý cơ quan, đơn vị. {agency} xin lỗi và "
    "hẹn trả kết quả vào ngày {new}.",
    "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà/Quý cơ quan, đơn vị.",
)
FORM_SIGNER = "THỦ TRƯỞNG CƠ QUAN"
FORM_SIGN_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"
FORM_CONFIRMED_BY = "Xác nhận gửi trên hệ thống: {actor}, {when}"
FORM_BASE = "{form}. Căn cứ: {legal_base}."
