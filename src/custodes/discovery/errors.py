"""Exception hierarchy of the discovery scanner: one base class, specific subclasses."""

from __future__ import annotations


class DiscoveryError(Exception):
    """Base class of every error raised by ``custodes.discovery``."""


class TargetError(DiscoveryError):
    """A target (address, range or CIDR) could not be parsed or is too large."""


class ScopeError(DiscoveryError):
    """A target lies outside the permitted scope; nothing was sent to it."""


class ScopeFileError(DiscoveryError):
    """A scope file is missing or holds a line that is not an address, range or CIDR."""


class RuleDataError(DiscoveryError):
    """A fingerprint rule file is malformed; the message names file, line and field."""


class LabDataError(DiscoveryError):
    """A lab device profile file is malformed; the message names file, line and field."""


class StateFileError(DiscoveryError):
    """A resume-state file cannot be read or written."""


class UploadError(DiscoveryError):
    """Sending scan results to the server failed."""


class LabError(DiscoveryError):
    """The emulated test lab could not start (address or port unavailable)."""
