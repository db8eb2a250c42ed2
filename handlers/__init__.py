"""What the bot does, one module per feature, channel-neutral; `build_router` wires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing one feature module need not load them all
    from handlers.router import Router


def build_router() -> Router:
    """Every feature registers its commands, buttons, flows and text handlers here (the
    order of text handlers matters: the questions' menu answers last)."""
    from handlers import (
        apology,
        assignment,
        bulk_update,
        dossier_view,
        faq,
        follow,
        history,
        lookup,
        nomination,
        privacy,
        procedure_guide,
        qr,
        rating,
        report,
        review,
        search,
        several_codes,
        staff,
        staff_export,
        start,
        status_update,
        worklist,
    )
    from handlers.roles import refusal, role_of
    from handlers.router import Router

    router = Router(role_of=role_of, refusal=refusal)
    for feature in (start, lookup, follow, privacy, staff, status_update, qr, report, nomination):
        feature.register(router)
    for feature in (assignment, worklist):
        feature.register(router)
    # The officer's working day (issue 14): search, the dossier view, history, bulk updates.
    for feature in (search, dossier_view, history, bulk_update, staff_export):
        feature.register(router)
    # Issue 25: the board works a submission to the decision.
    review.register(router)
    # Late with an apology (issue 26.4): /doihan, /xinloi and the draft's buttons.
    apology.register(router)
    # What a newcomer trips over (issue 22): several codes in one citizen's message.
    several_codes.register(router)
    # The citizen's questions (issue 26): the guide, then the questions, the last text handler.
    for feature in (procedure_guide, rating, faq):
        feature.register(router)
    return router
