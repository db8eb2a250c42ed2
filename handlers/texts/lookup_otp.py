"""Texts of the one-time lookup code by ZNS (mã một lần) and the desk (issue 23 item 5)."""

OFFER = (
    "Nếu bạn là người đứng tên hồ sơ: bấm “Nhận mã qua Zalo” (hoặc gõ 1) để nhận mã "
    "một lần gửi qua Zalo tới số điện thoại ghi trên hồ sơ, rồi gửi mã đó vào đây."
)
BUTTON = "Nhận mã qua Zalo"
DESK = (
    "Cần xem ngay? Liên hệ {contact} ({hours}); mang theo phiếu hẹn trả kết quả và giấy tờ "
    "tùy thân."
)
SENT = (
    "Đã gửi mã {length} số qua Zalo tới số điện thoại ghi trên hồ sơ {code}. Mã có hiệu "
    "lực {minutes} phút và chỉ dùng được một lần: hãy gửi {length} số đó vào đây (trên trang "
    "tra cứu: nhập vào ô “4 số cuối”)."
)
TOO_MANY = "Đã gửi đủ số mã cho phép trong 1 giờ. Vui lòng thử lại sau {until}."
NONE_LIVE = (
    "Mã một lần không còn hiệu lực (đã hết 10 phút, đã dùng hoặc nhập sai quá 3 lần). "
    "Gửi lại mã hồ sơ để bắt đầu lại."
)
WRONG = "Mã một lần chưa đúng. Bạn còn {left} lần thử với mã này."
WRONG_LAST = "Mã một lần chưa đúng, và mã này đã hết lượt thử. Gửi lại mã hồ sơ để nhận mã mới."
#: What the outbox row says (the ZNS template itself is registered with Zalo).
ZNS_TEXT = "Mã tra cứu hồ sơ khen thưởng"
PAGE_OFFER = (
    "Nếu bạn là người đứng tên hồ sơ: nhận mã một lần gửi qua Zalo tới số điện thoại ghi trên "
    "hồ sơ, rồi nhập mã 6 số đó vào ô “4 số cuối”."
)
