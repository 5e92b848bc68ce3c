"""Exception hierarchy of the vendor-intelligence package."""

from __future__ import annotations

from pathlib import Path

from custodes.datafile import DataFileError


class IntelError(Exception):
    """Base class of every error raised by :mod:`custodes.intel`."""


class KnowledgeDataError(IntelError, DataFileError):
    """A knowledge-base data file is missing, malformed or fails its schema.

    ``path``, ``line``, ``field`` and ``message`` locate the problem; ``str()`` reads
    ``FILE:LINE: FIELD: message``.
    """

    location_style = "colons"


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
