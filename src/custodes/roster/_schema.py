"""Pydantic models of a roster file (``schema: custodes.roster/1``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from custodes.roster._model import BODY_KINDS
from custodes.roster._normalise import MAX_NAME_LENGTH, full_key

SCHEMA = "custodes.roster/1"

Country = Literal[
    "England",
    "Wales",
    "Scotland",
    "Northern Ireland",
    "England and Wales",
    "England, Wales and Scotland",
    "United Kingdom",
]


def _check_spelling(text: str) -> str:
    if not full_key(text):
        raise ValueError("must contain at least one letter or digit")
    return text


Code = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Spelling = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME_LENGTH), AfterValidator(_check_spelling)
]
Url = Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=2000)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Email = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$", max_length=254)
]
#: The access-to-information regime a body answers under (see custodes.foi.clock).
FoiRegime = Literal["foia", "foisa", "eir"]
Language = Literal["en", "cy"]
BodyKind = Literal[BODY_KINDS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FoiEntry(_Strict):
    """Where a body takes FOI requests, with the source the address was read from.

    A body whose address could not be sourced keeps the block without ``email`` and
    ``web_form`` and says why in ``note`` (never an invented address).
    """

    email: Email | None = None
    web_form: Url | None = None
    disclosure_log: Url | None = None
    whatdotheyknow: Url | None = None
    source: Url
    date: dt.date
    note: Text | None = None

    @model_validator(mode="after")
    def _unsourced_needs_note(self) -> FoiEntry:
        if self.email is None and self.web_form is None and self.note is None:
            raise ValueError(
                "give an FOI email or web_form, or a note saying why none could be sourced"
            )
        return self


class BodyEntry(_Strict):
    """One body in the file."""

    code: Code
    name: Spelling
    aliases: list[Spelling] = Field(default_factory=list, max_length=50)
    kind: BodyKind
    country: Country
    languages: list[Language] = Field(default_factory=lambda: ["en"], min_length=1, max_length=2)
    note: Text | None = None
    source: Url | None = None
    date: dt.date | None = None
    foi_regime: FoiRegime = "foia"
    foi: FoiEntry | None = None

    @model_validator(mode="after")
    def _languages_start_with_english(self) -> BodyEntry:
        if self.languages[0] != "en" or len(set(self.languages)) != len(self.languages):
            raise ValueError("languages start with en and name each language once (en, cy)")
        return self

    @model_validator(mode="after")
    def _source_needs_date(self) -> BodyEntry:
        if (self.source is None) != (self.date is None):
            raise ValueError("a body's source and date must be given together")
        return self


class ListEntry(_Strict):
    """One named, versioned recipient list in the file."""

    name: Code
    version: int = Field(ge=1)
    title: Text
    description: Text
    source: Url
    date: dt.date
    codes: list[Code] = Field(min_length=1, max_length=10_000)
    #: Load into the web database at start-up (false: when a round or campaign first uses it).
    preload: bool = True


class RosterFile(_Strict):
    """The whole roster file."""

    schema_: Literal["custodes.roster/1"] = Field(alias="schema")
    source: Url
    date: dt.date
    bodies: list[BodyEntry] = Field(min_length=1, max_length=10_000)
    lists: list[ListEntry] = Field(default_factory=list, max_length=1_000)
