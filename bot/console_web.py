"""The lookup page served beside the console, so the demo's QR codes open something offline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import App
from handlers.texts import console as t


@asynccontextmanager
async def lookup_page_beside(app: App) -> AsyncIterator[str]:
    """Serve bot/web.py's app on TDKT_HTTP_HOST:PORT while the console runs.

    Yields the banner line: the page's address, or why it could not open (a busy port must
    not keep anyone from trying the console).
    """
    from bot.inbound import UpdateRunner
    from bot.web import WebServer, bind, build_web_app

    settings = app.settings
    assert settings.public_url is not None
    try:
        sock = bind(settings.http_host, settings.http_port)
    except SystemExit as exc:
        yield t.PAGE_FAILED.format(detail=exc.code)
        return
    runner = UpdateRunner(app.services.inbound, app.services.clock)
    server = WebServer(build_web_app(app.services, runner, [], channels=["console"]), sock)
    task = asyncio.create_task(server.serve())
    try:
        yield t.PAGE_LINE.format(url=f"{settings.public_url}/tra-cuu")
    finally:
        server.stop()
        await task
        await runner.close()
        sock.close()
