"""What the bot does, one module per feature, channel-neutral; `build_router` wires them."""

from __future__ import annotations

from handlers.router import Router


def build_router() -> Router:
    """Every feature registers its commands, buttons, flows and text handlers here."""
    from handlers import lookup, start

    router = Router()
    for feature in (start, lookup):
        feature.register(router)
    return router
