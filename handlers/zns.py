"""Phone notices (thông báo ZNS): the dossier's phone in Zalo's 84… form, kept encrypted.

Only when ZNS is on (TDKT_ZNS_ACCESS_TOKEN, TDKT_ZNS_TEMPLATE_STATUS and TDKT_PHONE_KEY) is the
full number of an imported dossier kept, encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under
TDKT_PHONE_KEY; it is decrypted only to send a notice and shown to nobody. It is erased
TDKT_PHONE_RETENTION_DAYS after the dossier reaches a final status, and every number is erased
when ZNS is turned off. Without ZNS only the last 4 digits are kept, as the second factor.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from config.settings import Settings
from db.models import Dossier, HistoryEntry
from db.phones import PhoneRepository
from handlers.domain.statuses import Status
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
    """Encrypts and decrypts the kept numbers; the key never leaves the settings."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, phone: str) -> bytes:
        return self._fernet.encrypt(phone.encode())

    def seal(self, written: str) -> bytes | None:
        """The number as an import wrote it, encrypted in 84… form; None when not a mobile."""
        phone = zalo_phone(written)
        return self.encrypt(phone) if phone is not None else None

    def decrypt(self, token: bytes) -> str | None:
        """The number, or None when the token was made under another key or tampered with."""
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            return None


def phone_vault(settings: Settings) -> PhoneVault | None:
    """The vault when phone notices are on; None means: keep no full number at all."""
    if not settings.zns_on or settings.phone_key is None:
        return None
    return PhoneVault(settings.phone_key.get_secret_value().encode())


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
    final for longer than the retention period. Returns how many were erased."""
    if not settings.zns_on:
        return await phones.erase_all()
    cutoff = now - timedelta(days=settings.phone_retention_days)
    return await phones.erase_finished([status.value for status in FINAL], cutoff)
