"""Strings of the date to supplement by (hạn bổ sung hồ sơ) and the late apology (xin lỗi)."""

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
