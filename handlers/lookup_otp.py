"""The owner's way in while strangers' guessing holds a dossier: a one-time code by ZNS.

A stranger and the owner who both know the code are alike until one proves the phone; the
owner alone holds the phone. So when the per-dossier slow-down or the channel's budget holds a
chat that never proved the dossier, the reply offers a one-time code (mã một lần) sent by ZNS
to the phone kept on the dossier (only when ZNS is on, the OTP template is set and the number
is kept); otherwise it gives the desk's number and hours (TDKT_DESK_PHONE, TDKT_DESK_HOURS).

The code: 6 digits, bound to the chat that asked and the dossier, single use, 10 minutes,
3 wrong tries; a chat may ask 3 times an hour and a dossier gets at most 6 codes an hour
(the owner's phone is not flooded). The limits are read and the send written in one
transaction, and the notice goes through the outbox like every other (issue 23 item 5).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from db.models import Dossier
from db.otps import OtpRepository, code_matches
from db.outbox import ASKED_NOW, enqueue
from db.phones import PhoneRepository
from handlers.buttons import ButtonData
from handlers.conversation import new_conversation
from handlers.formatting import vn_datetime
from handlers.messages import Channel, Choice, Incoming, Reply
from handlers.services import Services
from handlers.texts import lookup_otp as t
from handlers.zns import PAYLOAD_KEY, phone_vault

OTP_TTL = timedelta(minutes=10)
OTP_LENGTH = 6
OTP_MAX_WRONG = 3
OTP_WINDOW = timedelta(hours=1)
OTP_SENDS_PER_CHAT = 3
OTP_SENDS_PER_DOSSIER = 6
#: The outbox payload's key naming the ZNS template (bot/zns_client.py picks it).
TEMPLATE_KEY = "zns_template"
OTP_TEMPLATE = "otp"
#: `Reply.extra` marks a hold that offers a code, for channels without buttons (the page).
OFFER = "otp"


class OtpButton(ButtonData, prefix="ot"):
    """Nhận mã qua Zalo: a one-time code for the dossier (handlers/lookup.py answers it)."""

    code: str


async def available(services: Services, dossier: Dossier) -> bool:
    """ZNS is on with the OTP template, and the dossier's number is kept to send it to."""
    settings = services.settings
    if not (settings.zns_on and settings.zns_template_otp) or phone_vault(settings) is None:
        return False
    return await PhoneRepository(services.db).encrypted(dossier.id) is not None


def desk_line(services: Services) -> str:
    settings = services.settings
    contact = settings.desk_phone or settings.controller_contact
    return t.DESK.format(contact=contact, hours=settings.desk_hours)


async def offer(services: Services, dossier: Dossier) -> Reply:
    """The owner's way in, said after the hold: a code by ZNS when possible, else the desk."""
    if await available(services, dossier):
        return Reply(
            t.OFFER,
            choices=(Choice(t.BUTTON, OtpButton(dossier.code).pack()),),
            extra={OFFER: dossier.code},
        )
    return Reply(desk_line(services))


def new_code() -> str:
    return f"{secrets.randbelow(10**OTP_LENGTH):0{OTP_LENGTH}d}"


async def send_code(
    services: Services,
    incoming: Incoming,
    dossier: Dossier,
    *,
    flow: str,
    data: dict[str, Any],
) -> Reply:
    """Send a new code for `dossier` to its phone, and wait for it in the chat's `flow`."""
    if not await available(services, dossier):
        return Reply(desk_line(services))
    now = services.now()
    code = new_code()
    repository = OtpRepository(services.db)
    async with services.db.transaction() as conn:
        sends = await repository.sends(
            conn,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            dossier_code=dossier.code,
            since=now - OTP_WINDOW,
            chat_limit=OTP_SENDS_PER_CHAT,
            dossier_limit=OTP_SENDS_PER_DOSSIER,
        )
        full = _full(sends.chat, OTP_SENDS_PER_CHAT) or _full(sends.dossier, OTP_SENDS_PER_DOSSIER)
        if full is not None:
            until = vn_datetime(full + OTP_WINDOW, services.tz)
            return Reply(f"{t.TOO_MANY.format(until=until)}\n\n{desk_line(services)}")
        otp_id = await repository.create(
            conn,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            dossier_code=dossier.code,
            code=code,
            now=now,
            expires_at=now + OTP_TTL,
        )
        await enqueue(
            conn,
            key=f"otp:{otp_id}",
            channel=Channel.zns.value,
            chat_id=str(dossier.id),
            payload={
                "text": t.ZNS_TEXT,
                PAYLOAD_KEY: {"otp": code, "tracking_id": f"tdkt-otp-{otp_id}"},
                TEMPLATE_KEY: OTP_TEMPLATE,
                ASKED_NOW: True,
            },
            at=now,
        )
        await services.conversations.save_on(
            conn, new_conversation(services, incoming, flow, "otp", data)
        )
    minutes = int(OTP_TTL.total_seconds() // 60)
    return Reply(t.SENT.format(code=dossier.code, minutes=minutes, length=OTP_LENGTH))


def _full(sent: list[datetime], limit: int) -> datetime | None:
    """The send that keeps the limit full (it opens when that one leaves the window)."""
    return sent[limit - 1] if len(sent) >= limit else None


async def check_code(
    services: Services, incoming: Incoming, dossier_code: str, typed: str
) -> tuple[bool, Reply | None]:
    """(the code is right, else the reply); one transaction: check, then use or count."""
    now = services.now()
    repository = OtpRepository(services.db)
    async with services.db.transaction() as conn:
        live = await repository.live(
            conn,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            dossier_code=dossier_code,
            now=now,
            max_wrong=OTP_MAX_WRONG,
        )
        if live is None:
            return False, Reply(t.NONE_LIVE)
        if code_matches(typed, live.code_hash):
            await repository.mark_used(conn, live.id, now)
            return True, None
        await repository.mark_wrong(conn, live.id)
    left = OTP_MAX_WRONG - live.wrong - 1
    return False, Reply(t.WRONG.format(left=left) if left > 0 else t.WRONG_LAST)
