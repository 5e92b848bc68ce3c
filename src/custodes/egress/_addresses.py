"""Which addresses in a capture are local devices, remote endpoints, or neither."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

__all__ = [
    "ADDRESS_IGNORED",
    "ADDRESS_LOCAL",
    "ADDRESS_REMOTE",
    "DEFAULT_LOCAL_NETWORKS",
    "AddressClasses",
]

DEFAULT_LOCAL_NETWORKS = (
    "10.0.0.0/8",  # RFC 1918
    "172.16.0.0/12",  # RFC 1918
    "192.168.0.0/16",  # RFC 1918
    "100.64.0.0/10",  # RFC 6598 shared address space (CGNAT)
    "169.254.0.0/16",  # RFC 3927 link-local
    "fc00::/7",  # RFC 4193 unique local
    "fe80::/10",  # RFC 4291 link-local
)
ADDRESS_LOCAL = 0
ADDRESS_REMOTE = 1
ADDRESS_IGNORED = 2  # multicast, broadcast, unspecified, loopback: neither a device nor a cloud
MAX_ADDRESS_CACHE = 1_000_000
_BROADCAST = b"\xff\xff\xff\xff"


class AddressClasses:
    """The class of each raw address (4 or 16 bytes): multicast, broadcast and unspecified are
    ignored; an address in the local networks is local (loopback too, when a network given
    holds it); any other loopback is ignored, the rest remote. ``known`` caches the answers for
    callers on a hot path; it is emptied when it grows past ``MAX_ADDRESS_CACHE``.

    Raises ``ValueError`` for a local network that is not CIDR notation.
    """

    def __init__(self, local_networks: Sequence[str] | None = None) -> None:
        self.networks = [
            ipaddress.ip_network(text, strict=False)
            for text in (local_networks or DEFAULT_LOCAL_NETWORKS)
        ]
        self.known: dict[bytes, int] = {}

    def classify(self, raw: bytes) -> int:
        """The class of ``raw``, worked out and remembered."""
        address = ipaddress.ip_address(raw)
        if address.is_multicast or address.is_unspecified or raw == _BROADCAST:
            kind = ADDRESS_IGNORED
        elif any(address in network for network in self.networks):
            kind = ADDRESS_LOCAL
        elif address.is_loopback:
            kind = ADDRESS_IGNORED
        else:
            kind = ADDRESS_REMOTE
        if len(self.known) >= MAX_ADDRESS_CACHE:
            self.known.clear()
        self.known[raw] = kind
        return kind
