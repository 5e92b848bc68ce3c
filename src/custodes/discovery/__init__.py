"""Verify on the wire: find surveillance devices on a body's own network and identify their maker.

Pure Python (asyncio), no Django. Every probe is read-only and unauthenticated; targets outside
127.0.0.0/8 are refused unless a scope file lists them.
"""

from custodes.discovery.errors import (
    DiscoveryError,
    LabDataError,
    LabError,
    RuleDataError,
    ScopeError,
    ScopeFileError,
    StateFileError,
    TargetError,
    UploadError,
)
from custodes.discovery.models import Device, Evidence, Observation
from custodes.discovery.rules import Identification, Rule, RuleSet, default_rules
from custodes.discovery.scanner import DEFAULT_PORTS, Scanner, ScanOptions, parse_ports
from custodes.discovery.state import ScanState
from custodes.discovery.targets import Scope, expand_targets, load_scope, parse_span
from custodes.discovery.upload import upload_payload, upload_results

__all__ = [
    "DEFAULT_PORTS",
    "Device",
    "DiscoveryError",
    "Evidence",
    "Identification",
    "LabDataError",
    "LabError",
    "Observation",
    "Rule",
    "RuleDataError",
    "RuleSet",
    "ScanOptions",
    "ScanState",
    "Scanner",
    "Scope",
    "ScopeError",
    "ScopeFileError",
    "StateFileError",
    "TargetError",
    "UploadError",
    "default_rules",
    "expand_targets",
    "load_scope",
    "parse_ports",
    "parse_span",
    "upload_payload",
    "upload_results",
]
