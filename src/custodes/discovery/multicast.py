"""Multicast discovery: WS-Discovery, SSDP, SADP, DHIP and DNS-SD (mDNS) probes sent on one
chosen interface.

Replies are keyed by source address; the scanner keeps only those from its targets. Datagrams
go out with TTL 1 on the interface given, so they never leave the local link. A reply may call
for a further question (the service types an mDNS responder lists, then each type's
instances): each is asked once, on the group, up to ``MAX_FOLLOW_UPS`` per discovery.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from custodes.discovery.models import Observation
from custodes.discovery.probes import dhip, mdns, onvif, sadp, ssdp
from custodes.discovery.transport import RateLimiter

MAX_DATAGRAMS = 4096
MAX_DATAGRAM_BYTES = 64 * 1024
MAX_FOLLOW_UPS = 32


@dataclass(frozen=True, slots=True)
class MulticastProtocol:
    """One discovery protocol: where to send, what to send, how to read a reply."""

    name: str
    group: str
    port: int
    request: Callable[[], bytes]
    parse: Callable[[bytes, int], list[Observation]]
    follow_ups: Callable[[bytes], dict[str, bytes]] | None = None  # further questions, by key


def _parse_ssdp(data: bytes, port: int) -> list[Observation]:
    observations, _ = ssdp.parse_search_reply(data)
    return observations


def _parse_mdns(data: bytes, port: int) -> list[Observation]:
    return mdns.parse_reply(data)[1]


PROTOCOLS = (
    MulticastProtocol(
        "ws-discovery",
        "239.255.255.250",
        onvif.WS_DISCOVERY_PORT,
        lambda: onvif.build_probe(types=None),
        onvif.parse_probe_matches,
    ),
    MulticastProtocol("ssdp", ssdp.SSDP_GROUP, ssdp.SSDP_PORT, ssdp.build_search, _parse_ssdp),
    MulticastProtocol(
        "sadp", "239.255.255.250", sadp.SADP_PORT, sadp.build_inquiry, sadp.parse_reply
    ),
    MulticastProtocol(
        "dhip", "239.255.255.251", dhip.DHIP_PORT, dhip.search_request, dhip.parse_reply
    ),
    MulticastProtocol(
        "mdns",
        "224.0.0.251",
        mdns.MDNS_PORT,
        lambda: mdns.build_query(mdns.SERVICES_NAME),
        _parse_mdns,
        mdns.instance_questions,
    ),
)


def _socket(interface: str, port: int, group: str) -> socket.socket:
    """A UDP socket that sends on ``interface`` with TTL 1 and hears replies to the group port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    with contextlib.suppress(AttributeError, OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(("", port))
        membership = socket.inet_aton(group) + socket.inet_aton(interface)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    except OSError:
        sock.close()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        sock.bind((interface, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    sock.setblocking(False)
    return sock


class _Collector(asyncio.DatagramProtocol):
    def __init__(
        self,
        protocol: MulticastProtocol,
        found: dict[str, list[Observation]],
        interface: str,
        limiter: RateLimiter | None,
    ) -> None:
        self.protocol = protocol
        self.found = found
        self.interface = interface
        self.limiter = limiter
        self.count = 0
        self.asked: set[str] = set()
        self.sending: set[asyncio.Task[None]] = set()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        self.count += 1
        source = str(addr[0])
        if self.count > MAX_DATAGRAMS or source == self.interface:
            return
        data = data[:MAX_DATAGRAM_BYTES]
        observations = self.protocol.parse(data, self.protocol.port)
        if observations:
            bucket = self.found.setdefault(source, [])
            bucket.extend(item for item in observations if item not in bucket)
        if self.protocol.follow_ups is not None:
            for key, request in self.protocol.follow_ups(data).items():
                if key not in self.asked and len(self.asked) < MAX_FOLLOW_UPS:
                    self.asked.add(key)
                    self.send(request)

    def send(self, request: bytes) -> None:
        """Send ``request`` to the group once the rate limiter allows."""
        task = asyncio.get_running_loop().create_task(self._send(request))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)

    async def _send(self, request: bytes) -> None:
        if self.limiter is not None:
            await self.limiter.acquire()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(request, (self.protocol.group, self.protocol.port))

    def close(self) -> None:
        for task in self.sending:
            task.cancel()
        if self.transport is not None:
            self.transport.close()


async def multicast_discover(
    interface: str, timeout: float = 2.0, limiter: RateLimiter | None = None
) -> dict[str, list[Observation]]:
    """Send each discovery probe once on ``interface``; return observations by source address."""
    socket.inet_aton(interface)
    loop = asyncio.get_running_loop()
    found: dict[str, list[Observation]] = {}
    collectors: list[_Collector] = []
    try:
        for protocol in PROTOCOLS:
            sock = _socket(interface, protocol.port, protocol.group)
            _, collector = await loop.create_datagram_endpoint(
                lambda protocol=protocol: _Collector(protocol, found, interface, limiter),
                sock=sock,
            )
            collectors.append(collector)
            collector.send(protocol.request())
        await asyncio.sleep(timeout)
    finally:
        for collector in collectors:
            collector.close()
    return found
