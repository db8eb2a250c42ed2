"""Fuzzing: 10,000 generated messages at every step of every flow; no crash, always Vietnamese.

A seeded generator (replay a failure with the seed and the message number in its report)
makes random Unicode, very long texts, every registered command with junk arguments, forged
and stale button payloads of every registered prefix, numbers, files, photos and stickers.
First each flow is walked once (tests/flows.py) to find its steps; then, for each step and for
an idle chat, on Telegram (buttons) and Zalo (numbered choices), a chat is brought to that step
and junk is fired at it; whenever junk moves the chat elsewhere, a fresh chat is brought back.

Every message must be answered without an unhandled exception (BotCore.handle would log
"handler failed" and answer INTERNAL_ERROR) and every reply must be non-empty Vietnamese.
"""

from __future__ import annotations

import logging
import random
import string
from datetime import date, timedelta

import pytest

from config.settings import Settings
from db.connection import Database
from db.models import DossierInput
from domain.statuses import Status
from handlers import build_router
from handlers.messages import Attachment, AttachmentKind, Reply
from handlers.router import BotCore
from handlers.services import Services, build_services
from handlers.texts import common as tc
from tests.conftest import MovableClock
from tests.flows import CoreChat, Move, replay, walk

SEED = 8_2026
MESSAGES = 10_000
ADMIN = "fuzz-admin"
CITIZEN = "fuzz-citizen"
DOSSIERS = 60
#: Dossiers still received (every third): flows are walked and replayed on these.
PROBE = 3  # received (statuses cycle received, in review, waiting for supplements)
#: Each chat brought to a step gets a new dossier numbered from here.
FRESH = 1000
#: Letters only Vietnamese uses among Latin scripts: every reply must contain one.
VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)
#: Unicode ranges junk is drawn from: ASCII, Latin with accents, Vietnamese, Cyrillic, Arabic
#: (right to left), CJK, emoji, combining marks, control and format characters, surrogates.
RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x1EA0, 0x1EF9),
    (0x400, 0x4FF),
    (0x600, 0x6FF),
    (0x4E00, 0x4FFF),
    (0x1F300, 0x1F64F),
    (0x300, 0x36F),
    (0x0, 0x1F),
    (0x200B, 0x202E),
    (0xD800, 0xDFFF),
    (0xFFF0, 0xFFFF),
)
WORDS = (
    "xong", "huỷ", "huy", "có", "không", "xác nhận", "sửa", "tiếp tục", "làm lại", "1", "2",
    "0", "99", "-1", "²", "٣", "", " ", "\n", "/", "//", "@", "0912345678", "+84912345678",
    "5678", "12345", "abcd", "DROP TABLE dossiers", "ok", "bỏ qua", "-",
)  # fmt: skip


def code_of(number: int) -> str:
    """Dossier `number`'s code: 9,999 a day from 20 November 2026 on."""
    day = date(2026, 11, 20) + timedelta(days=number // 10_000)
    return f"000.00.21.H01-{day:%y%m%d}-{number % 10_000:04d}"


def digits_of(number: int) -> str:
    return f"{(number * 7919) % 10000:04d}"


class Junk:
    """The message generator; everything it makes depends only on the seed."""

    def __init__(self, seed: int, commands: list[str], prefixes: list[str]) -> None:
        self.rng = random.Random(seed)
        self.commands = commands
        self.prefixes = prefixes
        #: Real payloads seen earlier (other chats, older steps): stale when replayed here.
        self.seen_payloads: list[str] = []

    def text(self, low: int = 0, high: int = 60) -> str:
        rng = self.rng
        out = []
        for _ in range(rng.randint(low, high)):
            start, end = rng.choice(RANGES)
            out.append(chr(rng.randint(start, end)))
        return "".join(out)

    def message(self) -> tuple[Move, dict[str, object]]:
        """One junk message: the move and extra Incoming fields (attachments)."""
        rng = self.rng
        kind = rng.randrange(12)
        if kind == 0:
            return Move(text=self.text()), {}
        if kind == 1:  # very long, past the 4,096-character limit or just under it
            size = rng.choice((4096, 4097, 5000, 12000, 50000))
            return Move(text=(self.text(1, 30) * size)[:size]), {}
        if kind == 2:  # every registered command, with junk or plausible arguments
            name = rng.choice(self.commands)
            args = rng.choice((self.text(0, 20), rng.choice(WORDS), code_of(rng.randrange(99))))
            at = rng.choice(("", "@tdkt_bot", "@OtherBot"))
            return Move(text=f"/{name}{at} {args}".strip()), {}
        if kind == 3:  # an unknown or malformed command
            return Move(text="/" + self.text(0, 12) + " " + self.text(0, 12)), {}
        if kind == 4:  # a forged payload of a registered prefix
            prefix = rng.choice(self.prefixes)
            parts = [rng.choice(("", "00000000", "deadbeef", self.text(0, 8))) for _ in range(3)]
            return Move(payload=":".join([prefix, *parts])[: rng.choice((64, 200))]), {}
        if kind == 5 and self.seen_payloads:  # a stale button
            return Move(payload=rng.choice(self.seen_payloads)), {}
        if kind == 6:  # an unknown prefix, or none at all
            return Move(payload=rng.choice(("", ":", "x", "zz:1", self.text(0, 10)))), {}
        if kind == 7:
            return Move(text=rng.choice(WORDS)), {}
        if kind == 8:  # a file, with or without a caption
            attachment = Attachment(
                kind=rng.choice(list(AttachmentKind)),
                file_id=self.text(0, 20),
                file_name=rng.choice((None, "", "to-trinh.pdf", self.text(1, 300))),
                size=rng.choice((None, 0, 1, 5_000_000, 20 * 2**20, 20 * 2**20 + 1, 10**12)),
                mime_type=rng.choice(
                    (None, "application/pdf", "image/jpeg", "application/x-msdownload", "")
                ),
            )
            text = rng.choice((None, None, "", self.text(0, 30)))
            return Move(text=text), {"attachments": (attachment,)}
        if kind == 9:  # a sticker alone, or nothing at all
            if rng.random() < 0.5:
                return Move(), {"attachments": (Attachment(kind=AttachmentKind.sticker),)}
            return Move(), {}
        if kind == 10:  # numbers: picks where choices are numbered, junk elsewhere
            return Move(text=str(rng.choice((0, 1, 2, 3, 4, 5, 9, 10, 11, 999, -3, 10**30)))), {}
        code = code_of(rng.randrange(DOSSIERS + 20))  # codes, known and unknown, in any case
        return Move(text=rng.choice((code, code.lower(), f"  {code}  ", code[:-1]))), {}


def vietnamese(reply: Reply) -> bool:
    return bool(reply.text.strip()) and any(ch in VIETNAMESE for ch in reply.text)


@pytest.fixture
def fuzz_settings(settings: Settings) -> Settings:
    admins = [f"{channel}:{ADMIN}" for channel in ("telegram", "zalo", "console")]
    return settings.model_copy(update={"admins": admins})


@pytest.fixture
async def fuzz_core(fuzz_settings: Settings, db: Database, clock: MovableClock) -> BotCore:
    services = build_services(fuzz_settings, db, clock=clock)
    await _seed(services)
    return BotCore(build_router(), services)


async def _seed(services: Services) -> None:
    """Dossiers in every status, and one registered officer (for /giao's choices)."""
    statuses = list(Status)
    await services.dossiers.upsert_many(
        [_dossier(n, statuses[n % 3]) for n in range(1, DOSSIERS + 1)],
        actor="fuzz",
        now=services.now(),
    )
    await _officer(services)


def _dossier(number: int, status: Status = Status.received) -> DossierInput:
    return DossierInput(
        code=code_of(number),
        award_kind="BKCT",
        nominee=f"Nguyễn Văn {number}",
        unit="UBND xã Tân Hiệp",
        phone_last4=digits_of(number),
        received_on=date(2026, 11, 20),
        due_on=date(2026, 12, 28),
        status=status,
        resolved_on=date(2026, 11, 24) if status in (Status.passed, Status.rejected) else None,
        decision_no="12/QĐ-UBND" if status is Status.decided else None,
    )


async def _officer(services: Services) -> None:
    """Register an officer unless one is active (junk from the admin may revoke them)."""
    if await services.staff.active():
        return
    now = services.now()
    code = f"FUZZ-{len(await services.db.fetch_all('SELECT code FROM invites')):04d}"
    await services.staff.create_invite(
        code=code, role="officer", created_by="fuzz", now=now, expires_at=now + timedelta(1)
    )
    await services.staff.redeem_invite(
        code=code,
        channel="telegram",
        user_id=f"fuzz-officer-{code}",
        chat_id=f"fuzz-officer-{code}",
        name="Trần Thị Bích Ngọc",
        now=now,
    )


#: Each flow's start and the answers its text steps take; `{n}` is a dossier number.
FLOWS = {
    "/tracuu": {("lookup", "code"): "{code}", ("lookup", "phone"): "{digits}"},
    "/capnhat": {("status", "code"): "{code}", ("status", "note"): "Bổ sung biên bản họp"},
    "/denghi": {
        ("nomination", "name"): "Huỳnh Văn Nghĩa",
        ("nomination", "unit"): "Giáo viên, Trường THPT Nguyễn Trung Trực",
        ("nomination", "summary"): "Hoàn thành xuất sắc nhiệm vụ năm học, có sáng kiến cấp tỉnh.",
        ("nomination", "contact"): "Ngô Thị Mai",
        ("nomination", "phone"): "0987654321",
        ("nomination", "files"): "xong",
    },
    "/giao {code}": {},
}
#: Steps a walk passes by (it never presses edit): reached from another step by one button.
EXTRA_STEPS = {("nomination", "edit"): (("nomination", "review"), Move(payload="nm:0:edit"))}


async def test_ten_thousand_junk_messages_at_every_step(
    fuzz_core: BotCore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    router = fuzz_core.router
    junk = Junk(SEED, sorted(router.commands), sorted(router.payloads))

    def answers_for(template: dict[tuple[str, str], str], number: int) -> dict:
        fill = {"code": code_of(number), "digits": digits_of(number)}
        return {state: text.format(**fill) for state, text in template.items()}

    # 1. Find every step of every flow, and the moves that reach it.
    paths: dict[tuple[str, str], tuple[str, list[Move]]] = {}
    for start, template in FLOWS.items():
        chat = CoreChat(fuzz_core, "telegram", f"probe {start}", ADMIN)
        walked = await walk(
            chat,
            start.format(code=code_of(PROBE)),
            answers_for(template, PROBE),
            finish=False,
        )
        junk.seen_payloads += [c.payload for r in walked.replies for c in r.choices]
        for state in walked.states:
            paths[state] = (start, walked.paths[state])
    for state, (before, press) in EXTRA_STEPS.items():
        if before in paths:
            start, moves = paths[before]
            paths[state] = (start, [*moves, press])
    flows = {flow for flow, _step in paths}
    assert {"lookup", "status", "nomination", "assign"} <= flows, sorted(paths)
    # Staff flows as the admin; an idle chat and the lookup also as a citizen.
    targets: list[tuple[tuple[str, str] | None, str]] = [(None, CITIZEN), (None, ADMIN)]
    targets += [(state, ADMIN) for state in paths]
    targets += [(state, CITIZEN) for state in paths if state[0] == "lookup"]

    # 2. Fire junk at each (step, channel), bringing a fresh chat back whenever it moved.
    count = chats = 0
    per_target = -(-MESSAGES // (len(targets) * 2))
    for target, sender in targets:
        for channel in ("telegram", "zalo"):
            chat: CoreChat | None = None
            fired = 0
            while fired < per_target and count < MESSAGES:
                if chat is None or await chat.state() != target:
                    chats += 1
                    chat = await _bring(fuzz_core, channel, sender, target, paths, chats)
                    assert chat is not None, f"cannot bring a chat back to {target} ({sender})"
                move, extra = junk.message()
                count += 1
                fired += 1
                replies = await chat.send(move, **extra)
                where = f"seed {SEED}, message {count}, {sender} on {channel} at {target}"
                where += f": {move!r} {extra}"
                assert replies, f"no reply — {where}"
                for reply in replies:
                    assert reply.text != tc.INTERNAL_ERROR, f"crashed — {where}"
                    assert vietnamese(reply), f"not Vietnamese: {reply.text[:200]!r} — {where}"
                junk.seen_payloads += [c.payload for r in replies for c in r.choices][-5:]
                del junk.seen_payloads[:-500]
    assert count == MESSAGES
    failures = [r for r in caplog.records if "handler failed" in r.getMessage()]
    assert not failures, failures[0].exc_text or failures[0].getMessage()


async def _bring(
    core: BotCore,
    channel: str,
    sender: str,
    target: tuple[str, str] | None,
    paths: dict[tuple[str, str], tuple[str, list[Move]]],
    number: int,
) -> CoreChat | None:
    """A fresh chat brought to `target` on a received dossier, or None if it did not get there."""
    sender_id = ADMIN if sender == ADMIN else f"{CITIZEN}-{number}"
    chat = CoreChat(core, channel, f"fuzz-{number}", sender_id, "Lê Văn Tám")
    if target is None:
        return chat
    # A dossier of its own, still received, and an officer to assign to: junk elsewhere may
    # have moved every other dossier or revoked the officer.
    dossier = FRESH + number
    await core.services.dossiers.upsert_many(
        [_dossier(dossier)], actor="fuzz", now=core.services.now()
    )
    await _officer(core.services)
    start, moves = paths[target]
    first = Move(text=start.format(code=code_of(dossier)))
    await replay(chat, [first, *_renumbered(moves[1:], dossier)])
    return chat if await chat.state() == target else None


def _renumbered(moves: list[Move], number: int) -> list[Move]:
    """The probe's moves, with its dossier's code and digits swapped for dossier `number`."""
    swaps = {code_of(PROBE): code_of(number), digits_of(PROBE): digits_of(number)}
    return [
        Move(text=swaps.get(move.text, move.text), payload=move.payload)
        if move.text is not None
        else move
        for move in moves
    ]


def test_the_generator_is_reproducible_and_varied() -> None:
    """Same seed, same messages (a failure replays); and the mix covers every kind."""
    first = Junk(SEED, ["tracuu", "capnhat"], ["st", "fl"])
    second = Junk(SEED, ["tracuu", "capnhat"], ["st", "fl"])
    made = [first.message() for _ in range(2000)]
    assert made == [second.message() for _ in range(2000)]
    texts = [move.text or "" for move, _extra in made]
    assert any(len(text) > 4096 for text in texts)
    assert any(text.startswith("/tracuu") for text in texts)
    assert any(move.payload and move.payload.startswith("st:") for move, _ in made)
    assert any("attachments" in extra for _move, extra in made)
    assert any(set(text) & set(string.digits) and text.strip("-").isdigit() for text in texts)
