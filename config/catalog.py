"""The award catalogue (danh mục hình thức khen thưởng), loaded from TOML configuration."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from domain.text import fold


class NomineeType(StrEnum):
    """Who an award is for (đối tượng): cá nhân, tập thể, hộ gia đình."""

    individual = "individual"
    collective = "collective"
    family = "family"


class AwardKind(BaseModel):
    """One form of commendation (hình thức khen thưởng) and how long the board takes for it."""

    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1)
    for_whom: list[NomineeType] = Field(min_length=1)
    authority: str
    working_days: int = Field(ge=1, le=365)
    documents: list[str] = Field(default_factory=list)
    #: The due date covers the board's own appraisal only (awards decided above the province:
    #: the President, the Prime Minister). Once the board has submitted the dossier (passed),
    #: the card says it awaits that decision instead of counting days overdue.
    board_step_only: bool = False
    #: Issue 24: the text the kind rests on (article, law or decree), and where its processing
    #: time comes from.
    legal_basis: str = ""
    time_source: str = ""
    #: A title given by the unit itself (Lao động tiên tiến, Chiến sĩ thi đua cơ sở): listed so
    #: a list can name it among the awards already received, never offered as a nomination.
    nominable: bool = True
    #: Procedure guide (/thutuc, issue 26.1): the form number of each document, by position
    #: (`Mẫu số 01`; "" when the law gives none), where to submit when it is not the board's
    #: one-stop desk, and the legal basis of the procedure. All optional: an older catalogue
    #: without them still loads, and the guide then says less.
    document_forms: list[str] = Field(default_factory=list)
    submit_to: str | None = None
    procedure_basis: list[str] = Field(default_factory=list)

    def papers(self) -> list[tuple[str, str]]:
        """Each required document with its form number ("" when none is given)."""
        forms = self.document_forms + [""] * (len(self.documents) - len(self.document_forms))
        return [
            (document, form.strip()) for document, form in zip(self.documents, forms, strict=False)
        ]


class CatalogError(Exception):
    """The catalogue file is missing, unreadable or invalid."""


class AwardCatalog:
    """Award kinds by code, looked up by code or by Vietnamese name (with or without accents)."""

    def __init__(self, kinds: list[AwardKind]) -> None:
        self.kinds = list(kinds)
        self._by_code = {kind.code.upper(): kind for kind in kinds}
        self._by_name = {fold(kind.name): kind for kind in kinds}
        if len(self._by_code) != len(kinds):
            raise CatalogError("duplicate award code in the catalogue")

    def get(self, code: str) -> AwardKind | None:
        return self._by_code.get(code.strip().upper())

    def find(self, code_or_name: str) -> AwardKind | None:
        """The kind whose code or Vietnamese name is given (any case, accents optional)."""
        return self.get(code_or_name) or self._by_name.get(fold(code_or_name))

    def search(self, words: str) -> list[AwardKind]:
        """Kinds named by a code, a whole name or a few words of it, accents optional:
        `bang khen chu tich` → the Chairman's Bằng khen; an exact code or name wins alone."""
        exact = self.find(words)
        if exact is not None:
            return [exact]
        wanted = fold(words).replace('"', "").split()
        if not wanted:
            return []
        return [
            kind
            for kind in self.kinds
            if all(
                word in fold(kind.name).replace('"', "").replace(",", "").split() for word in wanted
            )
        ]

    def name_of(self, code: str) -> str:
        kind = self.get(code)
        return kind.name if kind else code

    def for_nominee(self, nominee_type: NomineeType) -> list[AwardKind]:
        return [kind for kind in self.kinds if kind.nominable and nominee_type in kind.for_whom]

    def nominable(self, code_or_name: str) -> AwardKind | None:
        """The kind a nomination may ask for (not a unit's own title)."""
        kind = self.find(code_or_name)
        return kind if kind is not None and kind.nominable else None


def load_catalog(path: Path) -> AwardCatalog:
    """Read and validate the catalogue file."""
    kinds: list[AwardKind] = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for item in data.get("award", []):
            kinds.append(AwardKind.model_validate(item))
    except ValidationError as exc:
        # One line, not pydantic's multi-line report: `[[award]] #2: name: Field required`.
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise CatalogError(f"{path}: [[award]] #{len(kinds) + 1}: {problems}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    if not kinds:
        raise CatalogError(f"{path}: no [[award]] entries")
    return AwardCatalog(kinds)
