"""Exception hierarchy of :mod:`custodes.egress` (one base class, specific subclasses)."""

from __future__ import annotations

from pathlib import Path

from custodes.datafile import DataFileError

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


class EndpointDataError(EgressError, DataFileError):
    """An endpoint data file is invalid; reads ``FILE:LINE: FIELD: message``."""

    location_style = "colons"


class DeviceFileError(EgressError):
    """A ``--devices`` file (scan result or register export) cannot be read."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")
