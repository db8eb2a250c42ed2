"""The apology form as filed (phiếu xin lỗi và hẹn lại ngày trả kết quả), written as an A4 PDF.

Drawn on matplotlib's PDF backend with a private Figure (no pyplot state, safe in a thread);
matplotlib is already a dependency for the report's chart, and its bundled DejaVu Sans has
every Vietnamese letter, so no font file or second PDF library is needed.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import date, datetime

from config.one_stop import apology_rules
from handlers.formatting import vn_date
from handlers.texts import deadlines as t

_A4 = (8.27, 11.69)
_WRAP = 88  # characters per line of the body at 11 pt across the page's text width


@dataclass(frozen=True)
class ApologyForm:
    """The fields of the form (Circular 03/2025/TT-VPCP, Phụ lục I, form 04)."""

    number: int
    agency: str
    place: str
    issued_on: date
    nominee: str
    unit: str
    award: str
    code: str
    received_on: date
    old_due: date
    new_due: date
    reason: str
    confirmed_by: str
    confirmed_at: datetime


def body_paragraphs(form: ApologyForm) -> list[str]:
    """The form's paragraphs with its fields filled in (also what a test reads back)."""
    values = {
        "received": vn_date(form.received_on),
        "agency": form.agency,
        "award": form.award,
        "code": form.code,
        "old": vn_date(form.old_due),
        "new": vn_date(form.new_due),
        "reason": form.reason,
    }
    return [paragraph.format(**values) for paragraph in t.FORM_BODY]


def render_pdf(form: ApologyForm) -> bytes:
    """The filled form as PDF bytes; the same fields give the same bytes (no creation date)."""
    # matplotlib takes a noticeable moment to import: only pay for it when a form is drawn
    # (as the report's chart does), not at every start of the bot.
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure

    rules = apology_rules()
    figure = Figure(figsize=_A4)
    FigureCanvasPdf(figure)
    place_date = f"{form.place}, " + t.FORM_PLACE_DATE.format(
        day=form.issued_on.day, month=form.issued_on.month, year=form.issued_on.year
    )
    y = 0.95

    def line(text: str, x: float = 0.1, size: float = 11, **style: object) -> None:
        nonlocal y
        figure.text(x, y, text, fontsize=size, va="top", **style)  # type: ignore[arg-type]
        y -= size / 11 * 0.022

    figure.text(0.27, y, form.agency, fontsize=10, ha="center", va="top", wrap=True)
    figure.text(0.68, y, t.FORM_NATION, fontsize=10, ha="center", va="top", weight="bold")
    figure.text(0.68, y - 0.02, t.FORM_MOTTO, fontsize=10, ha="center", va="top")
    y -= 0.05
    figure.text(0.27, y, t.FORM_NUMBER.format(number=form.number), fontsize=10, ha="center")
    figure.text(0.68, y, place_date, fontsize=10, ha="center", style="italic")
    y -= 0.06
    line(t.FORM_TITLE, x=0.5, size=14, ha="center", weight="bold")
    y -= 0.02
    unit = f" — {form.unit}" if form.unit else ""
    line(t.FORM_TO.format(nominee=form.nominee, unit=unit), x=0.2)
    y -= 0.01
    for paragraph in body_paragraphs(form):
        for piece in textwrap.wrap(paragraph, _WRAP):
            line(piece)
        y -= 0.008
    y -= 0.03
    line(t.FORM_SIGNER, x=0.7, ha="center", weight="bold")
    line(t.FORM_SIGN_HINT, x=0.7, size=9, ha="center", style="italic")
    when = form.confirmed_at.strftime("%H:%M %d/%m/%Y")
    figure.text(0.1, 0.06, t.FORM_CONFIRMED_BY.format(actor=form.confirmed_by, when=when), size=8)
    base = t.FORM_BASE.format(form=rules.form, legal_base=rules.legal_base)
    figure.text(0.1, 0.04, base, size=8)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="pdf",
        metadata={"Title": t.FORM_TITLE, "CreationDate": None, "Producer": None},
    )
    return buffer.getvalue()
