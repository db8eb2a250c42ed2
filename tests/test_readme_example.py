"""The README's first example runs as printed on the demo, beside the lookup page it serves."""

from __future__ import annotations

import functools
import io
import os
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image

import bot.cli as cli
import bot.console_channel as console_channel
from bot.demo import DEMO, DEMO_PUBLIC_URL
from config.settings import ROOT
from handlers.texts import console as tconsole
from handlers.texts import lookup as tl


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def readme_example() -> str:
    """The stdin of README's `printf '...' | make run` line, escapes decoded as printf does."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^printf '([^']*)' \| make run$", readme, flags=re.MULTILINE)
    assert found, "README.md lost its printf example"
    return found.group(1).encode().decode("unicode_escape").encode("latin-1").decode()


def test_readme_example_runs_as_printed_and_the_page_and_qr_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("TDKT_"):
            monkeypatch.delenv(name)
    port = free_port()
    monkeypatch.setenv("TDKT_HTTP_PORT", str(port))
    monkeypatch.chdir(tmp_path)  # no developer .env
    # A brand-new demo database, as on a fresh clone (never the developer's data/).
    monkeypatch.setattr("config.settings.DEMO_DATABASE", tmp_path / "demo.sqlite3")
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r", encoding="utf-8")
    stdin_writer = os.fdopen(write_fd, "w", encoding="utf-8")
    stdout = io.StringIO()
    loop = functools.partial(console_channel.run_console, stdin=stdin, stdout=stdout)
    monkeypatch.setattr(console_channel, "run_console", loop)
    codes: list[int] = []
    # `make run` is `python -m bot`: cli.main with no arguments, console because no token.
    worker = threading.Thread(target=lambda: codes.append(cli.main([])))
    worker.start()
    try:
        example = readme_example()
        code = example.splitlines()[1]
        stdin_writer.write(example + f"/qr {code}\n")
        stdin_writer.flush()
        public = DEMO_PUBLIC_URL.format(port=port)
        page = None
        for _ in range(200):
            try:
                page = httpx.get(f"{public}/hs/{code}", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert page is not None and page.status_code == 200
        assert f'value="{code}"' in page.text
        for _ in range(200):  # the console answers the piped lines
            if "[Ảnh đã lưu:" in stdout.getvalue():
                break
            time.sleep(0.1)
    finally:
        stdin_writer.close()
        worker.join(timeout=60)
        stdin.close()
    assert not worker.is_alive() and codes == [cli.EXIT_OK]
    out = stdout.getvalue()
    assert tconsole.PAGE_LINE.format(url=f"{public}/tra-cuu") in out
    demo = DEMO[0]
    assert f"  {code} — {demo.phone[-4:]}" in out  # the README's code is the banner's first
    assert "Không tìm thấy" not in out
    assert tl.ASK_PHONE.format(code=code) in out
    assert f"📄 Hồ sơ {code}\n" in out and f"Đối tượng đề nghị: {demo.nominee}" in out
    saved = re.search(r"\[Ảnh đã lưu: (.+\.png)\]", out)
    assert saved, out
    image = Image.open(saved.group(1))
    assert [barcode.text for barcode in zxingcpp.read_barcodes(image)] == [f"{public}/hs/{code}"]
