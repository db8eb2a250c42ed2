"""The citizen's questions in plain words (issue 26.2): 40 phrasings, the menu, the desk."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.faq import FaqError, load_faq
from config.settings import CONFIG_DIR, Settings
from domain.codes import EXAMPLE_CODE
from handlers import faq
from handlers.messages import Reply
from handlers.services import Services
from handlers.texts import common as tc
from tests.conftest import ChatDriver

PHONE = "0296 3852 123"

#: Forty ways people put the common questions, with and without accents, some misspelt,
#: and the question each must get.
PHRASINGS = [
    ("Hồ sơ đề nghị bằng khen gồm những giấy tờ gì?", "papers"),
    ("can chuan bi nhung gi de xin bang khen", "papers"),
    ("Mẫu báo cáo thành tích lấy ở đâu vậy", "papers"),
    ("giâys tờ cần nộp là gì ạ", "papers"),
    ("cho em xin biểu mẫu tờ trình", "papers"),
    ("Nộp hồ sơ xong bao lâu thì có kết quả?", "time"),
    ("mat may ngay vay ad", "time"),
    ("Thoi gian giai quyet ho so la bao nhieu ngay", "time"),
    ("bao giờ có quyết định khen thưởng hả bạn", "time"),
    ("khi nào thì xong", "time"),
    ("Làm hồ sơ khen thưởng có mất phí không?", "fee"),
    ("le phi bao nhieu", "fee"),
    ("có tốn tiền không ạ", "fee"),
    ("có mất tiềnn không", "fee"),
    ("Em nộp hồ sơ ở đâu ạ?", "where"),
    ("nop online duoc khong", "where"),
    ("địa chỉ bộ phận một cửa ở chỗ nào", "where"),
    ("có nộp qua bưu điện được không", "where"),
    ("Ai là người ký bằng khen?", "signs"),
    ("ai ky quyet dinh khen thuong", "signs"),
    ("thẩm quyền khen thưởng huân chương là của ai", "signs"),
    ("Tôi bị yêu cầu bổ sung hồ sơ thì làm sao?", "supplement"),
    ("ho so bi tra lai vi thieu giay to", "supplement"),
    ("phải nộp thêm giấy tờ gì nữa", "supplement"),
    ("Hồ sơ của tôi quá hẹn rồi mà chưa có kết quả", "late"),
    ("sao lâu vậy, trễ hẹn cả tuần rồi", "late"),
    ("ho so bi cham tre", "late"),
    ("qúa hạn rồi sao chưa trả", "late"),
    ("Tôi bị mất bằng khen, xin cấp lại được không?", "lost"),
    ("huan chuong khang chien cua ba toi bi muc nat", "lost"),
    ("giấy khen bị rách, cấp đổi thế nào", "lost"),
    ("nhà bị cháy, bằng khen bị cháy luôn", "lost"),
    ("thất lạc huân chương", "lost"),
    ("Bằng khen ghi sai tên tôi", "wrong_name"),
    ("quyet dinh viet sai ngay sinh cua me toi", "wrong_name"),
    ("tên bị sai chính tả thì sửa thế nào", "wrong_name"),
    ("Tôi muốn khiếu nại kết quả xét khen thưởng", "complaint"),
    ("khong dong y voi ket qua tham dinh", "complaint"),
    ("toi muon phan anh thai do can bo", "complaint"),
    ("hồ sơ của tôi đến đâu rồi", "status"),
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database=tmp_path / "tdkt.sqlite3", desk_phone=PHONE
    )


def test_forty_phrasings() -> None:
    assert len(PHRASINGS) == 40
    questions = load_faq(CONFIG_DIR / "faq.toml")
    got = [(text, getattr(faq.match(questions, text), "key", None)) for text in PHRASINGS_TEXT]
    assert got == PHRASINGS


PHRASINGS_TEXT = [text for text, _key in PHRASINGS]


def test_every_answer_cites_a_source_and_the_ten_questions_are_there() -> None:
    questions = load_faq(CONFIG_DIR / "faq.toml")
    keys = [entry.key for entry in questions.entries]
    for key in ("papers", "time", "fee", "where", "signs", "supplement", "late", "lost"):
        assert key in keys
    assert {"wrong_name", "complaint"} <= set(keys)
    laws = ("06/2022/QH15", "152/2025/NĐ-CP", "118/2025/NĐ-CP", "03/2025/TT-VPCP", "638/QĐ-BNV")
    supplement = questions.get("supplement")
    assert supplement is not None and "trong 5 ngày làm việc" in supplement.answer
    for entry in questions.entries:
        assert any(law in entry.source for law in (*laws, "02/2011/QH13")), entry.key


async def test_console_question_gets_answer_next_step_source_and_desk(chat: ChatDriver) -> None:
    text = await chat.say("le phi bao nhieu vay")
    assert text.startswith("❓ Có mất phí, lệ phí không?\n\nKhông.")
    assert "👉 Bước tiếp theo:" in text
    assert "📚 Căn cứ: Quyết định 638/QĐ-BNV" in text
    assert f"Điện thoại: {PHONE}" in text
    assert "Giờ làm việc: Sáng 7:30–11:30, chiều 13:30–17:00" in text
    assert "☎️ Liên hệ: Bộ phận Một cửa" in text


async def test_time_answer_reads_the_catalogue_days(chat: ChatDriver, services: Services) -> None:
    days = sorted(kind.working_days for kind in services.catalog.kinds)
    text = await chat.say("mất bao lâu")
    assert f"từ {days[0]} đến {days[-1]} ngày làm việc" in text
    assert "{days_range}" not in text


async def test_chatter_gets_the_menu_and_a_number_answers(chat: ChatDriver) -> None:
    replies = await chat.send("cảm ơn bạn")
    assert [reply.text for reply in replies] == [tc.NOT_UNDERSTOOD.format(example=EXAMPLE_CODE)]
    assert "Tôi chưa hiểu" not in replies[0].text
    titles = [choice.label for choice in replies[0].choices]
    assert titles[:3] == [
        "Hồ sơ gồm những giấy tờ gì, theo mẫu nào?",
        "Giải quyết hồ sơ mất bao lâu?",
        "Có mất phí, lệ phí không?",
    ]
    # The console and Zalo show numbered lines: "8" picks the lost-medal question.
    text = await chat.say("8")
    assert text.startswith("❓ Bị mất, hư hỏng bằng khen, huân chương thì làm sao?")
    assert "/thutuc cấp đổi" in text
    # "Câu hỏi khác" (its only choice) brings the menu back.
    assert await chat.say("1") == tc.NOT_UNDERSTOOD.format(example=EXAMPLE_CODE)


async def test_a_dossier_code_still_goes_to_the_lookup(chat: ChatDriver) -> None:
    text = await chat.say("000.00.21.H01-250704-0001")
    assert "❓" not in text
    assert text != tc.NOT_UNDERSTOOD.format(example=EXAMPLE_CODE)


async def test_hoidap_command_and_stale_button(chat: ChatDriver) -> None:
    replies = await chat.send("/hoidap")
    assert len(replies[0].choices) == 11
    assert (await chat.say("/hoidap ai ký quyết định")).startswith("❓ Ai quyết định")
    assert await chat.say(None, payload="faq:xoa") == faq.t.FAQ_STALE


async def test_no_desk_phone_no_phone_line(tmp_path: Path, services: Services) -> None:
    services.settings = Settings(_env_file=None, database=tmp_path / "x.sqlite3")  # type: ignore[call-arg]
    entry = services.faq.get("fee") if services.faq else None
    assert entry is not None
    reply: Reply = faq.answer(entry, services)
    assert "Điện thoại:" not in reply.text


def test_board_edited_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "faq.toml"
    path.write_text('[[question]]\nkey = "Phí"\ntitle = "x"\nphrasings = ["a"]\nanswer = "b"\n')
    with pytest.raises(FaqError, match=r"#1: key"):
        load_faq(path)
    path.write_text("")
    with pytest.raises(FaqError, match="no \\[\\[question\\]\\]"):
        load_faq(path)
    with pytest.raises(ValueError, match="faq_file"):
        Settings(_env_file=None, faq_file=path)  # type: ignore[call-arg]
