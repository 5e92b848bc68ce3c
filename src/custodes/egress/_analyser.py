"""Per-packet egress analysis: flow table, DNS name tracking, SNI/Host/signature inspection.

A flow is keyed by ``(local address, remote address, protocol, local port, remote port)`` so
both directions land in the same flow. A flow is attributed to a vendor service by, in order:
a listed network, a name that a DNS answer gave the remote address, then the first outbound
payloads (TLS SNI, HTTP Host, payload signature). DNS packets that ask for or answer a vendor
name are attributed to the service themselves. Everything else a local device sends to a
remote address is counted as "other egress".
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

from custodes.egress._addresses import (
    ADDRESS_LOCAL,
    ADDRESS_REMOTE,
    AddressClasses,
)
from custodes.egress._decode import PROTO_TCP, PROTO_UDP, decode_frame
from custodes.egress._dns import parse_dns
from custodes.egress._http import http_host, looks_like_http_request
from custodes.egress._tls import client_hello_length, client_hello_sni, looks_like_tls
from custodes.egress.devices import DeviceDirectory
from custodes.egress.endpoints import EndpointRules
from custodes.egress.report import DeviceTraffic, ServiceUsage

__all__ = ["EgressAnalyser"]

DNS_PORT = 53
INSPECTED_PAYLOADS = 8  # outbound payloads looked at per flow before giving up
MAX_FLOWS = 1_000_000  # then every flow is folded into the totals and the table restarts
MAX_DNS_NAMES = 1_000_000
MAX_EVIDENCE = 32
MAX_REMOTES_COUNTED = 65_536


class _Flow:
    __slots__ = (
        "device",
        "dns_generation",
        "endpoint",
        "evidence",
        "first",
        "inspections_left",
        "last",
        "octets",
        "packets",
        "proto",
        "remote",
        "remote_port",
        "tls_buffer",
        "tls_next_sequence",
    )

    def __init__(
        self, device: bytes, remote: bytes, proto: int, remote_port: int, timestamp: float
    ) -> None:
        self.device = device
        self.remote = remote
        self.proto = proto
        self.remote_port = remote_port
        self.packets = 0
        self.octets = 0
        self.first = timestamp
        self.last = timestamp
        self.endpoint: int | None = None
        self.evidence = ""
        self.inspections_left = INSPECTED_PAYLOADS
        self.dns_generation = -1
        self.tls_buffer: bytearray | None = None
        self.tls_next_sequence = 0


@dataclass(slots=True)
class _Usage:
    packets: int = 0
    octets: int = 0
    first: float = float("inf")
    last: float = float("-inf")
    evidence: set[str] = field(default_factory=set)

    def add(self, packets: int, octets: int, first: float, last: float, evidence: str) -> None:
        self.packets += packets
        self.octets += octets
        self.first = min(self.first, first)
        self.last = max(self.last, last)
        if evidence and len(self.evidence) < MAX_EVIDENCE:
            self.evidence.add(evidence)


@dataclass(slots=True)
class _OtherEgress:
    packets: int = 0
    octets: int = 0
    remotes: set[bytes] = field(default_factory=set)


def _address_text(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


class EgressAnalyser:
    """Feed it packets (:meth:`feed`); ask for the per-device result (:meth:`devices`)."""

    def __init__(self, rules: EndpointRules, local_networks: Sequence[str] | None = None) -> None:
        self.rules = rules
        self._classes = AddressClasses(local_networks)
        self._flows: dict[tuple[bytes, bytes, int, int, int], _Flow] = {}
        self._dns_names: dict[bytes, tuple[int, str]] = {}
        self._dns_generation = 0
        self._usage: dict[tuple[bytes, int], _Usage] = {}
        self._other: dict[bytes, _OtherEgress] = {}

    def feed(self, timestamp: float, linktype: int, length: int, frame: bytes) -> None:
        """Account for one captured frame (``length`` is its original length on the wire)."""
        decoded = decode_frame(linktype, frame)
        if decoded is None:
            return
        source, destination, proto, source_port, destination_port, payload, sequence = decoded
        classes = self._classes.known
        source_class = classes.get(source)
        if source_class is None:
            source_class = self._classes.classify(source)
        destination_class = classes.get(destination)
        if destination_class is None:
            destination_class = self._classes.classify(destination)
        if (
            proto == PROTO_UDP
            and (source_port == DNS_PORT or destination_port == DNS_PORT)
            and self._dns(
                timestamp, length, source, destination, source_class, destination_class, payload
            )
        ):
            return
        if source_class == ADDRESS_LOCAL and destination_class == ADDRESS_REMOTE:
            key = (source, destination, proto, source_port, destination_port)
            outbound = True
        elif source_class == ADDRESS_REMOTE and destination_class == ADDRESS_LOCAL:
            key = (destination, source, proto, destination_port, source_port)
            outbound = False
        else:
            return
        flow = self._flows.get(key)
        if flow is None:
            flow = self._new_flow(key, timestamp)
        flow.packets += 1
        flow.octets += length
        flow.last = timestamp
        if flow.endpoint is None:
            if flow.dns_generation != self._dns_generation:
                self._match_dns_name(flow)
            if outbound and payload and flow.inspections_left and flow.endpoint is None:
                self._inspect(flow, payload, sequence)

    def _new_flow(self, key: tuple[bytes, bytes, int, int, int], timestamp: float) -> _Flow:
        if len(self._flows) >= MAX_FLOWS:
            self._fold_flows()
        device, remote, proto, _local_port, remote_port = key
        flow = _Flow(device, remote, proto, remote_port, timestamp)
        if self.rules.has_networks:
            endpoint = self.rules.match_address(remote, proto, remote_port)
            if endpoint is not None:
                flow.endpoint = endpoint
                flow.evidence = (
                    f"network:{_address_text(remote)} {_proto_name(proto)}/{remote_port}"
                )
        self._flows[key] = flow
        return flow

    def _match_dns_name(self, flow: _Flow) -> None:
        flow.dns_generation = self._dns_generation
        named = self._dns_names.get(flow.remote)
        if named is not None:
            flow.endpoint, name = named
            flow.evidence = f"dns-address:{name}={_address_text(flow.remote)}"

    def _inspect(self, flow: _Flow, payload: bytes, sequence: int) -> None:
        flow.inspections_left -= 1
        if flow.proto == PROTO_TCP:
            if flow.tls_buffer is not None:
                self._continue_tls(flow, payload, sequence)
                return
            if looks_like_tls(payload):
                self._start_tls(flow, payload, sequence)
                return
            if looks_like_http_request(payload):
                host = http_host(payload)
                if host is not None and self._name_match(flow, host, "http-host"):
                    return
        found = self.rules.match_payload(flow.proto, flow.remote_port, payload)
        if found is not None:
            flow.endpoint, signature = found
            flow.evidence = f"signature:{signature} {_proto_name(flow.proto)}/{flow.remote_port}"

    def _name_match(self, flow: _Flow, name: str, method: str) -> bool:
        endpoint = self.rules.match_name(name)
        if endpoint is None:
            return False
        flow.endpoint = endpoint
        flow.evidence = f"{method}:{name}"
        return True

    def _start_tls(self, flow: _Flow, payload: bytes, sequence: int) -> None:
        needed = client_hello_length(payload)
        if needed is None:
            return
        if len(payload) >= needed:
            self._finish_tls(flow, payload)
            return
        flow.tls_buffer = bytearray(payload)
        flow.tls_next_sequence = (sequence + len(payload)) & 0xFFFFFFFF

    def _continue_tls(self, flow: _Flow, payload: bytes, sequence: int) -> None:
        buffer = flow.tls_buffer
        if buffer is None or sequence != flow.tls_next_sequence:
            return  # retransmission or reordering: wait for the expected segment
        buffer += payload
        flow.tls_next_sequence = (sequence + len(payload)) & 0xFFFFFFFF
        needed = client_hello_length(bytes(buffer[:5]))
        if needed is None:
            flow.tls_buffer = None
        elif len(buffer) >= needed:
            flow.tls_buffer = None
            self._finish_tls(flow, bytes(buffer))

    def _finish_tls(self, flow: _Flow, record: bytes) -> None:
        flow.inspections_left = 0  # the ClientHello is the last useful client payload
        name = client_hello_sni(record)
        if name is not None:
            self._name_match(flow, name, "tls-sni")

    def _dns(
        self,
        timestamp: float,
        length: int,
        source: bytes,
        destination: bytes,
        source_class: int,
        destination_class: int,
        payload: bytes,
    ) -> bool:
        """Track a DNS message; ``True`` when the packet was attributed to a vendor service."""
        message = parse_dns(payload)
        if message is None:
            return False
        match_name = self.rules.match_name
        if not message.is_response:
            if source_class != ADDRESS_LOCAL:
                return False
            for name in message.questions:
                endpoint = match_name(name)
                if endpoint is not None:
                    self._use(
                        source, endpoint, 1, length, timestamp, timestamp, f"dns-query:{name}"
                    )
                    return True
            return False
        asked = message.questions[0] if message.questions else ""
        asked_endpoint = match_name(asked) if asked else None
        attributed: tuple[int, str] | None = None
        for owner, address in message.addresses:
            endpoint = asked_endpoint
            name = asked
            if endpoint is None:
                endpoint, name = match_name(owner), owner
            if endpoint is None:
                continue
            if self._dns_names.get(address) != (endpoint, name):
                if len(self._dns_names) >= MAX_DNS_NAMES:
                    self._dns_names.clear()
                self._dns_names[address] = (endpoint, name)
                self._dns_generation += 1
            attributed = attributed or (endpoint, name)
        if attributed is None and asked_endpoint is not None:
            attributed = (asked_endpoint, asked)
        if attributed is None or destination_class != ADDRESS_LOCAL:
            return False
        self._use(
            destination,
            attributed[0],
            1,
            length,
            timestamp,
            timestamp,
            f"dns-answer:{attributed[1]}",
        )
        return True

    def _use(
        self,
        device: bytes,
        endpoint: int,
        packets: int,
        octets: int,
        first: float,
        last: float,
        evidence: str,
    ) -> None:
        usage = self._usage.get((device, endpoint))
        if usage is None:
            usage = self._usage[(device, endpoint)] = _Usage()
        usage.add(packets, octets, first, last, evidence)

    def _fold_flows(self) -> None:
        """Move every flow's counters into the per-device totals and empty the flow table."""
        for flow in self._flows.values():
            if flow.endpoint is not None:
                self._use(
                    flow.device,
                    flow.endpoint,
                    flow.packets,
                    flow.octets,
                    flow.first,
                    flow.last,
                    flow.evidence,
                )
                continue
            other = self._other.get(flow.device)
            if other is None:
                other = self._other[flow.device] = _OtherEgress()
            other.packets += flow.packets
            other.octets += flow.octets
            if len(other.remotes) < MAX_REMOTES_COUNTED:
                other.remotes.add(flow.remote)
        self._flows.clear()

    def devices(self, directory: DeviceDirectory | None = None) -> list[DeviceTraffic]:
        """The per-device result so far, sorted by address (folds the flow table)."""
        self._fold_flows()
        addresses = set(self._other) | {device for device, _endpoint in self._usage}
        services: dict[bytes, list[ServiceUsage]] = {address: [] for address in addresses}
        for (device, endpoint_index), usage in self._usage.items():
            endpoint = self.rules.endpoints[endpoint_index]
            services[device].append(
                ServiceUsage(
                    service=endpoint.service,
                    vendor=endpoint.vendor,
                    kind=endpoint.kind,
                    evidence=sorted(usage.evidence),
                    first_seen=usage.first,
                    last_seen=usage.last,
                    packets=usage.packets,
                    bytes=usage.octets,
                )
            )
        result = []
        for raw in sorted(addresses, key=lambda item: (len(item), item)):
            other = self._other.get(raw, _OtherEgress())
            text = _address_text(raw)
            record = directory.lookup(text) if directory is not None else None
            result.append(
                DeviceTraffic(
                    device=text,
                    vendor_services=sorted(
                        services[raw], key=lambda usage: (usage.vendor, usage.service)
                    ),
                    other_packets=other.packets,
                    other_bytes=other.octets,
                    other_remote_addresses=len(other.remotes),
                    name=record.name if record else None,
                    manufacturer=record.manufacturer if record else None,
                    owner=record.owner if record else None,
                )
            )
        return result


def _proto_name(proto: int) -> str:
    return {PROTO_TCP: "tcp", PROTO_UDP: "udp"}.get(proto, f"ip-proto-{proto}")
