"""Exception hierarchy of :mod:`custodes.egress` (one base class, specific subclasses)."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CaptureFormatError",
    "DeviceFileError",
    "EgressError",
    "EndpointDataError",
]


class EgressError(Exception):
    """Base class of every error raised by the egress package."""


class CaptureFormatError(EgressError):
    """A capture file is not pcap/pcapng, or is corrupt at ``offset`` (bytes from its start)."""

    def __init__(self, path: Path | str, offset: int, message: str) -> None:
        self.path = Path(path)
        self.offset = offset
        self.message = message
        super().__init__(f"{path}: offset {offset}: {message}")


class EndpointDataError(EgressError):
    """An endpoint data file is invalid; names the file, line and field."""

    def __init__(self, path: Path | str, line: int, field: str, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{path}:{line}: field {field!r}: {message}")


class DeviceFileError(EgressError):
    """A ``--devices`` file (scan result or register export) cannot be read."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")
