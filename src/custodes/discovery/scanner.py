"""The scanner: checks scope, probes each host with bounded concurrency, identifies devices."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from custodes.discovery.models import Device, Evidence, Observation
from custodes.discovery.multicast import multicast_discover
from custodes.discovery.naming import Resolver, canonical_names
from custodes.discovery.probes.banner import BANNER_FIELDS, probe_banner
from custodes.discovery.probes.dhip import probe_dhip
from custodes.discovery.probes.http import Endpoint, default_endpoints, probe_http
from custodes.discovery.probes.mdns import probe_mdns
from custodes.discovery.probes.neighbours import oui, read_neighbours
from custodes.discovery.probes.onvif import probe_onvif
from custodes.discovery.probes.rtsp import probe_rtsp
from custodes.discovery.probes.sadp import probe_sadp
from custodes.discovery.probes.snmp import probe_snmp
from custodes.discovery.probes.ssdp import probe_ssdp
from custodes.discovery.rules import RuleSet, default_rules
from custodes.discovery.targets import IPAddress, Scope, expand_targets
from custodes.discovery.transport import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_READ,
    DEFAULT_RATE,
    DEFAULT_TIMEOUT,
    Limits,
    RateLimiter,
    Transport,
)

DEFAULT_PORTS: tuple[int, ...] = (
    21,
    22,
    23,
    80,
    81,
    443,
    554,
    8000,
    8080,
    8443,
    8554,
    34567,
    37777,
)
HTTP_PORTS = frozenset({80, 81, 88, 8080, 8081, 8088, 8888})
HTTPS_PORTS = frozenset({443, 8443})
RTSP_PORTS = frozenset({554, 8554})
VENDOR_PORTS = frozenset({8000, 34567, 37777})
# The evidence "probe" of a maker the knowledge base filled in from a brand, model or MAC.
KNOWLEDGE_PROBE = "knowledge-base"
DEFAULT_HOST_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How to scan: ports, pace, bounds and optional SNMP community."""

    ports: tuple[int, ...] = DEFAULT_PORTS
    rate: float = DEFAULT_RATE
    timeout: float = DEFAULT_TIMEOUT
    max_read: int = DEFAULT_MAX_READ
    concurrency: int = DEFAULT_CONCURRENCY
    host_concurrency: int = DEFAULT_HOST_CONCURRENCY
    community: str | None = None
    port_offset: int = 0
    udp: bool = True
    multicast_interface: str | None = None

    def __post_init__(self) -> None:
        if not self.ports:
            raise ValueError("no ports to scan")
        if max(self.ports) + self.port_offset > 65535 or min(self.ports) + self.port_offset < 1:
            raise ValueError(f"port offset {self.port_offset} moves ports outside 1-65535")
        if self.rate <= 0 or self.timeout <= 0 or self.max_read < 1024:
            raise ValueError("rate and timeout must be positive and max_read at least 1024")
        if self.concurrency < 1 or self.host_concurrency < 1:
            raise ValueError("concurrency limits must be at least 1")
        if self.multicast_interface is not None:
            try:
                ipaddress.IPv4Address(self.multicast_interface)
            except ValueError as exc:
                raise ValueError(
                    f"--multicast needs the IPv4 address of a local interface: {exc}"
                ) from exc


@dataclass(slots=True)
class Scanner:
    """Scans hosts and turns what they say into :class:`Device` records."""

    options: ScanOptions = field(default_factory=ScanOptions)
    rules: RuleSet = field(default_factory=default_rules)
    endpoints: list[Endpoint] = field(default_factory=default_endpoints)
    resolver: Resolver | None = None
    scope: Scope = field(default_factory=Scope)

    def plan(self, targets: Iterable[str]) -> list[IPAddress]:
        """Expand targets and check every address against the scope before anything is sent."""
        addresses = expand_targets(targets)
        self.scope.check(addresses)
        return addresses

    def _transport(self) -> Transport:
        return Transport(
            RateLimiter(self.options.rate),
            Limits(self.options.timeout, self.options.max_read),
            asyncio.Semaphore(self.options.concurrency),
        )

    async def scan(
        self,
        targets: Iterable[str],
        *,
        skip: Iterable[str] = (),
        on_host_done: Callable[[str, Device | None], None] | None = None,
    ) -> AsyncIterator[Device]:
        """Yield each device found, in completion order; hosts in ``skip`` are not probed."""
        addresses = self.plan(targets)
        skipped = set(skip)
        pending = [str(address) for address in addresses if str(address) not in skipped]
        transport = self._transport()
        heard: dict[str, list[Observation]] = {}
        if self.options.multicast_interface:
            heard = await multicast_discover(
                self.options.multicast_interface, self.options.timeout, transport.limiter
            )
        neighbours = read_neighbours()
        hosts = asyncio.Semaphore(self.options.host_concurrency)

        async def one(address: str) -> tuple[str, Device | None]:
            async with hosts:
                device = await self.scan_host(
                    transport, address, neighbours.get(address), heard.get(address, [])
                )
                return address, device

        tasks = [asyncio.create_task(one(address)) for address in pending]
        try:
            for finished in asyncio.as_completed(tasks):
                address, device = await finished
                if on_host_done is not None:
                    on_host_done(address, device)
                if device is not None:
                    yield device
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def scan_host(
        self,
        transport: Transport,
        address: str,
        mac: str | None = None,
        heard: list[Observation] | None = None,
    ) -> Device | None:
        """Probe one host; ``None`` when nothing answered (``heard``: multicast replies)."""
        offset = self.options.port_offset
        ipaddress.ip_address(address)
        checks = await asyncio.gather(
            *(transport.tcp_connects(address, port + offset) for port in self.options.ports)
        )
        open_ports = [
            port for port, is_open in zip(self.options.ports, checks, strict=True) if is_open
        ]
        http_ports = [port for port in open_ports if port in HTTP_PORTS]
        jobs = []
        for port in open_ports:
            wire = port + offset
            if port in HTTPS_PORTS:
                jobs.append(probe_http(transport, address, wire, self.endpoints, tls=True))
            elif port in RTSP_PORTS:
                jobs.append(probe_rtsp(transport, address, wire))
            elif port in BANNER_FIELDS:
                jobs.append(probe_banner(transport, address, wire, port))
            elif port not in VENDOR_PORTS:
                jobs.append(probe_http(transport, address, wire, self.endpoints))
        if self.options.udp:
            jobs.append(probe_onvif(transport, address, [port + offset for port in http_ports]))
            jobs.append(probe_sadp(transport, address))
            jobs.append(probe_dhip(transport, address))
            jobs.append(probe_ssdp(transport, address))
            jobs.append(probe_mdns(transport, address))
            if self.options.community:
                jobs.append(probe_snmp(transport, address, self.options.community))
        observations: list[Observation] = [
            Observation("port", port + offset, "port.open", str(port))
            for port in open_ports
            if port in VENDOR_PORTS
        ]
        observations.extend(heard or ())
        for found in await asyncio.gather(*jobs):
            observations.extend(found)
        if mac:
            observations.append(Observation("neighbour", None, "mac.oui", oui(mac)))
        if not open_ports and not observations:
            return None
        observations = list(dict.fromkeys(observations))
        return self.identify(address, [port + offset for port in open_ports], observations, mac)

    def identify(
        self,
        address: str,
        open_ports: list[int],
        observations: list[Observation],
        mac: str | None = None,
    ) -> Device:
        """Apply the rules and the resolver to one host's observations."""
        identification = self.rules.identify(observations)
        attributes = identification.attributes
        names = canonical_names(
            self.resolver,
            attributes.get("manufacturer"),
            attributes.get("brand"),
            attributes.get("model"),
            attributes.get("device_kind"),
            mac,
        )
        confidence, evidence = identification.confidence, identification.evidence
        if names.inferred is not None:  # the resolver named the maker: say from what and why
            inferred = names.inferred
            evidence = [*evidence, Evidence(KNOWLEDGE_PROBE, None, inferred.value, inferred.reason)]
            confidence = max(confidence, inferred.confidence)
        return Device(
            address=address,
            open_ports=open_ports,
            manufacturer=names.manufacturer,
            brand=names.brand,
            model=attributes.get("model"),
            firmware=attributes.get("firmware"),
            serial=attributes.get("serial"),
            mac=mac,
            device_kind=names.device_kind,
            confidence=confidence,
            evidence=evidence,
            concerns=names.concerns,
            owner=names.owner,
            components=names.components,
        )


def parse_ports(text: str) -> tuple[int, ...]:
    """Parse ``80,443,8000-8010`` into a sorted tuple of distinct ports."""
    ports: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        low_text, _, high_text = part.partition("-")
        try:
            low = int(low_text)
            high = int(high_text) if high_text else low
        except ValueError as exc:
            raise ValueError(f"{part!r} is not a port or port range") from exc
        if not 1 <= low <= high <= 65535:
            raise ValueError(f"{part!r} is outside 1-65535")
        if high - low > 4096:
            raise ValueError(f"{part!r} spans more than 4096 ports")
        ports.update(range(low, high + 1))
    if not ports:
        raise ValueError("no ports given")
    return tuple(sorted(ports))
