"""The QR code printed on the receipt: the lookup page (or the bot's deep link), code under it."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno
from PIL import Image, ImageDraw, ImageFont

from domain.codes import to_deep_link_payload


def deep_link(bot_username: str, code: str) -> str:
    """`https://t.me/<bot>?start=<code>`: opening it starts the lookup of that dossier."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={to_deep_link_payload(code)}"


def page_link(public_url: str, code: str) -> str:
    """`<public url>/hs/<code>`: the public lookup page with the code filled in (no app needed)."""
    return f"{public_url.rstrip('/')}/hs/{quote(code, safe='')}"


def receipt_link(public_url: str | None, bot_username: str | None, code: str) -> str | None:
    """What the receipt's QR opens: the web page when the bot has a public address (Telegram is
    blocked by Vietnamese ISPs), else the Telegram deep link, else None (nothing to link to)."""
    if public_url:
        return page_link(public_url, code)
    if bot_username:
        return deep_link(bot_username, code)
    return None


def qr_png(link: str, caption: str, *, scale: int = 10) -> bytes:
    """A PNG of the QR code of `link` with `caption` (the dossier code) printed under it."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    qr = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    font = ImageFont.load_default(size=max(16, scale * 3))
    band = max(40, scale * 6)
    canvas = Image.new("L", (qr.width, qr.height + band), color=255)
    canvas.paste(qr, (0, 0))
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = draw.textbbox((0, 0), caption, font=font)
    x = max(0, (qr.width - (right - left)) // 2)
    y = qr.height + (band - (bottom - top)) // 2 - top - scale
    draw.text((x, y), caption, fill=0, font=font)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()
