"""The buttons several casework features show: open a dossier, its history, assign it, a page.

Declared here, below the features, because the one that builds a button is often not the one
that answers it (the worklist and the search open dossiers; the reminders' digest opens the
worklist), and the builder must not import the answerer (handlers/reminders is imported by
handlers/worklist).
"""

from __future__ import annotations

from handlers.buttons import ButtonData


class OpenDossier(ButtonData, prefix="ho"):
    """Mở hồ sơ: the dossier view (handlers/dossier_view.py)."""

    code: str


class ShowHistory(ButtonData, prefix="ls"):
    """Lịch sử hồ sơ (handlers/history.py)."""

    code: str


class OfferAssignment(ButtonData, prefix="gi"):
    """Giao chuyên viên, under a dossier (handlers/assignment.py)."""

    code: str


class WorkPage(ButtonData, prefix="wl"):
    """A page of the worklist (handlers/worklist.py): `v` the officer's work, `q` overdue."""

    kind: str
    page: int


class UpdateStatus(ButtonData, prefix="cn"):
    """Cập nhật trạng thái, under a dossier in /hoso (handlers/status_update.py)."""

    code: str
