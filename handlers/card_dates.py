"""The dates the status card adds: by when to supplement, the due date moved, the apology sent."""

from __future__ import annotations

from db.models import Dossier
from handlers import apology, supplement
from handlers.services import Services


async def card_lines(services: Services, dossier: Dossier) -> tuple[str, list[str]]:
    """The suffix of the "Cần bổ sung: …" line, and the lines after it."""
    suffix, lines = await supplement.card_lines(services, dossier)
    return suffix, lines + await apology.card_lines(services, dossier)
