"""Exceptions raised by :mod:`custodes.findings` (one base class, specific subclasses)."""


class FindingsError(Exception):
    """Base class for every error raised by the findings package."""


class NaiveDatetimeError(FindingsError, ValueError):
    """A timestamp without a timezone was given where an aware one is required."""


class InvalidRoundError(FindingsError, ValueError):
    """Round data is inconsistent (duplicate codes, wrong event types, ...)."""


class InvalidFindingSpecError(FindingsError, ValueError):
    """A finding definition cannot be evaluated (for example an unknown denominator kind)."""
