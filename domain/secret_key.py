"""The 32-byte key that seals phone numbers and tokens, as the settings give it."""

from __future__ import annotations

import base64
import binascii


def decode_key(text: str) -> bytes:
    """TDKT_PHONE_KEY: 32 random bytes in url-safe base64 (44 characters)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise ValueError("not url-safe base64") from None
    if len(key) != 32:
        raise ValueError("expected 32 bytes")
    return key
