"""The export staff read (/xuat, `export --for-staff`) and the "Đang lập báo cáo…" feedback
before slow commands on the console, Zalo and Telegram."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
from telegram.ext import Application

from config.settings import Settings
from db.connection import Database
from db.models import DossierInput
from domain.statuses import Status
from handlers import build_router
from handlers.actions.dossier_status import change_status
from handlers.messages import Incoming
from handlers.reminders import WorkdayIndex
from handlers.router import BotCore
from handlers.services import Services, build_services
from handlers.staff_export import HEADERS
from handlers.texts import casework as tw
from tests.bot.test_zalo import FakeZalo, ZaloChat, ZaloUpdates
from tests.cli import run_cli
from tests.conftest import ChatDriver, MovableClock
from tests.fakes import FakeBotApi, TelegramChat, Updates, running_application
from tests.handlers.test_status_update import make_staff


def code(seq: int) -> str:
    return f"000.00.21.H01-261120-{seq:04d}"


async def seed(services: Services) -> None:
    def item(seq: int, status: Status, due: date, **extra: object) -> DossierInput:
        return DossierInput(
            code=code(seq),
            award_kind="BKCT",
            nominee=f"Người nhận {seq}",
            unit="Sở Nội vụ",
            phone_last4="5678",
            received_on=date(2026, 11, 2),
            due_on=due,
            status=status,
            **extra,  # type: ignore[arg-type]
        )

    await services.dossiers.upsert_many(
        [
            item(1, Status.in_review, date(2026, 11, 20), officer="Trần Thị Hoa"),  # overdue
            item(2, Status.received, date(2026, 11, 30)),  # 3 working days left
            item(3, Status.decided, date(2026, 11, 30), resolved_on=date(2026, 11, 24)),
        ],
        actor="import",
        now=services.now(),
    )


async def test_xuat_is_the_sheet_staff_read(services: Services, core: BotCore) -> None:
    await make_staff(services, "hoa", name="Trần Thị Hoa")
    await seed(services)
    one = await services.dossiers.get_by_code(code(2))
    assert one is not None
    await change_status(services, one, Status.in_review, None, "console:hoa")
    (reply,) = await ChatDriver(core, "console", "hoa").send("/xuat 01/11/2026 25/11/2026")
    assert reply.document is not None and reply.document_name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(reply.document)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert "phone" not in " ".join(HEADERS).lower() and "Điện thoại" not in rows[0]
    by_code = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    first = by_code[code(1)]
    assert first["Trạng thái"] == "Đang thẩm định"
    assert first["Hình thức khen thưởng"] == services.catalog.name_of("BKCT") != "BKCT"
    assert first["Chuyên viên phụ trách"] == "Trần Thị Hoa"
    # The same working-day counts as /viec's phrases.
    index = WorkdayIndex(services.calendar, services.today())
    late = -index.offset(date(2026, 11, 20), services.today())
    left = index.offset(date(2026, 11, 30), services.today())
    assert late > 0 and left > 0
    assert first["Quá hạn (ngày làm việc)"] == late and first["Còn (ngày làm việc)"] is None
    second = by_code[code(2)]
    assert second["Còn (ngày làm việc)"] == left and second["Quá hạn (ngày làm việc)"] is None
    assert second["Cập nhật gần nhất bởi"] == "Trần Thị Hoa"  # the name, not console:hoa
    assert second["Chuyên viên phụ trách"] == tw.UNASSIGNED
    third = by_code[code(3)]
    assert third["Cập nhật gần nhất bởi"] == tw.ACTOR_IMPORT
    assert third["Ngày giải quyết"].date() == date(2026, 11, 24)
    assert third["Còn (ngày làm việc)"] is None and third["Quá hạn (ngày làm việc)"] is None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{len(rows)}"
    assert sheet.column_dimensions["B"].width == 30


async def test_cli_for_staff_with_a_status_filter(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await make_staff(services, "hoa", name="Trần Thị Hoa")
    await seed(services)
    target = tmp_path / "staff.csv"
    args = ["export", "--for-staff", "--status", "dang tham dinh", "--from", "2026-11-01"]
    done = run_cli(settings, *args, "--to", "2026-11-10", "-o", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == [code(1)]
    assert rows[1][5] == "02/11/2026"
    bad = run_cli(settings, *args[:2], "--status", "xyz", "-o", str(target), cwd=tmp_path)
    assert bad.returncode == 1 and "“xyz”" in bad.stderr
    plain = run_cli(settings, "export", "--status", "passed", "-o", str(target), cwd=tmp_path)
    assert plain.returncode == 1 and tw.EXPORT_STATUS_NEEDS_STAFF in plain.stderr


# --- "Đang lập báo cáo…" -------------------------------------------------------------------------


async def test_progress_only_for_slow_commands_the_sender_may_run(
    services: Services, core: BotCore
) -> None:
    await make_staff(services, "hoa")

    def incoming(sender: str, text: str) -> Incoming:
        return Incoming(channel="console", chat_id=sender, sender_id=sender, text=text)

    assert await core.progress(incoming("hoa", "/thongke")) == tw.WORKING
    assert await core.progress(incoming("hoa", "/xuat 01/11/2026 25/11/2026")) == tw.WORKING
    assert await core.progress(incoming("hoa", "/viec")) is None
    assert await core.progress(incoming("stranger", "/thongke")) is None  # refused anyway
    assert await core.progress(incoming("hoa", "thongke")) is None


async def test_console_prints_the_line_before_the_report(
    services: Services, core: BotCore, tmp_path: Path
) -> None:
    from bot.console_channel import CHAT_ID, run_console

    core.services.settings = services.settings.model_copy(update={"admins": [f"console:{CHAT_ID}"]})
    out = io.StringIO()
    stdin = io.StringIO("/thongke\n/viec\n")
    await run_console(core, stdin=stdin, stdout=out, files_dir=tmp_path)
    text = out.getvalue()
    assert text.count(tw.WORKING) == 1
    assert text.index(tw.WORKING) < text.index("> /viec")


async def test_zalo_sends_the_line_first(
    settings: Settings, db: Database, clock: MovableClock, tmp_path: Path
) -> None:
    from bot.inbound import UpdateRunner
    from bot.zalo_channel import ZaloChannel

    services = build_services(
        settings.model_copy(update={"admins": ["zalo:boss"]}), db, clock=clock
    )
    core = BotCore(build_router(), services)
    api = FakeZalo()
    client = api.client()
    try:
        chat = ZaloChat(
            ZaloChannel(core, client),
            UpdateRunner(services.inbound, services.clock),
            api,
            ZaloUpdates(),
        )
        said = await chat.say("/thongke", chat="boss")
    finally:
        await client.aclose()
    assert said.splitlines()[0] == tw.WORKING


async def test_telegram_shows_the_upload_action(services: Services, core: BotCore) -> None:
    api = FakeBotApi()
    user = {"id": 777, "is_bot": False, "first_name": "Hoa"}
    await make_staff(services, "777", channel="telegram")
    application: Application
    async with running_application(core, api.handler) as application:
        chat = TelegramChat(application, Updates(user, update_id=60_000))
        await chat.text("/thongke")
        actions = [call.params for call in api.calls if call.method == "sendChatAction"]
        assert actions and actions[0]["action"] == "upload_document"
        first_action = next(i for i, c in enumerate(api.calls) if c.method == "sendChatAction")
        first_reply = next(i for i, c in enumerate(api.calls) if c.method == "sendMessage")
        assert first_action < first_reply
        before = len(api.calls)
        await chat.text("/viec")
        assert all(call.method != "sendChatAction" for call in api.calls[before:])
