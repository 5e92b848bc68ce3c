"""Exceptions raised by :mod:`custodes.sat`."""

from __future__ import annotations

from custodes.datafile import DataFileError


class SatError(Exception):
    """Base class of every error this package raises."""


class FrameworkFileError(SatError, DataFileError):
    """A framework or certification file cannot be read or is invalid (file, line, field)."""


class UnknownFramework(SatError):
    """No shipped framework has the requested id."""

    def __init__(self, framework: str, available: list[str]) -> None:
        self.framework = framework
        self.available = available
        super().__init__(f"no framework {framework!r} (shipped: {', '.join(available) or 'none'})")
