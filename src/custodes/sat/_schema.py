"""Pydantic models of framework files (``custodes.sat.framework/1``) and certification-scheme
files (``custodes.sat.certification/1``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
QuestionId = Annotated[str, Field(pattern=r"^p[1-9][0-9]*\.[a-z0-9_]+$", max_length=80)]
Url = Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=2000)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Title = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(_Strict):
    """A document a fact in the file comes from."""

    url: Url
    title: Title
    date: dt.date


class Event(_Strict):
    """A dated event in the history of a framework or scheme, with its source."""

    date: dt.date
    event: Text
    source: Url


class EvidenceType(_Strict):
    """A kind of document that can support a rating."""

    id: Slug
    label: Title


class Question(_Strict):
    """A question asked under a principle: ``closed`` (yes / partly / no / not applicable) or
    ``open`` (free text)."""

    id: QuestionId
    type: Literal["closed", "open"]
    text: Text


class Principle(_Strict):
    """One principle: its number, title, our own-words gist, evidence and questions."""

    number: int = Field(ge=1, le=99)
    title: Title
    gist: Text
    evidence: list[Slug] = Field(default_factory=list, max_length=50)
    questions: list[Question] = Field(min_length=1, max_length=100)


class Edition(_Strict):
    """A version of a framework and its dates of force (the principles are the framework's:
    an edition that changes them is a new framework)."""

    version: Annotated[str, Field(min_length=1, max_length=40)]
    in_force_from: dt.date
    in_force_until: dt.date | None = None
    note: Text

    def in_force_on(self, day: dt.date) -> bool:
        """Whether this edition was in force on ``day``."""
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )


class Framework(_Strict):
    """A framework (code of practice, ordinance, standard) with its dated editions."""

    schema_: Literal["custodes.sat.framework/1"] = Field(alias="schema")
    id: Slug
    title: Title
    short_title: Title
    jurisdiction: Title
    legal_basis: Text
    editions: list[Edition] = Field(min_length=1, max_length=50)
    sources: list[Source] = Field(min_length=1, max_length=100)
    history: list[Event] = Field(default_factory=list, max_length=200)
    evidence_types: list[EvidenceType] = Field(min_length=1, max_length=200)
    principles: list[Principle] = Field(min_length=1, max_length=99)

    def principle(self, number: int) -> Principle:
        """The principle numbered ``number`` (KeyError if none)."""
        for principle in self.principles:
            if principle.number == number:
                return principle
        raise KeyError(f"{self.id} has no principle {number}")

    @property
    def numbers(self) -> tuple[int, ...]:
        """The principles' numbers, in order."""
        return tuple(p.number for p in self.principles)

    def evidence_label(self, evidence_id: str) -> str:
        """The label of an evidence type (the id itself when unknown)."""
        return next((e.label for e in self.evidence_types if e.id == evidence_id), evidence_id)

    @property
    def version(self) -> str:
        """The latest edition's version."""
        return self.editions[-1].version

    @property
    def in_force_from(self) -> dt.date:
        """When the first edition came into force."""
        return self.editions[0].in_force_from

    @property
    def in_force_until(self) -> dt.date | None:
        """When the latest edition ceased to be in force (None while it is)."""
        return self.editions[-1].in_force_until

    def edition_on(self, day: dt.date) -> Edition | None:
        """The edition in force on ``day``, if any."""
        return next((e for e in self.editions if e.in_force_on(day)), None)


class Step(_Strict):
    """A level of a certification scheme (desktop, full)."""

    id: Slug
    title: Title


class Scheme(_Strict):
    """A certification scheme with its history; ``voided_on`` ends every certificate."""

    id: Slug
    title: Title
    framework: Slug
    launched_on: dt.date
    closed_to_new_on: dt.date | None = None
    voided_on: dt.date | None = None
    note: Text
    steps: list[Step] = Field(min_length=1, max_length=20)
    history: list[Event] = Field(min_length=1, max_length=200)
    sources: list[Source] = Field(min_length=1, max_length=100)


class CertificationFile(_Strict):
    """The certification-scheme file."""

    schema_: Literal["custodes.sat.certification/1"] = Field(alias="schema")
    schemes: list[Scheme] = Field(min_length=1, max_length=100)
