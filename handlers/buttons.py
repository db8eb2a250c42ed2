"""Typed button payloads (dữ liệu nút bấm): a declared prefix, typed fields, pack and unpack.

In the spirit of aiogram's `CallbackData`::

    class WorkPage(ButtonData, prefix="wl"):
        kind: str
        page: int

    WorkPage("v", 2).pack() == "wl:v:2"
    WorkPage.unpack("wl:v:2") == WorkPage("v", 2)

Fields are `str`, `int` or `bool` (`1`/`0`), joined by `:` after the prefix; the last field
may hold `:` itself (a search query), no other may. A trailing field with a default may be
left out of the payload (`rv:no`). A payload that does not parse raises `StaleButton`, which
the router answers with the stale-button message: a button from an older version, or forged.
The packed text is the same as the plain strings used before, so buttons already sent in
chats keep working.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any, ClassVar, Self

SEPARATOR = ":"
#: Telegram refuses a button whose callback data is longer than this (in UTF-8 bytes).
MAX_PAYLOAD_BYTES = 64
_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,15}")
_INT = re.compile(r"-?[0-9]{1,18}")
_FIELD_TYPES = (str, int, bool)


class StaleButton(ValueError):
    """A payload that does not parse as the button it claims to be."""


class ButtonData:
    """Base class of a button's payload; subclasses are frozen dataclasses with a prefix."""

    prefix: ClassVar[str]
    _types: ClassVar[tuple[tuple[str, type, bool], ...]]
    #: Every declared prefix and the class that declared it (module.name): two kinds of
    #: button may not share one, even before a router sees them.
    declared: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"button prefix {prefix!r}: a-z, digits or _, at most 16")
        name = f"{cls.__module__}.{cls.__qualname__}"
        if ButtonData.declared.setdefault(prefix, name) != name:
            raise ValueError(f"button prefix {prefix!r} is {ButtonData.declared[prefix]}'s")
        cls.prefix = prefix
        dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(cls)
        types: list[tuple[str, type, bool]] = []
        for item in dataclasses.fields(cls):  # type: ignore[arg-type]
            kind = hints[item.name]
            if kind not in _FIELD_TYPES:
                raise TypeError(f"{cls.__name__}.{item.name}: str, int or bool, not {kind}")
            optional = item.default is not dataclasses.MISSING
            types.append((item.name, kind, optional))
        cls._types = tuple(types)

    def pack(self) -> str:
        """The payload text; refuses a value that would not come back the same."""
        parts = [self.prefix]
        last = len(self._types) - 1
        for number, (name, kind, _optional) in enumerate(self._types):
            value = getattr(self, name)
            if kind is bool:
                text = "1" if value else "0"
            else:
                text = str(value)
            if number < last and SEPARATOR in text:
                raise ValueError(f"{type(self).__name__}.{name} may not contain {SEPARATOR!r}")
            parts.append(text)
        while len(parts) > 1 and self._types[len(parts) - 2][2] and self._is_default(parts):
            parts.pop()  # trailing defaults are left out: `rv:no`, not `rv:no:0`
        return SEPARATOR.join(parts)

    def _is_default(self, parts: list[str]) -> bool:
        name = self._types[len(parts) - 2][0]
        field = next(f for f in dataclasses.fields(self) if f.name == name)  # type: ignore[arg-type]
        return bool(getattr(self, name) == field.default)

    @classmethod
    def unpack(cls, payload: str) -> Self:
        """The button of `payload`; StaleButton when it is not one of this kind."""
        prefix, _, rest = payload.partition(SEPARATOR)
        if prefix != cls.prefix:
            raise StaleButton(f"not a {cls.prefix} button")
        return cls.parse(rest)

    @classmethod
    def parse(cls, rest: str) -> Self:
        """The button from the text after its prefix (what the router hands a handler)."""
        count = len(cls._types)
        if count == 0:
            if rest:
                raise StaleButton(f"{cls.prefix}: takes no fields")
            return cls()
        texts = rest.split(SEPARATOR, count - 1)
        required = sum(1 for _name, _kind, optional in cls._types if not optional)
        if len(texts) < required or len(texts) > count:
            raise StaleButton(f"{cls.prefix}: {len(texts)} field(s), not {count}")
        values: dict[str, Any] = {}
        for (name, kind, _optional), text in zip(cls._types, texts, strict=False):
            values[name] = _convert(kind, text, cls.prefix, name)
        return cls(**values)


def _convert(kind: type, text: str, prefix: str, name: str) -> object:
    if kind is int:
        if not _INT.fullmatch(text):
            raise StaleButton(f"{prefix}.{name}: not a whole number")
        return int(text)
    if kind is bool:
        if text not in ("0", "1"):
            raise StaleButton(f"{prefix}.{name}: not 0 or 1")
        return text == "1"
    return text
