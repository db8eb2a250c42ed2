"""The answers of a nomination (đề nghị khen thưởng), validated one by one with pydantic.

Each model takes the officer's raw text; a bad answer raises AnswerError whose message is the
Vietnamese explanation shown before the question is asked again.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from config.catalog import AwardCatalog, NomineeType
from config.movements import MovementList
from domain.text import fold
from handlers.formatting import vn_number
from handlers.texts import nomination as t

NAME_LIMIT = 200
FIELD_LIMIT = 300
CONTACT_LIMIT = 100
SUMMARY_MIN = 20
SUMMARY_MAX = 2000
MAX_FILES = 10
#: Telegram bots cannot fetch files larger than this, and the board asks for no more.
MAX_FILE_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"})
ALLOWED_MIME_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
        "image/png",
        # Some phones send every file as this; the extension then decides.
        "application/octet-stream",
    }
)
_EXTENSION_OF_MIME = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg",
    "image/png": "png",
}

_TYPE_WORDS = {
    "ca nhan": NomineeType.individual,
    "individual": NomineeType.individual,
    "tap the": NomineeType.collective,
    "collective": NomineeType.collective,
    "ho gia dinh": NomineeType.family,
    "gia dinh": NomineeType.family,
    "ho": NomineeType.family,
    "family": NomineeType.family,
}
_SKIP_WORDS = frozenset({"-", "bo qua", "khong", "khong co", "skip", "khong thuoc"})
_PHONE_AT_END = re.compile(r"(\+?\d[\d\s.\-()]*\d)\s*$")
_PHONE_AT_START = re.compile(r"^\s*(\+?\d[\d\s.\-()]*\d)")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_SEPARATORS = " ,;:-–—/"
#: `Giáo viên, Trường THCS Lê Lợi`, or on two lines, or `Giáo viên - Trường THCS Lê Lợi`.
_POSITION_UNIT_SPLIT = re.compile(r"\s*\n\s*|\s*,\s*|\s+[-–—]\s+")


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is for the officer, in Vietnamese."""


M = TypeVar("M", bound=BaseModel)


def validate_answer(model: type[M], data: dict[str, Any], **context: Any) -> M:
    """Build `model` from `data`, turning any validation failure into one AnswerError."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        for error in exc.errors():
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, AnswerError):
                raise cause from None
        raise AnswerError(t.INVALID) from None


def one_line(text: str) -> str:
    return " ".join(text.split())


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _check_field(value: str, field: str, *, limit: int = FIELD_LIMIT) -> str:
    value = one_line(value).strip(_SEPARATORS)
    name = t.FIELD_NAMES[field]
    if _letters(value) == 0 and value:
        raise AnswerError(t.FIELD_NO_LETTERS.format(field=name))
    if _letters(value) < 2:
        raise AnswerError(t.FIELD_TOO_SHORT.format(field=name))
    if len(value) > limit:
        raise AnswerError(t.FIELD_TOO_LONG.format(field=name, limit=limit))
    return value


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NomineeTypeAnswer(_Answer):
    """Who the award is for: cá nhân, tập thể or hộ gia đình (accents optional)."""

    nominee_type: NomineeType

    @field_validator("nominee_type", mode="before")
    @classmethod
    def _parse(cls, value: object) -> NomineeType:
        text = str(value)
        found = _TYPE_WORDS.get(fold(text))
        if found is None:
            raise AnswerError(t.TYPE_UNKNOWN.format(text=one_line(text)[:40]))
        return found


class NomineeNameAnswer(_Answer):
    """A person's full name (no digits), or a collective's or family's name."""

    nominee_type: NomineeType
    name: str

    @field_validator("name")
    @classmethod
    def _check(cls, value: str, info: ValidationInfo) -> str:
        value = one_line(value)
        if _letters(value) == 0:
            raise AnswerError(t.NAME_NO_LETTERS)
        if info.data.get("nominee_type") is NomineeType.individual and any(
            ch.isdigit() for ch in value
        ):
            raise AnswerError(t.NAME_DIGITS)
        if _letters(value) < 2:
            raise AnswerError(t.NAME_TOO_SHORT)
        if len(value) > NAME_LIMIT:
            raise AnswerError(t.NAME_TOO_LONG.format(limit=NAME_LIMIT))
        return value


class PositionUnitAnswer(_Answer):
    """An individual's position and unit, typed as `position, unit` (or on two lines)."""

    position: str
    unit: str

    @classmethod
    def from_text(cls, text: str) -> PositionUnitAnswer:
        parts = _POSITION_UNIT_SPLIT.split(text.strip(), maxsplit=1)
        position, unit = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
        if not unit.strip(_SEPARATORS + "\n"):
            raise AnswerError(t.POSITION_UNIT_SPLIT)
        return validate_answer(cls, {"position": position, "unit": unit})

    @field_validator("position")
    @classmethod
    def _position(cls, value: str) -> str:
        return _check_field(value, "position")

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        return _check_field(value, "unit")


class GoverningBodyAnswer(_Answer):
    """The body that governs a collective, or the local authority of a family."""

    body: str

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        return _check_field(value, "body")


class AwardAnswer(_Answer):
    """An award kind of the catalogue that fits the nominee type (context: `catalog`)."""

    nominee_type: NomineeType
    award_kind: str

    @field_validator("award_kind")
    @classmethod
    def _fits(cls, value: str, info: ValidationInfo) -> str:
        catalog: AwardCatalog = (info.context or {})["catalog"]
        kind = catalog.nominable(value)
        if kind is None:
            raise AnswerError(t.AWARD_UNKNOWN.format(text=one_line(value)[:60]))
        nominee_type = info.data.get("nominee_type")
        if nominee_type not in kind.for_whom:
            who = t.NOMINEE_TYPES_LOWER[str(nominee_type)]
            raise AnswerError(t.AWARD_NOT_FOR.format(award=kind.name, who=who))
        return kind.code


class MovementAnswer(_Answer):
    """A configured movement or thematic topic, or None when skipped (context: `movements`)."""

    movement: str | None

    @field_validator("movement", mode="before")
    @classmethod
    def _known(cls, value: object, info: ValidationInfo) -> str | None:
        if value is None or fold(str(value)) in _SKIP_WORDS:
            return None
        movements: MovementList = (info.context or {})["movements"]
        found = movements.find(str(value))
        if found is None:
            raise AnswerError(t.MOVEMENT_UNKNOWN.format(text=one_line(str(value))[:60]))
        return found.code


class SummaryAnswer(_Answer):
    """The achievement summary (tóm tắt thành tích): 20 to 2,000 characters, line breaks kept."""

    text: str

    @field_validator("text")
    @classmethod
    def _length(cls, value: str) -> str:
        lines = [one_line(line) for line in value.strip().splitlines()]
        value = "\n".join(lines).strip()
        value = re.sub(r"\n{3,}", "\n\n", value)
        if len(value) < SUMMARY_MIN:
            raise AnswerError(t.SUMMARY_TOO_SHORT.format(length=len(value), minimum=SUMMARY_MIN))
        if len(value) > SUMMARY_MAX:
            raise AnswerError(
                t.SUMMARY_TOO_LONG.format(
                    length=vn_number(len(value)), maximum=vn_number(SUMMARY_MAX)
                )
            )
        return value


def normalize_phone(text: str) -> str | None:
    """`0912 345 678` or `+84 912.345.678` → `0912345678`; None when not a VN number."""
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if len(digits) == 10 and digits.isdecimal() and digits[0] == "0" and digits[1] != "0":
        return digits
    return None


class PhoneAnswer(_Answer):
    """A Vietnamese phone number, stored as 0xxxxxxxxx."""

    phone: str

    @field_validator("phone")
    @classmethod
    def _valid(cls, value: str) -> str:
        phone = normalize_phone(value)
        if phone is None:
            raise AnswerError(t.PHONE_INVALID.format(text=one_line(value)[:40]))
        return phone


class ContactAnswer(_Answer):
    """The contact person, and their phone when given in the same message."""

    name: str
    phone: str | None = None

    @classmethod
    def from_text(cls, text: str) -> ContactAnswer:
        """`Nguyễn Văn Minh, 0912 345 678` (or the number first, or the name alone)."""
        text = one_line(text)
        match = _PHONE_AT_END.search(text) or _PHONE_AT_START.search(text)
        if match is None or sum(ch.isdigit() for ch in match.group(1)) < 4:
            if any(ch.isdigit() for ch in text):
                raise AnswerError(t.PHONE_INVALID.format(text=text[:40]))
            return validate_answer(cls, {"name": text})
        name = (text[: match.start(1)] + " " + text[match.end(1) :]).strip(_SEPARATORS)
        phone = validate_answer(PhoneAnswer, {"phone": match.group(1)}).phone
        if not name:
            raise AnswerError(t.CONTACT_NAME_MISSING)
        return validate_answer(cls, {"name": name, "phone": phone})

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = one_line(value).strip(_SEPARATORS)
        if any(ch.isdigit() for ch in value):
            raise AnswerError(t.CONTACT_NAME_DIGITS)
        return _check_field(value, "contact", limit=CONTACT_LIMIT)


def size_text(size: int) -> str:
    """A file size the Vietnamese way: `1,5 MB`, `320 KB`."""
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        if megabytes.is_integer():
            return f"{int(megabytes)} MB"
        return f"{megabytes:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


class AttachmentAnswer(_Answer):
    """A document or photo: an allowed type, at most 20 MB."""

    kind: str
    file_id: str
    file_name: str
    size: int | None = None
    mime_type: str | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value == "sticker":
            raise AnswerError(t.FILE_STICKER)
        if value not in ("document", "photo"):
            raise AnswerError(t.FILE_OTHER)
        return value

    @field_validator("file_id")
    @classmethod
    def _file_id(cls, value: str) -> str:
        if not value:
            raise AnswerError(t.FILE_OTHER)
        return value

    @field_validator("size")
    @classmethod
    def _size(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and value > MAX_FILE_BYTES:
            name = info.data.get("file_name", "")
            raise AnswerError(
                t.FILE_TOO_LARGE.format(
                    name=name, size=size_text(value), limit=size_text(MAX_FILE_BYTES)
                )
            )
        return value

    @field_validator("mime_type")
    @classmethod
    def _type(cls, value: str | None, info: ValidationInfo) -> str | None:
        name = str(info.data.get("file_name", ""))
        suffix = PurePosixPath(name.lower()).suffix.lstrip(".")
        mime = (value or "").lower() or None
        if suffix:
            allowed = suffix in ALLOWED_EXTENSIONS and (mime is None or mime in ALLOWED_MIME_TYPES)
        else:
            allowed = mime in _EXTENSION_OF_MIME
        if not allowed:
            raise AnswerError(t.FILE_BAD_TYPE.format(name=name))
        return mime
