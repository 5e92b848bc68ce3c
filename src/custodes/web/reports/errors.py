"""Errors raised while building a report: one base class, specific subclasses."""

from __future__ import annotations

from pathlib import Path

__all__ = ["InvalidAsOf", "ReportAssetMissing", "ReportError", "ReportOutputError"]


class ReportError(Exception):
    """A report could not be built; the message says what and where."""


class InvalidAsOf(ReportError):
    """The cut-off time of a report is not a usable, timezone-aware moment."""


class ReportAssetMissing(ReportError):
    """A file the report is built from (its stylesheet) is not installed."""


class ReportOutputError(ReportError):
    """The report could not be written to its output folder."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot write the report to {path}: {reason}")
