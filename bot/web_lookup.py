"""The public lookup page (trang tra cứu): what the receipt's QR opens, no app or account needed.

Routes, added to the starlette app of bot/web.py:

- `GET /tra-cuu`: the form (dossier code + last 4 phone digits);
- `GET /hs/<code>`: the same form with the code filled in (the receipt's QR points here);
- `POST /tra-cuu`: the lookup itself, through `handlers.lookup.begin` and `verify` with
  `Incoming(channel="web", chat_id=<client address>)`, so the page obeys the chat's limits and
  shows the chat's lines; the client address is the socket peer, or the `X-Forwarded-For` hop
  our own proxy added when the peer is in TDKT_TRUSTED_PROXY;
- `POST /tra-cuu` with `action=otp`: the "Nhận mã qua Zalo" button shown when strangers'
  guessing holds the dossier (handlers/lookup_otp.py); the 6-digit code then goes in the
  digits field;
- `GET /tra-cuu.css`: the only style sheet (no inline style or script, no third-party asset).

POSTs carry a token bound to a SameSite=Strict cookie (HMAC of the cookie's random value), and
every page is sent with a strict Content-Security-Policy, no framing, no referrer, no caching.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from domain.codes import EXAMPLE_CODE, code_variants, normalize_code
from domain.text import normalize_input
from handlers import lookup, lookup_otp, rating
from handlers.messages import Channel, Incoming, Reply
from handlers.receipt_qr import deep_link
from handlers.services import Services
from handlers.texts import citizen as tg
from handlers.texts import lookup as tl
from handlers.texts import lookup_otp as totp
from handlers.texts import web as t

log = logging.getLogger(__name__)

CSRF_COOKIE = "tdkt_csrf"
#: A lookup form is a few hundred bytes; anything this large is not one.
MAX_FORM_BYTES = 4096
#: The rating form carries a comment of up to 1000 characters (up to 9 bytes each, encoded).
MAX_RATING_BYTES = 16_384
LOCK_STRIPES = 64
#: The last 4 digits, or the 6 of a one-time code sent by ZNS.
_DIGITS_RE = re.compile(r"[0-9]{4}|[0-9]{6}")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self';"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Robots-Tag": "noindex, nofollow",
}

_templates = Environment(
    loader=PackageLoader("bot", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def client_address(request: Request, trusted_proxies: Sequence[str]) -> str:
    """Who is asking: the socket peer, or the client our trusted proxy saw.

    X-Forwarded-For is the client's own claim except for the hops our proxies appended, so it
    is read right to left, skipping trusted proxies; a peer that is not trusted is never
    believed (anyone could send the header and get a fresh allowance per request).
    """
    peer = request.client.host if request.client is not None else "unknown"
    if not trusted_proxies or ("*" not in trusted_proxies and peer not in trusted_proxies):
        return _client_key(peer)
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # a garbled header: fall back to what we know
        if "*" in trusted_proxies or address not in trusted_proxies:
            return _client_key(address)
    return _client_key(peer)


def _client_key(address: str) -> str:
    """The client the limits count: an IPv4 address, or an IPv6 /64 — one subscriber gets a
    whole /64, so counting single IPv6 addresses would give them endless fresh allowances."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Csrf:
    """Double-submit token: the form's token is an HMAC of the random cookie value."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def token_for(self, cookie: str) -> str:
        return hmac.new(self.key, cookie.encode(), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.token_for(cookie).encode(), token.encode())


@dataclass(frozen=True)
class CardView:
    """The status card's lines (the chat's text) arranged for HTML."""

    code: str
    title: str
    facts: list[tuple[str, str]]
    notes: list[str]
    history_title: str | None
    history: list[str]


def card_view(code: str, text: str) -> CardView:
    """Split the card text: `Label: value` lines become facts, the part after a blank line
    is the recent history; every word shown is the chat card's."""
    head, _, tail = text.partition("\n\n")
    lines = head.splitlines()
    facts: list[tuple[str, str]] = []
    notes: list[str] = []
    for line in lines[1:]:
        label, sep, value = line.partition(": ")
        if sep and value:
            facts.append((label, value))
        elif line.strip():
            notes.append(line)
    history_lines = [line for line in tail.splitlines() if line.strip()]
    return CardView(
        code=code,
        title=_without_pictograph(lines[0]) if lines else code,
        facts=facts,
        notes=notes,
        history_title=history_lines[0] if history_lines else None,
        history=history_lines[1:],
    )


class LookupPage:
    """The page's handlers, bound to the services and the settings they read."""

    def __init__(self, services: Services, *, csrf: Csrf | None = None) -> None:
        self.services = services
        self.settings = services.settings
        self.csrf = csrf or Csrf()
        public_url = self.settings.public_url or ""
        #: Links stay right when the public URL has a path (https://example.vn/tdkt).
        self.base = urlsplit(public_url).path.rstrip("/")
        self.secure_cookie = public_url.startswith("https://")
        #: One lookup at a time per client address (striped, so memory stays bounded): a
        #: burst of simultaneous guesses is checked one after the other against the limits.
        self._locks = [asyncio.Lock() for _ in range(LOCK_STRIPES)]

    def routes(self) -> list[Route]:
        return [
            # One route for both methods, so a 405 names both in its Allow header.
            Route("/tra-cuu", self.form_or_submit, methods=["GET", "POST"]),
            Route("/hs/{code:path}", self.form, methods=["GET"]),
            Route("/tra-cuu.css", self.stylesheet, methods=["GET"]),
            Route("/danh-gia", self.rate, methods=["POST"]),
        ]

    async def form_or_submit(self, request: Request) -> Response:
        return await (self.submit if request.method == "POST" else self.form)(request)

    async def form(self, request: Request) -> Response:
        raw = request.path_params.get("code", "")
        code = normalize_code(normalize_input(raw[:200])) or raw.strip()[:60]
        return self._render(request, code=code)

    async def submit(self, request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > MAX_FORM_BYTES:
            return self._render(request, message=t.TOO_LARGE, outcome="bad", status=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return self._render(request, message=t.TOO_LARGE, outcome="bad", status=413)
        fields = _form_fields(body)
        # The same door as the chat's (handlers/router.clean_text): NFKC and ASCII digits.
        code_text = normalize_input(fields.get("code", "")[:200])
        shown = (normalize_code(code_text) or code_text.strip())[:60]
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), fields.get("csrf")):
            log.info("lookup page: POST without a valid form token from %s", self._client(request))
            return self._render(
                request, code=shown, message=t.SESSION_EXPIRED, outcome="expired", status=403
            )
        code = normalize_code(code_text)
        if code is None:
            message = tl.BAD_FORMAT.format(text=_shorten(code_text), example=EXAMPLE_CODE)
            return self._render(request, code=shown, message=message, outcome="bad")
        if fields.get("action") == "otp":
            return await self._send_code(request, code)
        # Phone keyboards may type full-width (５６７８), Arabic-Indic or Khmer digits.
        digits = re.sub(r"[\s.\-]", "", normalize_input(fields.get("digits", "")[:200]))
        if not _DIGITS_RE.fullmatch(digits):
            return self._render(request, code=code, message=t.PHONE_FORMAT, outcome="bad")
        client = self._client(request)
        async with self._locks[hash(client) % LOCK_STRIPES]:
            code, replies = await self._lookup(client, code, digits)
        reply = replies[0]
        outcome = _outcome(reply)
        offer = next(
            (r.extra[lookup_otp.OFFER] for r in replies if lookup_otp.OFFER in r.extra), None
        )
        if offer is None and len(replies) > 1 and outcome == lookup.COOLDOWN:
            # Held by strangers' guessing, without ZNS: the desk's number and hours.
            reply = Reply("\n".join(r.text for r in replies), extra=reply.extra)
        if outcome == lookup.CARD:
            # Issue 26.5: a finished dossier's card is followed by the rating form.
            dossier = await self.services.dossiers.get_by_code(code)
            rateable = dossier is not None and dossier.status in rating.RATED_STATUSES
            return self._render(
                request,
                card=card_view(code, reply.text),
                code=code,
                rating_code=code if rateable else None,
            )
        if outcome == lookup.ASK_PHONE:  # the dossier vanished between the two steps
            outcome = lookup.NOT_FOUND
        return self._render(
            request, code=code, message=reply.text, outcome=outcome, otp_offer=offer
        )

    async def _lookup(self, client: str, code: str, digits: str) -> tuple[str, list[Reply]]:
        """The chat's two steps in one go: find the dossier, then check the digits (or the
        one-time code sent by ZNS, 6 digits)."""
        incoming = Incoming(channel=Channel.web, chat_id=client, sender_id=client)
        services = self.services
        replies = await lookup.begin(incoming, services, code)
        if _outcome(replies[0]) != lookup.ASK_PHONE:
            return code, replies
        # begin() found it; the stored spelling is what the limits are counted under.
        dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
        if dossier is None:
            return code, replies
        check = lookup.verify_otp if len(digits) == lookup_otp.OTP_LENGTH else lookup.verify
        return dossier.code, await check(incoming, services, dossier.code, digits)

    async def _send_code(self, request: Request, code: str) -> Response:
        """The page's "Nhận mã qua Zalo" button: a one-time code to the phone on the dossier."""
        client = self._client(request)
        incoming = Incoming(channel=Channel.web, chat_id=client, sender_id=client)
        services = self.services
        dossier = await services.dossiers.find_first(code_variants(code, services.legacy_provinces))
        if dossier is None:
            return self._render(request, code=code, message=t.SESSION_EXPIRED, outcome="bad")
        async with self._locks[hash(client) % LOCK_STRIPES]:
            (reply, *_) = await lookup.ask_code(incoming, services, dossier.code)
        return self._render(request, code=dossier.code, message=reply.text, outcome="otp_sent")

    async def rate(self, request: Request) -> Response:
        """The rating form under a finished dossier's card: the client that proved the
        dossier rates it once (handlers/rating.py's rules), with an optional comment."""
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_RATING_BYTES:
                return self._render(request, message=t.TOO_LARGE, outcome="bad", status=413)
        fields = _form_fields(body)
        if not self.csrf.valid(request.cookies.get(CSRF_COOKIE), fields.get("csrf")):
            return self._render(request, message=t.SESSION_EXPIRED, outcome="expired", status=403)
        code = normalize_code(fields.get("code", "")[:200]) or ""
        score = fields.get("score", "").strip()
        dossier = await self.services.dossiers.get_by_code(code) if code else None
        if dossier is None or score not in {"1", "2", "3", "4", "5"}:
            return self._render(request, code=code, message=tg.PAGE_RATING_BAD, outcome="bad")
        client = self._client(request)
        incoming = Incoming(channel=Channel.web, chat_id=client, sender_id=client)
        (reply, *_) = await rating.rate(
            incoming, self.services, dossier.id, dossier.code, dossier.status, int(score)
        )
        if not reply.extra.get(rating.RATED):
            return self._render(request, code=dossier.code, message=reply.text, outcome="rated")
        comment = " ".join(fields.get("comment", "").split())[: tg.RATING_COMMENT_MAX]
        if comment:
            await self.services.ratings.comment(dossier.id, Channel.web, client, comment)
        thanks = tg.PAGE_RATING_THANKS.format(code=dossier.code)
        return self._render(request, code=dossier.code, message=thanks, outcome="rated")

    async def stylesheet(self, _request: Request) -> Response:
        css = _templates.loader.get_source(_templates, "lookup.css")[0]
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return Response(css, media_type="text/css; charset=utf-8", headers=headers)

    def _client(self, request: Request) -> str:
        return client_address(request, self.settings.trusted_proxy)

    def _render(
        self,
        request: Request,
        *,
        code: str = "",
        message: str | None = None,
        outcome: str | None = None,
        card: CardView | None = None,
        status: int = 200,
        otp_offer: str | None = None,
        rating_code: str | None = None,
    ) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        fresh = not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", cookie)
        if fresh:
            cookie = secrets.token_urlsafe(32)
        context: dict[str, Any] = {
            "t": t,
            "base": self.base,
            "code": code,
            "example": EXAMPLE_CODE,
            "message": message,
            "outcome": outcome,
            "card": card,
            "otp_offer": otp_offer,
            "otp": totp,
            "tg": tg,
            "rating_code": rating_code,
            "csrf": self.csrf.token_for(cookie),
            "status_label": tl.CARD_STATUS.split(":", 1)[0],
            "zalo_url": self.settings.zalo_bot_url if card else None,
            "telegram_url": (
                deep_link(self.services.bot_username, card.code)
                if card and self.services.bot_username
                else None
            ),
        }
        html = _templates.get_template("lookup.html").render(context)
        headers = page_headers()
        if self.secure_cookie:  # served over https: never downgrade to http afterwards
            headers["Strict-Transport-Security"] = "max-age=31536000"
        response = HTMLResponse(html, status_code=status, headers=headers)
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                cookie,
                max_age=12 * 3600,
                path=self.base or "/",
                secure=self.secure_cookie,
                httponly=True,
                samesite="strict",
            )
        return response


def page_headers() -> dict[str, str]:
    """The security headers of every page; no page is stored (the card is personal data)."""
    return {**SECURITY_HEADERS, "Cache-Control": "no-store", "Pragma": "no-cache"}


def lookup_routes(services: Services) -> list[Route]:
    """The page's routes for bot/web.py's app."""
    return LookupPage(services).routes()


def _without_pictograph(line: str) -> str:
    """The chat's 📄 before the title: a phone without an emoji font would show a box."""
    start = 0
    while start < len(line) and (
        unicodedata.category(line[start]) in ("So", "Sk", "Mn", "Cf") or line[start].isspace()
    ):
        start += 1
    return line[start:] or line


def _form_fields(body: bytes) -> dict[str, str]:
    """application/x-www-form-urlencoded → the first value of each field; junk → nothing."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    try:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=10)
    except ValueError:
        return {}
    return {name: values[0] for name, values in parsed.items() if values}


def _outcome(reply: Reply) -> str | None:
    return reply.extra.get(lookup.OUTCOME)


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
