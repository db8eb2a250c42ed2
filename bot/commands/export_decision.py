"""`python -m bot export --what decision --decision NUMBER -o FILE.xlsx`: a decision's list.

The list attached to the Chairman's decision (STT, name, position and unit, award), as boards
print it (issue 25). Nothing is written when the number is unknown.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from domain.decisions import EXAMPLE, normalize_decision_no
from handlers.review.decision import decision_sheet
from handlers.services import Services
from handlers.texts import report as tr
from handlers.texts import review as t

EXIT_OK, EXIT_FAILED = 0, 1


async def export_decision(services: Services, number_text: str | None, target: Path) -> int:
    if target.suffix.lower() != ".xlsx":
        print(tr.EXPORT_BAD_TARGET.format(name=target.name), file=sys.stderr)
        return EXIT_FAILED
    number = normalize_decision_no(number_text or "", services.settings.decision_no_pattern)
    if number is None:
        text = (number_text or "")[:60]
        print(t.DECISION_BAD_NUMBER.format(text=text, example=EXAMPLE), file=sys.stderr)
        return EXIT_FAILED
    content = await decision_sheet(services, number)
    if content is None:
        print(t.EXPORT_NONE.format(number=number), file=sys.stderr)
        return EXIT_FAILED
    partial = target.with_name(f".{target.name}.part")
    try:
        partial.write_bytes(content)
        os.replace(partial, target)
    except OSError as exc:
        print(tr.EXPORT_WRITE_FAILED.format(path=target, reason=exc.strerror), file=sys.stderr)
        return EXIT_FAILED
    finally:
        partial.unlink(missing_ok=True)
    print(t.EXPORT_DONE.format(number=number, path=target))
    return EXIT_OK
