"""Exceptions raised by :mod:`custodes.roster`: one base class, specific subclasses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from custodes.datafile import DataFileError

if TYPE_CHECKING:
    from custodes.roster._model import Body


class RosterError(Exception):
    """Base class of every error this package raises."""


class RosterFileError(RosterError, DataFileError):
    """A roster file cannot be read or is invalid; reads ``FILE:LINE: FIELD: problem``."""

    location_style = "colons"

    @property
    def file(self) -> str:
        """The file's name as given (a path, or a label such as ``<roster>``)."""
        return self.label

    @property
    def problem(self) -> str:
        """What is wrong, without the location."""
        return self.message


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
