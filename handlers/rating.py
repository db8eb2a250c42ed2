"""The rating after the result (đánh giá sự hài lòng): asked once, counted per award kind.

When a dossier becomes returned, rejected or decided, each of its followers is asked once
"Bạn hài lòng với việc giải quyết hồ sơ?" (1–5, then an optional comment). The scheduler
derives who to ask from the database (`ask_after_result`), not from the status change, so a
restart neither loses nor repeats a question; the ask's row and its outbox message are one
write. The share of 4–5 is the satisfaction figure of the service index of Decision
766/QĐ-TTg (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh
nghiệp), shown by /thongke and `bot report` per award kind; comments reach the leaders' digest.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from db.models import Conversation
from db.ratings import KindSatisfaction, RatingAsk
from domain.codes import normalize_code
from domain.statuses import Status
from handlers import lookup
from handlers.buttons import ButtonData
from handlers.conversation import start_flow
from handlers.formatting import vn_percent
from handlers.messages import Incoming, Reply
from handlers.router import Router
from handlers.services import Services
from handlers.texts import citizen as t

FLOW = "rating"
#: A result is rated: the board's answer has been given (decided, rejected, returned).
RATED_STATUSES = (Status.decided, Status.rejected, Status.returned)
#: Only dossiers finished this recently are asked about: a new install does not ask about
#: every dossier finished in past years.
ASK_WINDOW = timedelta(days=30)
#: `Reply.extra` key of the reply that stored a score (the web page reads it).
RATED = "rated"
SCORES = range(1, 6)


class RateButton(ButtonData, prefix="rate"):
    """Chấm điểm a finished dossier's handling: score 1–5."""

    dossier_id: int
    score: int


def register(router: Router) -> None:
    router.button(RateButton, pick, stale=t.RATING_NOT_ALLOWED)
    router.flow(FLOW, comment)


def choices(dossier_id: int) -> list[tuple[str, str]]:
    """Score n is the n-th choice, so on Zalo and the console "4" means 4 out of 5."""
    return [
        (label, RateButton(dossier_id, score).pack())
        for score, label in enumerate(t.RATING_CHOICES, 1)
    ]


async def ask_after_result(services: Services) -> int:
    """Enqueue the question for every follower of a recently finished dossier not yet asked."""
    now = services.now()
    asks: list[RatingAsk] = await services.ratings.to_ask(
        [status.value for status in RATED_STATUSES], now - ASK_WINDOW
    )
    if not asks:
        return 0
    statuses = {}
    for ask in asks:
        if ask.dossier_id not in statuses:
            dossier = await services.dossiers.get_by_code(ask.code)
            statuses[ask.dossier_id] = dossier.status.label if dossier else ""
    payloads = [
        (
            ask,
            {
                "text": t.RATING_ASK.format(code=ask.code, status=statuses[ask.dossier_id]),
                "choices": [list(choice) for choice in choices(ask.dossier_id)],
            },
        )
        for ask in asks
    ]
    return await services.ratings.record_asks(payloads, now)


async def pick(incoming: Incoming, services: Services, button: RateButton) -> list[Reply]:
    """A score pressed (or its number typed): stored once, then the comment is offered."""
    dossier_id, score = button.dossier_id, button.score
    if dossier_id < 1 or score not in SCORES:
        return [Reply(t.RATING_NOT_ALLOWED)]
    found = await services.ratings.dossier_ref(dossier_id)
    if found is None:
        return [Reply(t.RATING_NOT_ALLOWED)]
    code, status = found
    return await rate(incoming, services, dossier_id, code, Status(status), score)


async def rate(
    incoming: Incoming, services: Services, dossier_id: int, code: str, status: Status, score: int
) -> list[Reply]:
    """Who may rate: a chat that was asked, or that proved the dossier's second factor."""
    ratings = services.ratings
    asked = await ratings.was_asked(dossier_id, incoming.channel, incoming.chat_id)
    if not asked and not await services.follows.has_verified(
        incoming.channel, incoming.chat_id, code
    ):
        return [Reply(t.RATING_NOT_ALLOWED)]
    if status not in RATED_STATUSES:
        return [Reply(t.RATING_NOT_FINISHED)]
    stored = await ratings.rate(
        dossier_id, incoming.channel, incoming.chat_id, score, services.now()
    )
    if not stored:
        return [Reply(t.RATING_ALREADY.format(code=code))]
    if incoming.channel != "web":
        await start_flow(services, incoming, FLOW, "comment", {"dossier_id": dossier_id})
    return [Reply(t.RATING_THANKS.format(score=score, code=code), extra={RATED: "1"})]


async def comment(
    incoming: Incoming, services: Services, conversation: Conversation
) -> list[Reply]:
    """The optional comment; a dossier code typed instead starts its lookup."""
    text = (incoming.text or "").strip()
    code = normalize_code(text)
    if code is not None:
        await services.conversations.clear(incoming.channel, incoming.chat_id)
        return await lookup.begin(incoming, services, code)
    if not text:
        return [Reply(t.RATING_COMMENT_TOO_LONG.format(limit=t.RATING_COMMENT_MAX))]
    if len(text) > t.RATING_COMMENT_MAX:
        return [Reply(t.RATING_COMMENT_TOO_LONG.format(limit=t.RATING_COMMENT_MAX))]
    dossier_id = int(conversation.data.get("dossier_id", 0))
    await services.ratings.comment(dossier_id, incoming.channel, incoming.chat_id, text)
    await services.conversations.clear(incoming.channel, incoming.chat_id)
    return [Reply(t.RATING_COMMENT_THANKS)]


def _local_midnight(day: date, services: Services) -> datetime:
    return datetime.combine(day, time(0), tzinfo=services.tz)


async def satisfaction(services: Services, start: date, end: date) -> list[KindSatisfaction]:
    """Ratings given from `start` to `end` (local days, both included), per award kind."""
    return await services.ratings.satisfaction(
        _local_midnight(start, services), _local_midnight(end + timedelta(days=1), services)
    )


def satisfaction_lines(rows: list[KindSatisfaction], services: Services) -> list[str]:
    """The index (share of 4–5) over all kinds, then per kind."""
    count = sum(row.count for row in rows)
    if not count:
        return [t.RATING_NONE]
    satisfied = sum(row.satisfied for row in rows)
    lines = [t.RATING_HEADING.format(index=vn_percent(100 * satisfied / count), count=count)]
    lines += [
        t.RATING_KIND_LINE.format(
            name=services.catalog.name_of(row.award_kind),
            index=vn_percent(100 * row.satisfied / row.count),
            satisfied=row.satisfied,
            count=row.count,
        )
        for row in rows
    ]
    return lines


async def digest_lines(services: Services, since: datetime) -> list[str]:
    """The comments given since then, for the leaders' digest (none: no lines)."""
    found = await services.ratings.comments_since(since)
    if not found:
        return []
    lines = [t.RATING_DIGEST_HEADING.format(count=len(found))]
    lines += [
        t.RATING_DIGEST_LINE.format(code=item.code, score=item.score, comment=item.comment[:300])
        for item in found
    ]
    return lines
