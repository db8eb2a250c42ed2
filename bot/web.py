"""The webhook server: one starlette app for Telegram and Zalo updates and a health check.

Usage: set TDKT_PUBLIC_URL (the HTTPS address a reverse proxy forwards to
TDKT_HTTP_HOST:TDKT_HTTP_PORT); `python -m bot run` then serves this app (the `WebPage`
channel of bot/channels.py), and each chat channel registers its own webhook route here:

- `POST /telegram`, `POST /zalo`: the secret header is compared in constant time (wrong or
  missing → 403, nothing handled); a body that is not a JSON object, or nested deeper than
  32 levels (checked before parsing) → 400; otherwise the update is stored (a known id is
  ignored; lone surrogates become U+FFFD first) and 200 is answered before the bot handles it.
  While the channel is down (its API unreachable), 503: the platform delivers it again later.
- `GET /healthz`: database reachable, outbox backlog and the age of its oldest pending
  message, last successful send per channel (ZNS too when phone notices are on), and each
  channel's state (`up`, `down` with `network` or `refused`, `starting`); 200 when healthy,
  503 otherwise (a backlog, or a channel down).
- `GET /files/<token>/<name>`: reply images and documents for Zalo, which takes them by URL.
- `GET /tra-cuu`, `GET /hs/<code>`, `POST /tra-cuu`: the public lookup page (bot/web_lookup.py).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import re
import secrets
import socket
from collections.abc import Callable, Generator, Sequence
from datetime import datetime, timedelta
from typing import Any

import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.channel import ChannelHealth, Webhook
from bot.inbound import UpdateRunner
from bot.web_guide import guide_routes
from bot.web_lookup import SECURITY_HEADERS, lookup_routes
from db.health import oldest_pending_by_channel
from db.outbox import DEAD, PENDING
from handlers.services import Services
from handlers.texts import console as tconsole

log = logging.getLogger(__name__)

#: Telegram and Zalo updates are a few kilobytes; anything this large is not one of theirs.
MAX_BODY_BYTES = 1_000_000
#: Telegram's updates nest about 8 levels (a button's callback in a message in an update).
MAX_JSON_DEPTH = 32
#: Strings (with their escapes) hide brackets from the depth count.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
#: A pending outbox message older than this means sending is stuck.
MAX_PENDING_AGE = timedelta(minutes=15)


__all__ = ["Webhook", "bind", "build_web_app", "health", "webhook_secret"]


class _BodyTooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > MAX_BODY_BYTES:
        raise _BodyTooLarge
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _BodyTooLarge
    return body


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _secret_ok(request: Request, webhook: Webhook) -> bool:
    presented = request.headers.get(webhook.secret_header, "")
    return hmac.compare_digest(presented.encode(), webhook.secret.encode())


def _webhook_endpoint(
    webhook: Webhook, runner: UpdateRunner, channel_health: ChannelHealth | None
) -> Route:
    channel = webhook.source.channel

    async def endpoint(request: Request) -> Response:
        if not _secret_ok(request, webhook):
            log.warning("%s webhook: wrong or missing secret from %s", channel, _client(request))
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        if channel_health is not None and channel in channel_health.down_names():
            # Not taken while the channel cannot answer: the platform delivers it again.
            return JSONResponse({"ok": False, "error": "channel down"}, status_code=503)
        try:
            raw = await _read_body(request)
        except _BodyTooLarge:
            return JSONResponse({"ok": False, "error": "body too large"}, status_code=413)
        if json_depth(raw) > MAX_JSON_DEPTH:
            # json.loads would recurse once per level: a deep body is refused before parsing.
            log.warning("%s webhook: JSON nested deeper than %d levels", channel, MAX_JSON_DEPTH)
            return JSONResponse({"ok": False, "error": "JSON nested too deep"}, status_code=400)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            log.warning("%s webhook: the body is not a JSON object", channel)
            return JSONResponse({"ok": False, "error": "malformed JSON"}, status_code=400)
        try:
            updates = webhook.source.split(body)
        except ValueError as exc:
            log.warning("%s webhook: unreadable update: %s", channel, exc)
            return JSONResponse({"ok": False, "error": "not an update"}, status_code=400)
        try:
            for update in updates:
                await runner.submit(webhook.source, update)
        except Exception:
            # Not stored: a 5xx makes the platform deliver it again later.
            log.exception("%s webhook: the update could not be stored", channel)
            return JSONResponse({"ok": False, "error": "try again"}, status_code=503)
        return JSONResponse({"ok": True})

    return Route(f"/{channel}", endpoint, methods=["POST"])


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "?"


async def health(
    services: Services,
    channels: Sequence[str],
    max_pending_age: timedelta = MAX_PENDING_AGE,
    *,
    backlog_expected: bool = False,
    channel_health: ChannelHealth | None = None,
) -> tuple[bool, dict[str, Any]]:
    """The health report and whether it is healthy.

    A backlog counts only on the running `channels` (all when none are named): notices for a
    channel this process does not serve wait for it without anything being wrong here. A
    configured channel that is down (`channel_health`) is a problem named after it.
    """
    now = services.now()
    try:
        counts = await services.outbox.counts()
        oldest = await services.outbox.oldest_pending_created_at()
        by_channel = await oldest_pending_by_channel(services.db)
        last_sent = {channel: await services.outbox.last_sent_at(channel) for channel in channels}
    except Exception as exc:
        log.error("health check: database unreachable: %s", type(exc).__name__)
        return False, {"status": "unhealthy", "database": "unreachable", "problems": ["database"]}

    def age_of(moment: datetime | None) -> float | None:
        return round(max(0.0, (now - moment).total_seconds()), 1) if moment else None

    ages = {channel: age_of(moment) for channel, moment in sorted(by_channel.items())}
    watched = channels or list(ages)
    problems = [
        f"outbox_backlog:{channel}"
        for channel in watched
        if not backlog_expected and (ages.get(channel) or 0.0) > max_pending_age.total_seconds()
    ]
    if channel_health is not None:
        problems += [f"channel_down:{name}" for name in channel_health.down_names()]
    report: dict[str, Any] = {
        "status": "unhealthy" if problems else "ok",
        "database": "ok",
        "outbox": {
            "pending": counts.get(PENDING, 0),
            "dead": counts.get(DEAD, 0),
            "oldest_pending_age_seconds": age_of(oldest),
            "oldest_pending_age_by_channel": ages,
        },
        "last_sent": {
            channel: sent.isoformat() if sent is not None else None
            for channel, sent in last_sent.items()
        },
        "problems": problems,
    }
    if channel_health is not None:
        report["channels"] = channel_health.report()
    return not problems, report


def build_web_app(
    services: Services,
    runner: UpdateRunner,
    webhooks: Sequence[Webhook],
    *,
    channels: Sequence[str] = (),
    max_pending_age: timedelta = MAX_PENDING_AGE,
    quiet: Callable[[datetime], bool] | None = None,
    channel_health: ChannelHealth | None = None,
) -> Starlette:
    """The ASGI app; `channels` are the running channels whose last send /healthz shows.

    `quiet`: the quiet hours, when nothing is sent; a backlog then (and while it drains in
    the first minutes after) is expected, not a fault. `channel_health`: each configured
    channel's state, shown by /healthz.
    """

    async def healthz(_request: Request) -> Response:
        now = services.now()
        expected = quiet is not None and (quiet(now) or quiet(now - max_pending_age))
        healthy, report = await health(
            services,
            channels,
            max_pending_age,
            backlog_expected=expected,
            channel_health=channel_health,
        )
        return JSONResponse(report, status_code=200 if healthy else 503)

    async def public_file(request: Request) -> Response:
        found = await services.public_files.get(request.path_params["token"], services.now())
        if found is None:
            return Response(status_code=404)
        return Response(
            found.content,
            media_type=found.mime_type,
            headers={"Cache-Control": "private, max-age=3600", "X-Robots-Tag": "noindex"},
        )

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/files/{token}/{name}", public_file, methods=["GET"]),
        *(_webhook_endpoint(webhook, runner, channel_health) for webhook in webhooks),
        *lookup_routes(services),
        *guide_routes(services),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])


class SecurityHeaders:
    """Every response, the 404 and 405 that no route wrote included, carries the page's
    security headers (those a route set itself win) and no `server` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if "server" in headers:
                    del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: serve() owns SIGINT and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def bind(host: str, port: int) -> socket.socket:
    """Open the listening socket first, so a busy port fails before webhooks are registered."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise SystemExit(
            tconsole.LISTEN_FAILED.format(host=host, port=port, detail=exc.strerror)
        ) from None


class WebServer:
    """uvicorn serving the app on an already bound socket, stopped by `stop()`."""

    def __init__(self, app: Starlette, sock: socket.socket) -> None:
        self.sock = sock
        self.server = _Server(
            uvicorn.Config(
                app, log_config=None, lifespan="off", access_log=False, server_header=False
            )
        )

    async def serve(self) -> None:
        try:
            await self.server.serve(sockets=[self.sock])
        except SystemExit:
            # uvicorn exits the process on a startup failure; report it and let serve() stop.
            log.error("the web server could not start")

    def stop(self) -> None:
        self.server.should_exit = True


def webhook_secret(configured: SecretStr | None, variable: str) -> str:
    """The configured webhook secret, or a random one for this run (logged as such)."""
    if configured is not None:
        return configured.get_secret_value()
    log.warning("%s is not set: using a random secret for this run", variable)
    return secrets.token_urlsafe(32)
