"""The province's emulation council (Hội đồng Thi đua – Khen thưởng): meeting, votes, minutes.

`/hophoidong dd/mm/yyyy` puts every row the check let through on a meeting's agenda (a row
still at the check moves to review); `/bophieu CODE 9/10` records the votes for and the
members and moves the row to passed or rejected by the award's threshold (config/review.toml);
`/bienban N FILE` attaches the minutes to meeting N.
"""

from __future__ import annotations

import re

from domain.review import VoteThreshold, share_text
from domain.statuses import Status
from handlers.formatting import vn_date
from handlers.messages import Incoming, Reply
from handlers.review.common import change_status, parse_date, repository, rules, sent_file
from handlers.review.inbox import find_dossier
from handlers.services import Services
from handlers.texts import review as t

_VOTES = re.compile(r"^(\d{1,4})\s*/\s*(\d{1,4})$")


async def schedule(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    meets_on = parse_date(args)
    if meets_on is None or meets_on < services.today():
        return [Reply(t.COUNCIL_USAGE)]
    ready = await repository(services).ready_for_council()
    if not ready:
        return [Reply(t.COUNCIL_NONE)]
    note = t.COUNCIL_NOTE.format(date=vn_date(meets_on))
    on_agenda, in_review = [], []
    for dossier in ready:
        if dossier.status is Status.received:
            if not await change_status(services, dossier, Status.in_review, note, incoming.actor):
                continue
        else:
            in_review.append(dossier.id)
        on_agenda.append(dossier)
    meeting = await repository(services).schedule_meeting(
        meets_on=meets_on,
        dossier_ids=[dossier.id for dossier in on_agenda],
        actor=incoming.actor,
        now=services.now(),
        note=note,
        already_in_review=in_review,
    )
    lines = [t.COUNCIL_DONE.format(meeting=meeting, date=vn_date(meets_on), count=len(on_agenda))]
    lines += [
        t.COUNCIL_LINE.format(
            code=d.code, nominee=d.nominee, award=services.catalog.name_of(d.award_kind)
        )
        for d in on_agenda
    ]
    return [Reply("\n".join(lines))]


def threshold_text(threshold: VoteThreshold) -> str:
    template = t.THRESHOLD_MORE_THAN if threshold.strict else t.THRESHOLD_AT_LEAST
    return template.format(percent=threshold.percent)


async def vote(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    code, _, figures = args.strip().partition(" ")
    if not code or not figures.strip():
        return [Reply(t.VOTE_USAGE)]
    found = _VOTES.match(figures.strip())
    if found is None or not 0 <= int(found[1]) <= int(found[2]) or int(found[2]) == 0:
        return [Reply(t.VOTE_BAD.format(text=figures.strip()[:20]))]
    votes_for, members = int(found[1]), int(found[2])
    dossier = await find_dossier(services, code)
    if dossier is None:
        return [Reply(t.NOT_FOUND.format(text=code[:60]))]
    agenda = await repository(services).meeting_of(dossier.id)
    if agenda is not None and agenda[2] is not None:
        return [Reply(t.VOTE_ALREADY.format(code=dossier.code))]
    if agenda is None or dossier.status is not Status.in_review:
        return [Reply(t.VOTE_NOT_ON_AGENDA.format(code=dossier.code))]
    threshold = rules().threshold(dossier.award_kind)
    passed = threshold.passes(votes_for, members)
    recorded = await repository(services).record_vote(
        dossier_id=dossier.id,
        votes_for=votes_for,
        members=members,
        threshold_pct=threshold.percent,
        passed=passed,
        actor=incoming.actor,
        now=services.now(),
    )
    if not recorded:
        return [Reply(t.VOTE_ALREADY.format(code=dossier.code))]
    template = t.VOTE_NOTE_PASSED if passed else t.VOTE_NOTE_FAILED
    note = template.format(
        share=share_text(votes_for, members),
        threshold=threshold_text(threshold),
        source=threshold.source,
    )
    target = Status.passed if passed else Status.rejected
    if not await change_status(services, dossier, target, note, incoming.actor):
        await repository(services).clear_vote(dossier.id)
        return [Reply(t.VOTE_NOT_ON_AGENDA.format(code=dossier.code))]
    return [Reply(t.VOTE_DONE.format(code=dossier.code, note=note))]


async def minutes(incoming: Incoming, services: Services, args: str) -> list[Reply]:
    number, _, path_text = args.strip().partition(" ")
    if not number.isdigit():
        return [Reply(t.MINUTES_USAGE)]
    sent = await sent_file(incoming, services, path_text)
    if isinstance(sent, str):
        return [Reply(sent)]
    name, content = sent
    if not await repository(services).attach_minutes(int(number), name, content):
        return [Reply(t.MINUTES_NO_MEETING.format(meeting=number))]
    return [Reply(t.MINUTES_DONE.format(file=name, meeting=number))]
