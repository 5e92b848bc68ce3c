"""Reading framework and certification files: line numbers, pydantic validation, then the
consistency checks pydantic cannot make (principle numbers, question ids, evidence types)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

from custodes.datafile import (
    FileProblem,
    Location,
    YamlDocument,
    dotted,
    line_of,
    load_yaml,
    validate,
)
from custodes.sat._errors import FrameworkFileError, UnknownFramework
from custodes.sat._schema import CertificationFile, Edition, Framework, Scheme

FRAMEWORKS_FOLDER = ("data", "sat", "frameworks")
CERTIFICATION_FILE = ("data", "sat", "certification.yaml")
SUFFIX = ".yaml"


def parse_framework(text: str | bytes, label: str = "<framework>") -> Framework:
    """Validate framework YAML ``text``; ``label`` names the file in errors."""
    return _framework(load_yaml(text, label=label, error=FrameworkFileError), label)


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework file (errors name file, line and field)."""
    label = str(path)
    return _framework(load_yaml(Path(path), label=label, error=FrameworkFileError), label)


def _framework(document: YamlDocument, label: str) -> Framework:
    framework = validate(
        Framework, document.data, document.lines, path=label, error=FrameworkFileError
    )
    _raise_problems(_framework_problems(framework), document, label)
    return framework


def _framework_problems(framework: Framework) -> list[tuple[Location, str]]:
    problems: list[tuple[Location, str]] = []
    for index, edition in enumerate(framework.editions):
        if edition.in_force_until is not None and edition.in_force_until < edition.in_force_from:
            problems.append((("editions", index, "in_force_until"), "is before in_force_from"))
        if index and not _after(framework.editions[index - 1], edition):
            problems.append(
                (
                    ("editions", index, "in_force_from"),
                    "editions must be in order of force, each starting after the previous ended",
                )
            )
    versions = [e.version for e in framework.editions]
    for index, version in enumerate(versions):
        if version in versions[:index]:
            problems.append((("editions", index, "version"), f"duplicate version {version!r}"))
    evidence = [e.id for e in framework.evidence_types]
    for index, item in enumerate(evidence):
        if item in evidence[:index]:
            problems.append((("evidence_types", index, "id"), f"duplicate evidence type {item!r}"))
    seen_questions: set[str] = set()
    for index, principle in enumerate(framework.principles):
        if principle.number != index + 1:
            problems.append(
                (
                    ("principles", index, "number"),
                    f"expected principle {index + 1} here (numbered 1, 2, 3 … in order)",
                )
            )
        for position, evidence_id in enumerate(principle.evidence):
            if evidence_id not in evidence:
                problems.append(
                    (
                        ("principles", index, "evidence", position),
                        f"unknown evidence type {evidence_id!r}",
                    )
                )
        for position, question in enumerate(principle.questions):
            where: Location = ("principles", index, "questions", position, "id")
            if not question.id.startswith(f"p{principle.number}."):
                problems.append(
                    (
                        where,
                        f"a question of principle {principle.number} must start with "
                        f"p{principle.number}.",
                    )
                )
            elif question.id in seen_questions:
                problems.append((where, f"duplicate question id {question.id!r}"))
            seen_questions.add(question.id)
    return problems


def _after(earlier: Edition, later: Edition) -> bool:
    return earlier.in_force_until is not None and later.in_force_from > earlier.in_force_until


def _raise_problems(
    problems: list[tuple[Location, str]], document: YamlDocument, label: str
) -> None:
    if not problems:
        return
    found = tuple(
        FileProblem(line_of(document.lines, where), dotted(where), message)
        for where, message in problems
    )
    first = found[0]
    raise FrameworkFileError(label, first.line, first.field, first.message, found)


def _folder() -> Any:
    return resources.files("custodes").joinpath(*FRAMEWORKS_FOLDER)


def shipped_framework_ids() -> list[str]:
    """Ids of the frameworks shipped with Custodes, sorted."""
    return sorted(
        entry.name.removesuffix(SUFFIX)
        for entry in _folder().iterdir()
        if entry.name.endswith(SUFFIX)
    )


@functools.cache
def shipped_framework(framework_id: str) -> Framework:
    """A shipped framework by id, e.g. ``"scc-2013"`` (cached)."""
    ids = shipped_framework_ids()
    if framework_id not in ids:
        raise UnknownFramework(framework_id, ids)
    label = "custodes/" + "/".join((*FRAMEWORKS_FOLDER, framework_id + SUFFIX))
    framework = parse_framework(_folder().joinpath(framework_id + SUFFIX).read_bytes(), label)
    if framework.id != framework_id:
        raise FrameworkFileError(
            label, None, "id", f"the file is named {framework_id!r} but its id is {framework.id!r}"
        )
    return framework


def parse_certification(text: str | bytes, label: str = "<certification>") -> tuple[Scheme, ...]:
    """Validate a certification-scheme file's text."""
    document = load_yaml(text, label=label, error=FrameworkFileError)
    parsed = validate(
        CertificationFile, document.data, document.lines, path=label, error=FrameworkFileError
    )
    problems: list[tuple[Location, str]] = []
    ids = [s.id for s in parsed.schemes]
    for index, scheme in enumerate(parsed.schemes):
        if scheme.id in ids[:index]:
            problems.append((("schemes", index, "id"), f"duplicate scheme {scheme.id!r}"))
        if scheme.voided_on is not None and scheme.voided_on < scheme.launched_on:
            problems.append((("schemes", index, "voided_on"), "is before launched_on"))
    _raise_problems(problems, document, label)
    return tuple(parsed.schemes)


@functools.cache
def certification_schemes() -> tuple[Scheme, ...]:
    """The shipped certification schemes, with their history (cached)."""
    label = "custodes/" + "/".join(CERTIFICATION_FILE)
    return parse_certification(
        resources.files("custodes").joinpath(*CERTIFICATION_FILE).read_bytes(), label
    )


def certification_scheme(scheme_id: str) -> Scheme:
    """A shipped scheme by id (KeyError if none)."""
    for scheme in certification_schemes():
        if scheme.id == scheme_id:
            return scheme
    raise KeyError(f"no certification scheme {scheme_id!r}")
