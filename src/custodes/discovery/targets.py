"""Targets (address, range ``a.b.c.d-e``, CIDR) and the scope file that permits them.

Loopback (127.0.0.0/8) may always be scanned. Any other address must be covered by a scope
file, which lists one address, range or CIDR per line with ``#`` comments.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from custodes.discovery.errors import ScopeError, ScopeFileError, TargetError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
MAX_TARGETS = 1 << 16
MAX_SCOPE_LINES = 10_000


@dataclass(frozen=True, slots=True)
class AddressSpan:
    """An inclusive span of addresses, as written in a target list or scope file."""

    first: IPAddress
    last: IPAddress

    @property
    def size(self) -> int:
        """Number of addresses in the span."""
        return int(self.last) - int(self.first) + 1

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return False
        return address.version == self.first.version and int(self.first) <= int(address) <= int(
            self.last
        )

    def addresses(self) -> Iterator[IPAddress]:
        """Every address of the span, in order."""
        for value in range(int(self.first), int(self.last) + 1):
            yield (
                ipaddress.ip_address(value)
                if self.first.version == 4
                else ipaddress.IPv6Address(value)
            )


def parse_span(text: str) -> AddressSpan:
    """Parse ``a.b.c.d``, ``a.b.c.d-e``, ``a.b.c.d-w.x.y.z`` or a CIDR into a span."""
    text = text.strip()
    if not text:
        raise TargetError("empty target")
    try:
        if "/" in text:
            network = ipaddress.ip_network(text, strict=False)
            return AddressSpan(network[0], network[-1])
        if "-" in text:
            start_text, end_text = text.split("-", 1)
            first = ipaddress.ip_address(start_text.strip())
            end_text = end_text.strip()
            if end_text.isdigit() and first.version == 4:
                octets = str(first).split(".")
                last = ipaddress.ip_address(".".join([*octets[:3], end_text]))
            else:
                last = ipaddress.ip_address(end_text)
            if last.version != first.version or int(last) < int(first):
                raise TargetError(f"range {text!r} ends before it starts")
            return AddressSpan(first, last)
        address = ipaddress.ip_address(text)
    except ValueError as exc:
        raise TargetError(f"target {text!r} is not an address, range or CIDR: {exc}") from exc
    return AddressSpan(address, address)


def expand_targets(texts: Iterable[str], limit: int = MAX_TARGETS) -> list[IPAddress]:
    """Expand target texts into distinct addresses in order, refusing more than ``limit``."""
    seen: set[IPAddress] = set()
    result: list[IPAddress] = []
    for text in texts:
        span = parse_span(text)
        if len(result) + span.size > limit:
            raise TargetError(f"target list exceeds {limit} addresses at {text!r}")
        for address in span.addresses():
            if address not in seen:
                seen.add(address)
                result.append(address)
    return result


@dataclass(frozen=True, slots=True)
class Scope:
    """The address spans a scan may touch besides loopback."""

    spans: tuple[AddressSpan, ...] = ()
    origin: str = "built-in (loopback only)"

    def permits(self, address: IPAddress) -> bool:
        """True when the address is loopback or inside a listed span."""
        if address.version == 4 and address in LOOPBACK:
            return True
        if address.version == 6 and address == ipaddress.IPv6Address("::1"):
            return True
        return any(address in span for span in self.spans)

    def check(self, addresses: Iterable[IPAddress]) -> None:
        """Raise :class:`ScopeError` naming the first address this scope does not permit."""
        refused = [address for address in addresses if not self.permits(address)]
        if refused:
            shown = ", ".join(str(address) for address in refused[:5])
            more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
            raise ScopeError(
                f"refusing to scan {shown}{more}: outside 127.0.0.0/8 and not listed in the "
                f"scope ({self.origin}); add it to a scope file passed with --scope"
            )


def load_scope(path: Path) -> Scope:
    """Read a scope file: one address, range or CIDR per line, ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScopeFileError(f"cannot read scope file {path}: {exc}") from exc
    spans: list[AddressSpan] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if number > MAX_SCOPE_LINES:
            raise ScopeFileError(f"{path}: more than {MAX_SCOPE_LINES} lines")
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            spans.append(parse_span(line))
        except TargetError as exc:
            raise ScopeFileError(f"{path}, line {number}: {exc}") from exc
    return Scope(tuple(spans), origin=str(path))
