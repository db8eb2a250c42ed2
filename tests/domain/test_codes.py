"""Dossier codes: normalisation, merged-province variants and Telegram deep-link payloads."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from domain.codes import (
    EXAMPLE_CODE,
    AgencyRename,
    AgencyRenames,
    code_variants,
    from_deep_link_payload,
    make_code,
    normalize_code,
    received_on_from_code,
    to_deep_link_payload,
)
from handlers.services import Services
from tests.conftest import ChatDriver

LEGACY = {"000.00.21.H33": "000.00.21.H01"}
PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@pytest.mark.parametrize(
    "text",
    [
        "000.00.21.H33-170626-0001",
        "000.00.21.h33-170626-0001",
        "  000.00.21.H33-170626-0001  ",
        "\t000.00.21.h33-170626-0001\n",
        "000.00.21.H33 - 170626 - 0001",
        "000.00.21.H33 -170626-  0001",
        "000.00.21.H33–170626—0001",
        "000.00.21.H33‑170626−0001",
        "000.00.21.H33 – 170626 – 0001",
    ],
)
def test_normalize_accepts_case_spaces_and_dashes(text: str) -> None:
    assert normalize_code(text) == "000.00.21.H33-170626-0001"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "xin chào",
        "000.00.21.H33-171332-0001",  # month 13, day 32
        "000.00.21.H33-170230-0001",  # 30 February
        "000.00.21.H33-17062-0001",  # 5-digit date
        "000.00.21.H33-170626-001",  # 3-digit sequence
        "000.00.21.H33-170626-00011",  # 5-digit sequence
        "000.00.21.H33170626-0001",  # missing dash
        "000.00.21.H33--170626-0001",
        "000.00.21.H33-170626-0001-0002",
        "000.00.21.H33_170626_0001",
        "Ư00.00.21.H33-170626-0001",
        "000.00.21.H33-17O626-0001",  # letter O, not zero
    ],
)
def test_normalize_rejects_wrong_shapes(text: str) -> None:
    assert normalize_code(text) is None


def test_example_code_is_valid_and_dated() -> None:
    assert normalize_code(EXAMPLE_CODE) == EXAMPLE_CODE
    assert received_on_from_code("000.00.21.H33-170626-0001") == date(2017, 6, 26)
    assert received_on_from_code("000.00.21.H33-171332-0001") is None


def test_make_code_pads_sequence() -> None:
    code = make_code("000.00.21.H01", date(2026, 2, 13), 7)
    assert code == "000.00.21.H01-260213-0007"
    assert normalize_code(code) == code


def test_legacy_code_also_looked_up_under_new_province() -> None:
    assert code_variants("000.00.21.H33-170626-0001", LEGACY) == [
        "000.00.21.H33-170626-0001",
        "000.00.21.H01-170626-0001",
    ]


def test_new_code_also_looked_up_under_legacy_province() -> None:
    assert code_variants("000.00.21.H01-250704-0002", LEGACY) == [
        "000.00.21.H01-250704-0002",
        "000.00.21.H33-250704-0002",
    ]


def test_other_provinces_have_no_variant() -> None:
    assert code_variants("000.00.21.H29-250704-0002", LEGACY) == ["000.00.21.H29-250704-0002"]
    assert code_variants("000.00.21.H01-250704-0002", {}) == ["000.00.21.H01-250704-0002"]
    # A part that merely contains the identifier is not it.
    assert code_variants("H330.00.21.X01-250704-0002", LEGACY) == ["H330.00.21.X01-250704-0002"]


@pytest.mark.parametrize(
    "code",
    [
        "000.00.21.H33-170626-0001",
        "000.00.21.H01-260213-9999",
        "A1-260101-0000",
        "123456.ABCDEF.1.2.3.4-251231-0042",
    ],
)
def test_deep_link_payload_round_trip(code: str) -> None:
    payload = to_deep_link_payload(code)
    assert PAYLOAD_RE.fullmatch(payload), payload
    assert from_deep_link_payload(payload) == code


def test_deep_link_payload_tolerates_lower_case_and_rejects_garbage() -> None:
    assert from_deep_link_payload("000_00_21_h33-170626-0001") == "000.00.21.H33-170626-0001"
    assert from_deep_link_payload("hello") is None
    assert from_deep_link_payload("000_00_21_H33-171332-0001") is None


# --- Codes inside text, spaces, slashes, full-width forms (issue 12) ---------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Mã hồ sơ: 000.00.21.H33-170626-0001.", "000.00.21.H33-170626-0001"),
        (
            "mã hồ sơ của tôi là 000.00.21.h33-170626-0001, nhờ kiểm tra",
            "000.00.21.H33-170626-0001",
        ),
        ("000 00 21 h01 261111 0001", "000.00.21.H01-261111-0001"),
        ("ma ho so 000 00 21 h01 261111 0001", "000.00.21.H01-261111-0001"),
        ("000.00.21.H01/261111/0001", "000.00.21.H01-261111-0001"),
        ("000/00/21/H01-261111-0001", "000.00.21.H01-261111-0001"),
        ("０００．００．２１．Ｈ０１－２６１１１１－０００１", "000.00.21.H01-261111-0001"),
        ("000。00。21。H01－261111－0001", "000.00.21.H01-261111-0001"),
        ("(000.00.21.H01-261111-0001)", "000.00.21.H01-261111-0001"),
        ("H33.22-170626-0001", "H33.22-170626-0001"),
        # The same code twice is still one code.
        ("000.00.21.H01-261111-0001 hay 000.00.21.h01-261111-0001?", "000.00.21.H01-261111-0001"),
    ],
)
def test_code_found_in_text(text: str, code: str) -> None:
    assert normalize_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "000.00.21.H01-261111-0001 và 000.00.21.H01-261111-0002",  # two codes: which one?
        "Ư00.00.21.H01-261111-0001",
        "_000.00.21.H01-261111-0001",
        "000.00.21.H01-261111-00011",
        "000.00.21.H01-261111-0001-0002",
        "000.00.21.H01-261111-0001.5",
        "gọi 0912 345 678 giúp tôi",
        "000.00.21.H01-261131-0001",  # 31 November
        "0" * 5000,
    ],
)
def test_no_code_or_an_ambiguous_one(text: str) -> None:
    assert normalize_code(text) is None


def test_renamed_agencies_whole_identifiers_with_dates() -> None:
    from config.agency_codes import load_agency_renames
    from config.settings import CONFIG_DIR

    renames = load_agency_renames(CONFIG_DIR / "agency_codes.toml")
    assert dict(renames) == {"000.00.21.H33": "000.00.21.H01"}
    (kien_giang,) = renames.renames
    assert kien_giang.since == date(2025, 7, 1) and "Kiên Giang" in kien_giang.note
    # The old identifier is also tried under the new one, at any date.
    assert code_variants("000.00.21.H33-260105-0001", renames)[1] == "000.00.21.H01-260105-0001"
    # And a new one under the old one, also after the merger (old systems kept issuing it).
    assert code_variants("000.00.21.H01-250701-0001", renames) == [
        "000.00.21.H01-250701-0001",
        "000.00.21.H33-250701-0001",
    ]
    # Several renames into one agency: the spelling in use on the code's date comes first.
    two = AgencyRenames(
        (
            AgencyRename("000.00.21.H33", "000.00.21.H01", date(2025, 7, 1)),
            AgencyRename("H99.22", "000.00.21.H01", date(2020, 1, 1)),
        )
    )
    assert code_variants("000.00.21.H01-250630-0001", two) == [
        "000.00.21.H01-250630-0001",
        "000.00.21.H33-250630-0001",
        "H99.22-250630-0001",
    ]
    assert code_variants("000.00.21.H01-190630-0001", two)[1:] == [
        "000.00.21.H33-190630-0001",
        "H99.22-190630-0001",
    ]
    assert code_variants("000.00.21.H01-210630-0001", AgencyRenames(two.renames[::-1]))[1] == (
        "000.00.21.H33-210630-0001"
    )


def test_no_part_by_part_swap_of_agency_identifiers() -> None:
    """Issue 23 item 9: H33 inside another agency's identifier is not that agency's H33."""
    from config.agency_codes import load_agency_renames
    from config.settings import CONFIG_DIR

    renames = load_agency_renames(CONFIG_DIR / "agency_codes.toml")
    for code in (
        "H33.22-170626-0001",
        "H01.22-250630-0001",
        "000.00.22.H33-170626-0001",
        "000.00.21.H33.1-170626-0001",
        "001.00.21.H01-250704-0001",
    ):
        assert code_variants(code, renames) == [code]
    # A row for one agency leaves its neighbour alone.
    one = AgencyRenames((AgencyRename("H33.22", "H01.22", date(2025, 7, 1)),))
    assert code_variants("H33.22-170626-0001", one) == ["H33.22-170626-0001", "H01.22-170626-0001"]
    assert code_variants("000.00.21.H33-170626-0001", one) == ["000.00.21.H33-170626-0001"]


def test_bad_agency_codes_file_is_refused(tmp_path: Path) -> None:
    from config.agency_codes import AgencyCodesError, load_agency_renames

    for body, reason in (
        ("[[rename]]\nold = '000.00.21.H33'\nnew = '000.00.21.H01'\n", "since"),
        ("[[rename]]\nold = 'H3..3'\nnew = 'H01'\nsince = 2025-07-01\n", "old"),
        ("[[rename]]\nold = '000.00.21.H33-1'\nnew = 'H01'\nsince = 2025-07-01\n", "old"),
        ("[[rename]]\nold = '000.00.21.H01'\nnew = '000.00.21.h01'\nsince = 2025-07-01\n", "same"),
        ("[[rename", "agency"),
    ):
        path = tmp_path / "agency.toml"
        path.write_text(body, encoding="utf-8")
        with pytest.raises(AgencyCodesError, match=reason):
            load_agency_renames(path)


async def test_chat_lookup_from_a_pasted_sentence(services: Services, chat: ChatDriver) -> None:
    from handlers.texts import lookup as tl
    from tests.handlers.test_lookup import CODE, DIGITS, add_dossier

    await add_dossier(services)
    spaced = " ".join(CODE.replace(".", " ").replace("-", " ").split()).lower()
    for text in (f"Mã hồ sơ: {CODE}.", spaced, CODE.replace("-", "/")):
        assert await chat.say(text) == tl.ASK_PHONE.format(code=CODE), text
    assert (await chat.say(DIGITS)).startswith(f"📄 Hồ sơ {CODE}")
    # Two different codes: no guess between them, the bot asks for one.
    other = CODE[:-1] + "9"
    reply = await chat.say(f"{CODE} và {other}")
    assert "4 số cuối" not in reply and "mã hồ sơ" in reply
