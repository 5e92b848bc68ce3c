"""Exceptions raised by :mod:`custodes.roster`: one base class, specific subclasses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custodes.roster._model import Body


class RosterError(Exception):
    """Base class of every error this package raises."""


class RosterFileError(RosterError):
    """A roster file cannot be read or is invalid; names the file, line and field."""

    def __init__(self, file: str, line: int | None, field: str | None, problem: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = file if line is None else f"{file}:{line}"
        what = f"{field}: {problem}" if field else problem
        super().__init__(f"{where}: {what}")


class UnknownBody(RosterError):
    """No body matches the text; ``suggestions`` holds up to three close bodies."""

    def __init__(self, query: str, suggestions: Sequence[Body] = ()) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        message = f"no body in the roster matches {query!r}"
        if self.suggestions:
            names = ", ".join(f"{body.name} ({body.code})" for body in self.suggestions)
            message += f"; did you mean: {names}?"
        super().__init__(message)


class AmbiguousBody(RosterError):
    """The text matches more than one body; ``candidates`` lists them."""

    def __init__(self, query: str, candidates: Sequence[Body]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        names = ", ".join(f"{body.name} ({body.code})" for body in self.candidates)
        super().__init__(f"{query!r} matches more than one body: {names}")


class UnknownRecipientList(RosterError):
    """No recipient list has the requested name (and version)."""

    def __init__(self, name: str, version: int | None, available: Sequence[str]) -> None:
        self.name = name
        self.version = version
        wanted = name if version is None else f"{name} version {version}"
        known = ", ".join(available) or "none"
        super().__init__(f"no recipient list {wanted!r} in the roster (available: {known})")
