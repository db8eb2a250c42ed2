"""Every answer of the web server carries the security headers and no `server` (issue 22.9)."""

from __future__ import annotations

import asyncio

import httpx

from bot.inbound import UpdateRunner
from bot.web import WebServer, bind, build_web_app
from bot.web_lookup import SECURITY_HEADERS
from handlers.services import Services


def _app(services: Services) -> object:
    return build_web_app(services, UpdateRunner(services.inbound, services.clock), [])


async def test_405_on_the_lookup_page_allows_get_and_post(services: Services) -> None:
    transport = httpx.ASGITransport(app=_app(services))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        refused = await client.put("/tra-cuu")
        assert refused.status_code == 405
        allowed = {method.strip() for method in refused.headers["allow"].split(",")}
        assert allowed == {"GET", "HEAD", "POST"}
        assert (await client.get("/tra-cuu")).status_code == 200


async def test_404_and_405_carry_the_security_headers(services: Services) -> None:
    transport = httpx.ASGITransport(app=_app(services))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for response in (await client.get("/khong-co"), await client.delete("/healthz")):
            assert response.status_code in (404, 405)
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value, (response.status_code, name)
        files = await client.get("/files/nothing/x.png")
        assert files.status_code == 404
        assert files.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_real_server_sends_no_server_header(services: Services) -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = WebServer(_app(services), sock)  # type: ignore[arg-type]
    task = asyncio.create_task(server.serve())
    try:
        # The socket listens already: the request waits in its backlog until uvicorn runs.
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.get("/khong-co")
        assert response.status_code == 404
        assert "server" not in response.headers
        assert response.headers["X-Frame-Options"] == "DENY"
    finally:
        server.stop()
        await task
        sock.close()
