"""The bot answers /start in Vietnamese on a fresh database."""

from tests.conftest import ChatDriver


async def test_start_greets_in_vietnamese(chat: ChatDriver) -> None:
    text = await chat.say("/start")
    assert "Xin chào" in text
    assert "mã hồ sơ" in text
