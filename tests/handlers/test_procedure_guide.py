"""The procedure guide (/thutuc, issue 26.1) and the replacement kind (issue 26.6)."""

from __future__ import annotations

from pathlib import Path

from config.catalog import load_catalog
from handlers.services import Services
from handlers.texts import citizen as t
from tests.conftest import ChatDriver


async def test_list_and_pick_by_number(chat: ChatDriver, services: Services) -> None:
    replies = await chat.send("/thutuc")
    assert replies[0].text == t.GUIDE_LIST.format(count=len(services.catalog.kinds))
    labels = [choice.label for choice in replies[0].choices]
    assert labels[0] == "Bằng khen của Chủ tịch UBND tỉnh"
    assert "Cấp đổi, cấp lại hiện vật khen thưởng" in labels
    text = await chat.say(str(labels.index("Chiến sĩ thi đua cấp tỉnh") + 1))
    assert text.startswith("📋 Thủ tục: Chiến sĩ thi đua cấp tỉnh (mã CSTDT)")


async def test_guide_by_words_without_accents(chat: ChatDriver) -> None:
    text = await chat.say("/thutuc bang khen chu tich")
    lines = text.splitlines()
    assert lines[0] == "📋 Thủ tục: Bằng khen của Chủ tịch UBND tỉnh (mã BKCT)"
    assert "Đối tượng đề nghị: cá nhân, tập thể, hộ gia đình" in lines
    assert "Thời hạn giải quyết: 25 ngày làm việc, kể từ ngày sau ngày nhận đủ hồ sơ" in lines
    assert "Phí, lệ phí: Không" in lines
    assert "Cấp quyết định: Chủ tịch UBND tỉnh" in lines
    assert "1. Tờ trình đề nghị khen thưởng (Mẫu số 01)" in lines
    assert any(line.startswith("Nơi nộp: Bộ phận Một cửa") for line in lines)
    assert any("06/2022/QH15" in line for line in lines)


async def test_state_award_says_the_board_step_and_family_award_its_commune(
    chat: ChatDriver,
) -> None:
    text = await chat.say("/thutuc HCLD3")
    assert (
        "Thời hạn giải quyết: 30 ngày làm việc cho phần thẩm định, trình của Ban; "
        "sau đó chờ quyết định của Chủ tịch nước"
    ) in text
    text = await chat.say("/thutuc giấy khen hộ gia đình")
    assert "Nơi nộp: UBND cấp xã nơi hộ gia đình cư trú" in text


async def test_several_and_none(chat: ChatDriver) -> None:
    replies = await chat.send("/thutuc bằng khen")
    assert replies[0].text == t.GUIDE_SEVERAL.format(count=2, text="bằng khen")
    assert [c.payload for c in replies[0].choices] == ["tt:BKCT", "tt:BKTTG"]
    assert await chat.say("/thutuc kỷ niệm chương") == t.GUIDE_NOT_FOUND.format(
        text="kỷ niệm chương"
    )
    assert await chat.say(None, payload="tt:XOA") == t.GUIDE_NOT_FOUND.format(text="XOA")


async def test_replacement_is_a_kind_of_its_own(chat: ChatDriver, services: Services) -> None:
    kind = services.catalog.get("CDCL")
    assert kind is not None and kind.name == "Cấp đổi, cấp lại hiện vật khen thưởng"
    assert kind.working_days == 10 and not kind.board_step_only
    assert services.catalog.search("cap doi") == [kind]
    text = await chat.say("/thutuc cấp lại")
    assert "Đơn đề nghị cấp đổi, cấp lại" in text
    assert "Nghị định 152/2025/NĐ-CP" in text


def test_older_catalogue_without_guide_fields_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "award_catalog.toml"
    path.write_text(
        '[[award]]\ncode = "X"\nname = "Giấy khen"\nfor_whom = ["individual"]\n'
        'authority = "Giám đốc"\nworking_days = 5\ndocuments = ["Tờ trình", "Báo cáo"]\n'
        'eligibility_basis = "field another feature adds"\n'
    )
    kind = load_catalog(path).kinds[0]
    assert kind.papers() == [("Tờ trình", ""), ("Báo cáo", "")]
    assert kind.procedure_basis == [] and kind.submit_to is None
