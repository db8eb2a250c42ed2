"""Typed button payloads: pack and unpack agree, bad payloads are stale, prefixes are unique."""

from __future__ import annotations

import pytest

from handlers.buttons import ButtonData, StaleButton
from handlers.casework_buttons import OpenDossier, WorkPage
from handlers.search import SearchPage
from handlers.staff import Revoke


class Pick(ButtonData, prefix="tpk"):
    index: int
    sure: bool
    note: str = ""


def test_pack_is_the_plain_text_buttons_used_before() -> None:
    # Buttons already sent in chats keep working after the move to typed payloads.
    assert WorkPage("v", 1).pack() == "wl:v:1"
    assert OpenDossier("000.00.21.H01-261120-0002").pack() == "ho:000.00.21.H01-261120-0002"
    assert Revoke("ask", 7).pack() == "rv:ask:7"
    assert Revoke("no").pack() == "rv:no"


def test_unpack_gives_typed_fields_back() -> None:
    assert WorkPage.unpack("wl:q:12") == WorkPage("q", 12)
    assert Revoke.unpack("rv:no") == Revoke("no", 0)
    assert Pick.unpack(Pick(3, True, "a:b").pack()) == Pick(3, True, "a:b")
    assert Pick.unpack("tpk:3:0") == Pick(3, False, "")
    # Only the last field may hold the separator: a search query with a colon comes back whole.
    assert SearchPage.unpack("tm:2:ubnd: xa") == SearchPage(2, "ubnd: xa")


@pytest.mark.parametrize(
    "payload",
    ["wl:v:x", "wl:v", "wl:v:1.5", "wl:v:", "ho2:abc", "wb:v:1", "tpk:3:2", "tpk:three:1"],
)
def test_a_payload_that_does_not_parse_is_stale(payload: str) -> None:
    kind = Pick if payload.startswith("tpk") else WorkPage
    with pytest.raises(StaleButton):
        kind.unpack(payload)


def test_a_field_before_the_last_may_not_hold_the_separator() -> None:
    with pytest.raises(ValueError, match="may not contain"):
        WorkPage("v:x", 1).pack()


def test_two_kinds_cannot_declare_one_prefix() -> None:
    with pytest.raises(ValueError, match="'wl'"):

        class Other(ButtonData, prefix="wl"):
            page: int


def test_fields_are_str_int_or_bool() -> None:
    with pytest.raises(TypeError, match="str, int or bool"):

        class Floaty(ButtonData, prefix="tfl"):
            amount: float

    with pytest.raises(ValueError, match="button prefix"):

        class Bad(ButtonData, prefix="A:"):
            page: int


def test_every_features_payload_is_the_text_it_was() -> None:
    # The plain strings the features built before their buttons were typed (issue 21.4).
    from datetime import date

    from handlers.actions.apology import button as apology_button
    from handlers.bulk_update import BulkButton
    from handlers.casework_buttons import UpdateStatus
    from handlers.faq import FaqButton
    from handlers.follow_card import FollowButton, UnfollowButton
    from handlers.lookup_otp import OtpButton
    from handlers.nomination.mine import MinePage
    from handlers.nomination.questions import NominationButton
    from handlers.nomination.units import ListButton
    from handlers.procedure_guide import GuideButton
    from handlers.rating import RateButton
    from handlers.review.inbox import InboxButton
    from handlers.status_update import StatusButton

    code = "000.00.21.H33-170626-0001"
    assert StatusButton("ab12cd34", "to", "in_review").pack() == "st:ab12cd34:to:in_review"
    assert StatusButton("ab12cd34", "no").pack() == "st:ab12cd34:no"
    assert BulkButton("ab12cd34", "to", "passed").pack() == "bk:ab12cd34:to:passed"
    assert BulkButton("ab12cd34", "ok").pack() == "bk:ab12cd34:ok"
    assert UpdateStatus(code).pack() == f"cn:{code}"
    assert apology_button(7, date(2026, 3, 2), "ok") == "xl:ok:7:2026-03-02"
    assert RateButton(12, 4).pack() == "rate:12:4"
    assert FaqButton("menu").pack() == "faq:menu"
    assert GuideButton("CSTD_CS").pack() == "tt:CSTD_CS"
    assert FollowButton(code).pack() == f"fl:{code}"
    assert UnfollowButton(code).pack() == f"uf:{code}"
    assert OtpButton(code).pack() == f"ot:{code}"
    assert MinePage(2).pack() == "nl:2"
    assert NominationButton("n1", "pick", "individual").pack() == "nm:n1:pick:individual"
    assert NominationButton("n1", "ok").pack() == "nm:n1:ok"
    assert ListButton("n1", "submit").pack() == "ul:n1:submit"
    assert InboxButton("r", code).pack() == f"dx:r:{code}"


def test_a_step_button_parses_as_the_old_partition_did() -> None:
    # `st:`, `bk:` and `nm:` handlers tell stale from forged themselves: any payload reaches them.
    from handlers.status_update import StatusButton

    assert StatusButton.unpack("st:") == StatusButton("", "", "")
    assert StatusButton.unpack("st:ab") == StatusButton("ab", "", "")
    assert StatusButton.unpack("st:ab:to:x:y") == StatusButton("ab", "to", "x:y")
