"""Reading questionnaire files: YAML with node marks, so errors name file, line and field."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from custodes.datafile import FileProblem, Location, YamlDocument, line_of, load_yaml, validate

from ._errors import DefinitionError, QuestionnaireFileError, UnknownQuestionnaire
from ._schema import Questionnaire

SCHEMA = "custodes.questionnaire/1"
SHIPPED_PACKAGE = "custodes"
SHIPPED_FOLDER = ("data", "questionnaires")
SHIPPED_SUFFIX = ".yaml"

_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _parse_path(text: str) -> Location:
    return tuple(int(index) if index else name for index, name in _PATH_TOKEN.findall(text))


def parse_questionnaire(text: str | bytes, file: str = "<string>") -> Questionnaire:
    """Validate questionnaire YAML; ``file`` is the name used in error messages."""
    return _questionnaire(_load(text, file), file)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate the questionnaire file at ``path``."""
    file = str(path)
    return _questionnaire(_load(Path(path), file), file)


def _load(source: Path | str | bytes, file: str) -> YamlDocument:
    # ``yes_no_words``: option values and conditions say ``yes``/``no`` and mean the words.
    return load_yaml(source, label=file, error=QuestionnaireFileError, yes_no_words=True)


def _questionnaire(document: YamlDocument, file: str) -> Questionnaire:
    """Check the schema line, then validate the definition, locating every problem."""
    data, lines = document
    if not isinstance(data, dict):
        raise QuestionnaireFileError(file, line_of(lines, ()), None, "top level must be a mapping")
    schema = data.pop("schema", None)
    if schema != SCHEMA:
        message = f"expected schema: {SCHEMA}" + ("" if schema is None else f", got {schema!r}")
        raise QuestionnaireFileError(file, line_of(lines, ("schema",)), "schema", message)
    try:
        return validate(Questionnaire, data, lines, path=file, error=QuestionnaireFileError)
    except DefinitionError as error:
        problems = tuple(
            FileProblem(line_of(lines, _parse_path(field)), field, message)
            for field, message in error.problems
        )
        first = problems[0]
        raise QuestionnaireFileError(
            file, first.line, first.field, first.message, problems
        ) from None


def _shipped_folder() -> Any:
    folder = resources.files(SHIPPED_PACKAGE)
    for part in SHIPPED_FOLDER:
        folder = folder / part
    return folder


def shipped_names() -> list[str]:
    """Names of the questionnaires that ship with Custodes, sorted."""
    return sorted(
        entry.name.removesuffix(SHIPPED_SUFFIX)
        for entry in _shipped_folder().iterdir()
        if entry.name.endswith(SHIPPED_SUFFIX)
    )


@lru_cache(maxsize=16)
def load_shipped(name: str) -> Questionnaire:
    """Load a shipped questionnaire by name, e.g. ``"police-estate-2022"``."""
    names = shipped_names()
    if name not in names:
        raise UnknownQuestionnaire(name, names)
    entry = _shipped_folder() / f"{name}{SHIPPED_SUFFIX}"
    return parse_questionnaire(entry.read_bytes(), f"{name}{SHIPPED_SUFFIX}")
