"""Phone notices (thông báo ZNS): the dossier's phone in Zalo's 84… form, kept encrypted.

Only when ZNS is on (an OA token, TDKT_ZNS_TEMPLATE_STATUS and TDKT_PHONE_KEY) is the full
number of a dossier kept, encrypted with AES-256-GCM under TDKT_PHONE_KEY and bound to the
dossier's code (a number copied onto another dossier does not decrypt); it is decrypted only to
send a notice and shown to nobody. It is erased
TDKT_PHONE_RETENTION_DAYS after the dossier reaches a final status, and every number is erased
when ZNS is turned off. Without ZNS only the last 4 digits are kept, as the second factor.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from config.settings import Settings
from db.models import Dossier, HistoryEntry
from db.phones import PhoneRepository
from domain.secret_key import decode_key
from domain.statuses import Status
from handlers.formatting import vn_date

#: Nothing leaves these: no further notice can be due, so the number has no more use.
FINAL = frozenset({Status.returned, Status.rejected, Status.withdrawn, Status.stopped})
#: The key of the ZNS template parameters in a status notice's outbox payload.
PAYLOAD_KEY = "zns"
#: ZNS accepts at most 48 characters of tracking id.
MAX_TRACKING_ID = 48


def zalo_phone(value: str) -> str | None:
    """A Vietnamese mobile number as ZNS wants it (`84912345678`); None when it is not one."""
    digits = re.sub(r"[\s.\-()]", "", value).removeprefix("+")
    if not digits.isdecimal():
        return None
    if digits.startswith("84") and len(digits) == 11:
        return digits
    if digits.startswith("0") and len(digits) == 10:
        return "84" + digits[1:]
    if len(digits) == 9 and not digits.startswith("0"):
        return "84" + digits  # a spreadsheet dropped the leading 0
    return None


class PhoneVault:
    """AES-256-GCM (authenticated) under TDKT_PHONE_KEY; each value is bound to its context
    (the dossier's code, or what a token is), so a value moved elsewhere does not decrypt.

    AES-GCM rather than Fernet: an import seals every row's number, and bench/bench_phone_seal.py
    measures GCM at about a fifth of Fernet's cost per row.
    """

    VERSION = b"\x01"

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_setting(cls, text: str) -> PhoneVault:
        return cls(decode_key(text))

    def encrypt(self, text: str, context: str) -> bytes:
        nonce = os.urandom(12)
        return self.VERSION + nonce + self._aead.encrypt(nonce, text.encode(), context.encode())

    def decrypt(self, token: bytes, context: str) -> str | None:
        """The text, or None when made under another key or context, or tampered with."""
        if len(token) < 29 or token[:1] != self.VERSION:
            return None
        try:
            return self._aead.decrypt(token[1:13], token[13:], context.encode()).decode()
        except (InvalidTag, UnicodeDecodeError):
            return None

    def seal(self, written: str, code: str) -> bytes | None:
        """The number as written, encrypted in 84… form for the dossier `code`; None when
        it is not a mobile number."""
        phone = zalo_phone(written)
        return self.encrypt(phone, code) if phone is not None else None


def phone_vault(settings: Settings) -> PhoneVault | None:
    """The vault when phone notices are on; None means: keep no full number at all."""
    if not settings.zns_on or settings.phone_key is None:
        return None
    return PhoneVault.from_setting(settings.phone_key.get_secret_value())


def template_data(dossier: Dossier, entry: HistoryEntry) -> dict[str, Any]:
    """The status template's parameters (registered with Zalo under these names)."""
    return {
        "ma_ho_so": dossier.code,
        "trang_thai": entry.to_status.label,
        "ngay_hen_tra": vn_date(dossier.due_on),
        "tracking_id": f"tdkt-{dossier.id}-{entry.id}"[:MAX_TRACKING_ID],
    }


async def erase_expired(phones: PhoneRepository, settings: Settings, now: datetime) -> int:
    """Erase what may no longer be kept: all numbers without ZNS, else those of dossiers
    final for longer than the retention period whose last notice is sent or dead (or has
    waited its TDKT_NOTICE_WAIT_HOURS). Returns how many were erased."""
    if not settings.zns_on:
        return await phones.erase_all()
    cutoff = now - timedelta(days=settings.phone_retention_days)
    # A notice still waiting out an outage (bot/outbox.py) keeps the number it needs.
    waiting = now - timedelta(hours=settings.notice_wait_hours)
    return await phones.erase_finished([status.value for status in FINAL], cutoff, waiting)
