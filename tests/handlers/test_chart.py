"""The report's chart is a real PNG of a sensible size, with or without resolved dossiers."""

from __future__ import annotations

import struct
import zlib
from datetime import date

from handlers.chart import MonthBar, render_chart
from handlers.report import Period, ReportFigures, Tally, report_chart

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, after checking the signature and the chunk CRC."""
    assert png[:8] == PNG_MAGIC
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    (crc,) = struct.unpack(">I", png[16 + length : 20 + length])
    assert crc == zlib.crc32(png[12 : 16 + length])
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def six_months() -> list[MonthBar]:
    received = [612, 598, 655, 640, 701, 623]
    return [
        MonthBar(label=f"{month:02d}/2017", received=r, resolved=r - 40 - month, pending=40 + month)
        for month, r in enumerate(received, start=1)
    ]


def test_chart_is_a_png_of_sensible_size() -> None:
    png = render_chart(
        six_months(),
        3219,
        165,
        title="Hồ sơ tiếp nhận từ 01/01/2017 đến 30/06/2017",
        subtitle="Theo tháng tiếp nhận",
        shares=("95%", "5%"),
    )

    width, height = png_size(png)
    assert 800 <= width <= 2400 and 400 <= height <= 1400
    assert width > height
    assert 20_000 <= len(png) <= 2_000_000
    assert png.endswith(b"IEND\xaeB`\x82")


def test_chart_without_resolved_dossiers_still_renders() -> None:
    months = [MonthBar(label="07/2026", received=3, resolved=0, pending=3)]
    png = render_chart(months, 0, 0, title="Kỳ mới", subtitle="Chưa giải quyết")
    width, height = png_size(png)
    assert width > height
    assert 20_000 <= len(png) <= 2_000_000


def test_report_chart_draws_every_month_of_the_period() -> None:
    period = Period(date(2026, 1, 1), date(2026, 12, 31), as_of=date(2026, 12, 31))
    figures = ReportFigures(period=period)
    figures.total = Tally(received=1300, resolved=1200, passed=1150, failed=50, on_time=1190)
    figures.by_month = {
        f"2026-{m:02d}": Tally(received=100 + m, resolved=90 + m, pending_within_deadline=10)
        for m in range(1, 13)
    }
    png = report_chart(figures)
    assert png_size(png)[0] >= 800
    assert 20_000 <= len(png) <= 2_000_000
