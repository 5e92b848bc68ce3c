"""FOI requests as data: a letter of numbered, typed questions and the findings declared beside it.

A request file (``schema: custodes.foi.request/1``) is YAML validated on load; a bad file raises
:class:`RequestFileError` naming the file, line and field. Shipped requests live in
``src/custodes/data/foi/requests/`` (:func:`shipped_requests`, :func:`load_shipped_request`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from custodes.datafile import DataFileError, YamlDocument, line_of, load_yaml, validate

__all__ = [
    "SCHEMA",
    "Finding",
    "FoiRequest",
    "Question",
    "QuestionType",
    "RequestError",
    "RequestFileError",
    "load_request",
    "load_shipped_request",
    "parse_request",
    "shipped_requests",
]

SCHEMA = "custodes.foi.request/1"
SHIPPED = ("data", "foi", "requests")
SUFFIX = ".yaml"
QUESTION_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
SLUG = r"^[a-z0-9][a-z0-9_-]*$"
URL = r"^https?://\S+$"


class RequestError(Exception):
    """Base class of the FOI request errors."""


class RequestFileError(RequestError, DataFileError):
    """A request file cannot be read, parsed or validated (file, line and field named)."""


class DefinitionProblem(RequestError):
    """The definition is inconsistent at ``location`` (duplicate id, unknown question...)."""

    def __init__(self, location: tuple[str | int, ...], message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(message)


class QuestionType(StrEnum):
    """What a question asks for; the values are what the YAML uses."""

    COUNT = "count"
    YES_NO = "yes_no"
    MANUFACTURER_LIST = "manufacturer_list"
    COUNTS_BY_MANUFACTURER = "counts_by_manufacturer"
    FREE_TEXT = "free_text"
    DOCUMENT_REQUESTED = "document_requested"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Model):
    """One numbered question of the letter; ``id`` is a public interface (``drones.count``)."""

    id: str = Field(pattern=QUESTION_ID)
    type: QuestionType
    text: str = Field(min_length=1)
    hint: str | None = None


class TotalFinding(_Model):
    """The sum of a count question over the bodies that disclosed it (``counts_by`` stands in
    for a body that gave only the breakdown)."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    kind: Literal["total"]
    question: str = Field(pattern=QUESTION_ID)
    counts_by: str | None = Field(default=None, pattern=QUESTION_ID)
    denominator_label: str = Field(min_length=1)


class ManufacturerShareFinding(_Model):
    """Units whose maker resolves to ``manufacturer`` through the vendor knowledge base, out of
    the units reported, by the bodies reporting at least one."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    kind: Literal["manufacturer_share"]
    question: str = Field(pattern=QUESTION_ID)
    total: str | None = Field(default=None, pattern=QUESTION_ID)
    manufacturer: str = Field(min_length=1)
    denominator_label: str = Field(min_length=1)


class YesFinding(_Model):
    """Bodies answering yes to a yes/no question, out of the bodies asked."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    kind: Literal["yes"]
    question: str = Field(pattern=QUESTION_ID)
    denominator_label: str = Field(min_length=1)


Finding = Annotated[
    TotalFinding | ManufacturerShareFinding | YesFinding, Field(discriminator="kind")
]

_FINDING_TYPES: dict[str, dict[str, tuple[QuestionType, ...]]] = {
    "total": {
        "question": (QuestionType.COUNT,),
        "counts_by": (QuestionType.COUNTS_BY_MANUFACTURER,),
    },
    "manufacturer_share": {
        "question": (QuestionType.COUNTS_BY_MANUFACTURER,),
        "total": (QuestionType.COUNT,),
    },
    "yes": {"question": (QuestionType.YES_NO,)},
}


class FoiRequest(_Model):
    """A request: the letter's text, its numbered questions and the findings computed from
    replies."""

    id: str = Field(pattern=SLUG)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    date: dt.date
    references: list[Annotated[str, Field(pattern=URL)]] = Field(default_factory=list)
    introduction: str = Field(min_length=1)
    closing: str = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    findings: list[Finding] = Field(default_factory=list)

    _by_id: dict[str, Question] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> FoiRequest:
        by_id: dict[str, Question] = {}
        for index, question in enumerate(self.questions):
            if question.id in by_id:
                raise DefinitionProblem(
                    ("questions", index, "id"), f"duplicate question id {question.id!r}"
                )
            by_id[question.id] = question
        seen: set[str] = set()
        for index, finding in enumerate(self.findings):
            if finding.id in seen:
                raise DefinitionProblem(
                    ("findings", index, "id"), f"duplicate finding id {finding.id!r}"
                )
            seen.add(finding.id)
            for attribute, types in _FINDING_TYPES[finding.kind].items():
                qid = getattr(finding, attribute)
                if qid is None:
                    continue
                where = ("findings", index, attribute)
                if qid not in by_id:
                    raise DefinitionProblem(where, f"no question {qid!r}")
                if by_id[qid].type not in types:
                    raise DefinitionProblem(
                        where,
                        f"question {qid!r} is "
                        f"{by_id[qid].type.value}, a {finding.kind} finding needs "
                        + " or ".join(t.value for t in types),
                    )
        self._by_id.update(by_id)
        return self

    def question(self, qid: str) -> Question:
        """The question ``qid``; raises ``KeyError``."""
        return self._by_id[qid]

    def number(self, qid: str) -> int:
        """The question's number in the letter (1-based)."""
        return [q.id for q in self.questions].index(qid) + 1

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON definition: a stored request never changes."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def letter(self, *, body_name: str, reference: str) -> str:
        """The request's text as sent to one body, its questions numbered."""
        lines = [f"Dear {body_name},", "", self.introduction.strip(), ""]
        for number, question in enumerate(self.questions, 1):
            lines.append(f"{number}. {question.text.strip()}")
            if question.hint:
                lines.append(f"   {question.hint.strip()}")
        lines += ["", self.closing.strip(), "", f"Our reference: {reference}"]
        return "\n".join(lines) + "\n"


def _build(document: YamlDocument, file: str) -> FoiRequest:
    data, lines = document
    if not isinstance(data, dict):
        raise RequestFileError(file, line_of(lines, ()), None, "top level must be a mapping")
    schema = data.pop("schema", None)
    if schema != SCHEMA:
        message = f"expected schema: {SCHEMA}" + ("" if schema is None else f", got {schema!r}")
        raise RequestFileError(file, line_of(lines, ("schema",)), "schema", message)
    try:
        return validate(FoiRequest, data, lines, path=file, error=RequestFileError)
    except DefinitionProblem as problem:
        raise RequestFileError(
            file,
            line_of(lines, problem.location),
            RequestFileError.field_name(problem.location),
            problem.message,
        ) from None


def parse_request(text: str | bytes, file: str = "<string>") -> FoiRequest:
    """Validate request YAML; ``file`` names it in errors."""
    return _build(load_yaml(text, label=file, error=RequestFileError, yes_no_words=True), file)


def load_request(path: str | Path) -> FoiRequest:
    """Read and validate the request file at ``path``."""
    file = str(path)
    return _build(
        load_yaml(Path(path), label=file, error=RequestFileError, yes_no_words=True), file
    )


def _folder():
    folder = resources.files("custodes")
    for part in SHIPPED:
        folder = folder / part
    return folder


def shipped_requests() -> list[str]:
    """Names of the shipped requests, sorted."""
    return sorted(
        entry.name.removesuffix(SUFFIX)
        for entry in _folder().iterdir()
        if entry.name.endswith(SUFFIX)
    )


@lru_cache(maxsize=8)
def load_shipped_request(name: str) -> FoiRequest:
    """A shipped request by name (``police-drones-2023``)."""
    names = shipped_requests()
    if name not in names:
        raise RequestError(f"no shipped request {name!r}; shipped: {', '.join(names) or 'none'}")
    return parse_request((_folder() / f"{name}{SUFFIX}").read_bytes(), f"{name}{SUFFIX}")
