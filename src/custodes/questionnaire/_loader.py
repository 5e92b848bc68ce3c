"""Reading questionnaire files: YAML with node marks, so errors name file, line and field."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ._errors import DefinitionError, FileProblem, QuestionnaireFileError, UnknownQuestionnaire
from ._schema import Questionnaire, field_path

SCHEMA = "custodes.questionnaire/1"
SHIPPED_PACKAGE = "custodes"
SHIPPED_FOLDER = ("data", "questionnaires")
SHIPPED_SUFFIX = ".yaml"
MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000

_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")

Location = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader whose bad dates fail as YAML errors carrying the line, not bare ValueErrors."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date {node.value!r} ({error})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class _LineIndex:
    """Line (1-based) of every mapping key and sequence item, by data path."""

    def __init__(self, root: yaml.Node, file: str) -> None:
        self.file = file
        self.lines: dict[Location, int] = {(): root.start_mark.line + 1}
        self._walk(root)

    def _walk(self, root: yaml.Node) -> None:
        stack: list[tuple[yaml.Node, Location]] = [(root, ())]
        visited = 0
        while stack:
            node, location = stack.pop()
            visited += 1
            if visited > MAX_NODES:
                raise QuestionnaireFileError(
                    self.file,
                    node.start_mark.line + 1,
                    None,
                    f"file has more than {MAX_NODES:,} YAML nodes (aliases expanded)",
                )
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        continue
                    key = key_node.value
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        raise QuestionnaireFileError(
                            self.file,
                            line,
                            field_path(*location, key),
                            f"duplicate key {key!r} (first given on line {seen[key]})",
                        )
                    seen[key] = line
                    self.lines[(*location, key)] = line
                    stack.append((value_node, (*location, key)))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    self.lines[(*location, index)] = item.start_mark.line + 1
                    stack.append((item, (*location, index)))

    def field_at(self, line: int) -> str | None:
        """Dotted path of the deepest field that starts on ``line``, if any."""
        here = [location for location, start in self.lines.items() if start == line and location]
        return field_path(*max(here, key=len)) if here else None

    def line_of(self, location: Location) -> int:
        """Line of the deepest part of ``location`` present in the file."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return self.lines[()]


def _clean_location(location: tuple[Any, ...]) -> Location:
    """Drop pydantic's union-member tags (``Predicate``, ``literal['respondents']``)."""
    return tuple(
        part
        for part in location
        if isinstance(part, int) or (isinstance(part, str) and _FIELD_NAME.match(part))
    )


def _parse_path(text: str) -> Location:
    return tuple(int(index) if index else name for index, name in _PATH_TOKEN.findall(text))


def _file_error(file: str, problems: list[FileProblem]) -> QuestionnaireFileError:
    first = problems[0]
    return QuestionnaireFileError(file, first.line, first.field, first.message, tuple(problems))


def _compose(text: str, file: str) -> tuple[Any, _LineIndex]:
    loader = _Loader(text)
    index: _LineIndex | None = None
    try:
        node = loader.get_single_node()
        if node is None:
            raise QuestionnaireFileError(file, None, None, "file is empty")
        index = _LineIndex(node, file)
        return loader.construct_document(node), index
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        field = index.field_at(line) if index is not None and line is not None else None
        raise QuestionnaireFileError(file, line, field, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise QuestionnaireFileError(file, None, None, f"invalid YAML: {error}") from None
    except RecursionError:
        raise QuestionnaireFileError(file, None, None, "YAML is nested too deeply") from None
    finally:
        loader.dispose()


def parse_questionnaire(text: str | bytes, file: str = "<string>") -> Questionnaire:
    """Validate questionnaire YAML; ``file`` is the name used in error messages."""
    if len(text) > MAX_FILE_BYTES:
        raise QuestionnaireFileError(
            file, None, None, f"file is larger than {MAX_FILE_BYTES:,} bytes"
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise QuestionnaireFileError(
                file, None, None, f"file is not UTF-8 (byte {error.start})"
            ) from None
    data, index = _compose(text, file)
    if not isinstance(data, dict):
        raise QuestionnaireFileError(file, index.line_of(()), None, "top level must be a mapping")
    schema = data.pop("schema", None)
    if schema != SCHEMA:
        message = f"expected schema: {SCHEMA}" + ("" if schema is None else f", got {schema!r}")
        raise QuestionnaireFileError(file, index.line_of(("schema",)), "schema", message)
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors(include_url=False):
            location = _clean_location(detail["loc"])
            problems.append(
                FileProblem(index.line_of(location), field_path(*location) or None, detail["msg"])
            )
        raise _file_error(file, problems) from None
    except DefinitionError as error:
        problems = [
            FileProblem(index.line_of(_parse_path(field)), field, message)
            for field, message in error.problems
        ]
        raise _file_error(file, problems) from None


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate the questionnaire file at ``path``."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise QuestionnaireFileError(
            file, None, None, f"cannot read file: {error.strerror}"
        ) from None
    return parse_questionnaire(raw, file)


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
