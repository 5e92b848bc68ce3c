"""Exception hierarchy of the vendor-intelligence package."""

from __future__ import annotations

from pathlib import Path


class IntelError(Exception):
    """Base class of every error raised by :mod:`custodes.intel`."""


class KnowledgeDataError(IntelError):
    """A knowledge-base data file is missing, malformed or fails its schema."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str):
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        what = f" field '{field}':" if field else ""
        super().__init__(f"{where}:{what} {message}")


class UnknownManufacturerError(IntelError, KeyError):
    """No manufacturer in the knowledge base has this name or alias."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"no manufacturer named or aliased {name!r} in the knowledge base")

    def __str__(self) -> str:
        return str(self.args[0])


class KevImportError(IntelError):
    """A CISA KEV file cannot be read or does not follow CISA's published format."""

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        super().__init__(f"{self.path.name}: {message}")
