"""Dossier codes: normalisation, merged-province variants and Telegram deep-link payloads."""

from __future__ import annotations

import re
from datetime import date

import pytest

from handlers.domain.codes import (
    EXAMPLE_CODE,
    code_variants,
    from_deep_link_payload,
    make_code,
    normalize_code,
    received_on_from_code,
    to_deep_link_payload,
)

LEGACY = {"H33": "H01"}
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
        "000 00 21 H33-170626-0001",  # spaces inside the agency
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
    # Only the province segment at the end of the agency counts, not the digits elsewhere.
    assert code_variants("H33.00.21.X01-250704-0002", LEGACY) == ["H33.00.21.X01-250704-0002"]


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
