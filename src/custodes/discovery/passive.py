"""Passive identification: what each local device said about itself in packet captures.

Nothing is sent. The captures (pcap or pcapng, read by the egress package's streaming reader:
a truncated or corrupt part becomes a problem, never a crash) are read for what each device on
a local network sent, recorded as the scanner records it, so the same rules identify it:

* its MAC address, from the Ethernet frames it sent: kept only when the address was seen with
  one MAC, and never a router's (a MAC that also sent packets from a remote address, or from
  more than ``MAX_ADDRESSES_PER_MAC`` local IPv4 addresses). Addresses with the same MAC are
  one device (a DHCP lease replacing a default address, IPv6 beside IPv4), reported at the
  IPv4 address it used last;
* HTTP and RTSP replies it sent (Server, realm, page title, header case, RTSP Public and SDP
  session name, UPnP description documents, ONVIF GetDeviceInformation answers), TCP segments
  put back in order; paired with the requests that asked for them (only where a request of the
  connection was seen before its first reply: a connection caught half-way is not paired), a
  favicon's hash and the fields of a 200 reply to one of the vendor endpoints the HTTP probe
  knows (e.g. the model, firmware and serial a VMS reads from a camera);
* the greeting it sent from port 21, 22 or 23 (FTP, SSH, telnet): the first segment;
* the subject and issuer of the certificate it served in a TLS handshake (up to TLS 1.2, which
  sends it in clear; TLS 1.3 encrypts it);
* its SSDP announcements and search replies (SERVER), DNS-SD answers over mDNS, WS-Discovery
  ProbeMatches and Hello announcements, Hikvision SADP and Dahua DHIP replies.

A reply counts from the segment that starts it (``HTTP/1.x``, ``RTSP/1.0`` or a TLS
ServerHello); the one segment of a connection seen last before that start is kept for it, so two
segments swapped on the way are put back. A reply whose start was not captured, or arrived after
two or more of its later segments, is not read.
Memory is bounded: at most ``MAX_STREAMS`` replies are followed at once, ``MAX_STREAM_BYTES`` of
each, ``MAX_REQUESTS`` requests remembered per connection, and ``MAX_OBSERVATIONS`` kept per
device.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from custodes.discovery.models import Observation
from custodes.discovery.probes import dhip, mdns, onvif, sadp, ssdp
from custodes.discovery.probes.banner import BANNER_FIELDS, clean_banner
from custodes.discovery.probes.http import (
    Endpoint,
    default_endpoints,
    extract_fields,
    header_observations,
)
from custodes.discovery.probes.httpwire import Response, content_length, parse_response
from custodes.discovery.probes.rtsp import reply_observations
from custodes.discovery.probes.x509 import describe_certificate
from custodes.discovery.probes.xmlutil import parse_xml
from custodes.egress import (
    ADDRESS_IGNORED,
    ADDRESS_LOCAL,
    ADDRESS_REMOTE,
    LINKTYPE_ETHERNET,
    PROTO_TCP,
    PROTO_UDP,
    AddressClasses,
    CaptureProblem,
    decode_frame,
    read_captures,
)

PROBE = "capture"
MAX_STREAMS = 4096
MAX_STREAM_BYTES = 64 * 1024
MAX_OBSERVATIONS = 256
MAX_DEVICES = 65536
MAX_ADDRESSES_PER_MAC = 4
MAX_ROUTERS = 4096
_REPLY_STARTS = (b"HTTP/1.0 ", b"HTTP/1.1 ", b"RTSP/1.0 ")
_RESPONSE_START = re.compile(rb"(?:\A|\r\n)((?:HTTP|RTSP)/1\.[01] \d{3}[ \r])")
_STATUS_LINE = re.compile(rb"(?:HTTP|RTSP)/1\.[01] \d{3}[ \r]")
_REQUEST_STARTS = (b"GET ", b"POST ", b"HEAD ")
_REQUEST_LINE = re.compile(rb"(?:\A|\r\n)(GET|POST|HEAD) (/[\x21-\x7e]{0,2047}) HTTP/1\.[01]\r\n")
MAX_REQUESTS = 64  # per connection
_FAVICON = "/favicon.ico"
_DEVICE_INFORMATION = b"GetDeviceInformationResponse"
_UPNP_DESCRIPTION = b"urn:schemas-upnp-org:device-1-0"
_SEQUENCE_SPACE = 1 << 32
_TLS_HANDSHAKE = 22
_SERVER_HELLO = 2
_CERTIFICATE = 11

_DatagramParser = Callable[[bytes, int], list[Observation]]
# What a device sends from (or, for SSDP, to) these UDP ports, read as the scanner reads it.
_DATAGRAMS: dict[int, _DatagramParser] = {
    mdns.MDNS_PORT: lambda data, port: mdns.parse_reply(data)[1],
    ssdp.SSDP_PORT: lambda data, port: ssdp.parse_announcement(data),
    onvif.WS_DISCOVERY_PORT: onvif.parse_probe_matches,
    sadp.SADP_PORT: sadp.parse_reply,
    dhip.DHIP_PORT: dhip.parse_reply,
}


class CaptureInputError(ValueError):
    """A local network that is not valid CIDR notation."""


@dataclass(slots=True)
class Sighting:
    """One local device as the captures showed it: its address, MAC and what it sent."""

    address: str
    mac: str | None
    serving_ports: list[int]
    observations: list[Observation]


@dataclass(slots=True)
class PassiveResult:
    """Every device sighted, with the capture problems met and the packets read."""

    sightings: list[Sighting]
    problems: list[CaptureProblem] = field(default_factory=list)
    packets_read: int = 0


@dataclass(slots=True)
class _Stream:
    """The segments of one reply stream, by offset from its first byte."""

    first_sequence: int
    paired: bool = False  # its connection's requests were seen before its first reply
    segments: dict[int, bytes] = field(default_factory=dict)
    size: int = 0

    def add(self, sequence: int, payload: bytes) -> None:
        offset = (sequence - self.first_sequence) % _SEQUENCE_SPACE
        if offset < MAX_STREAM_BYTES and offset not in self.segments:
            room = MAX_STREAM_BYTES - self.size
            if room > 0:
                self.segments[offset] = payload[:room]
                self.size += len(self.segments[offset])

    def data(self) -> bytes:
        """The bytes from the start up to the first gap; overlaps kept once."""
        joined = bytearray()
        for offset in sorted(self.segments):
            if offset > len(joined):
                break
            joined += self.segments[offset][len(joined) - offset :]
        return bytes(joined)


class PassiveObserver:
    """Feed it captured frames (:meth:`feed`); ask for the devices sighted (:meth:`sightings`)."""

    def __init__(self, local_networks: Sequence[str] | None = None) -> None:
        try:
            self._classes = AddressClasses(local_networks)
        except ValueError as exc:
            raise CaptureInputError(f"invalid local network: {exc}") from exc
        self._found: dict[bytes, dict[Observation, None]] = {}
        self._macs: dict[bytes, set[bytes]] = {}
        self._ipv4_of_mac: dict[bytes, set[bytes]] = {}
        self._last_ipv4: dict[bytes, bytes] = {}
        self._routers: set[bytes] = set()
        self._streams: dict[tuple[bytes, int, bytes, int], _Stream] = {}
        self._held: dict[tuple[bytes, int, bytes, int], tuple[int, bytes]] = {}
        # (server, server port, client, client port) -> the requests it was sent, in order
        self._requests: dict[tuple[bytes, int, bytes, int], list[tuple[str, str]]] = {}
        self._serving: dict[bytes, set[int]] = {}

    def _classify(self, raw: bytes) -> int:
        """The address's class; a local one is a device, up to ``MAX_DEVICES`` of them."""
        kind = self._classes.known.get(raw)
        if kind is None:
            kind = self._classes.classify(raw)
        if kind == ADDRESS_LOCAL and raw not in self._found:
            if len(self._found) >= MAX_DEVICES:
                return ADDRESS_IGNORED
            self._found[raw] = {}
        return kind

    def feed(self, linktype: int, frame: bytes) -> None:
        """Take what one captured frame says about the local device that sent it."""
        decoded = decode_frame(linktype, frame)
        if decoded is None:
            return
        source, destination, proto, source_port, destination_port, payload, sequence = decoded
        kind = self._classify(source)
        if proto == PROTO_TCP and payload.startswith(_REQUEST_STARTS) and kind != ADDRESS_IGNORED:
            self._note_requests(destination, destination_port, source, source_port, payload)
        mac = frame[6:12] if linktype == LINKTYPE_ETHERNET and not frame[6] & 1 else None
        if kind == ADDRESS_REMOTE and mac is not None and len(self._routers) < MAX_ROUTERS:
            self._routers.add(mac)
        if kind != ADDRESS_LOCAL:
            return
        if mac is not None:
            self._note_mac(source, mac)
        if proto == PROTO_UDP and payload:
            parse = _DATAGRAMS.get(source_port) or (
                _DATAGRAMS[ssdp.SSDP_PORT] if destination_port == ssdp.SSDP_PORT else None
            )
            if parse is not None:
                self._add(source, parse(payload, source_port))
        elif proto == PROTO_TCP and payload:
            key = (source, source_port, destination, destination_port)
            stream = self._streams.get(key)
            if stream is None:
                if not (
                    payload.startswith(_REPLY_STARTS)
                    or source_port in BANNER_FIELDS
                    or _server_hello(payload)
                ):
                    self._hold(key, sequence, payload)
                    return
                if len(self._streams) >= MAX_STREAMS:
                    self._close_streams(len(self._streams) // 2)
                stream = self._streams[key] = _Stream(sequence, bool(self._requests.get(key)))
                stream.add(sequence, payload)
                held = self._held.pop(key, None)
                if held is not None:  # a later segment that came first
                    stream.add(*held)
                return
            stream.add(sequence, payload)

    def _hold(self, key: tuple[bytes, int, bytes, int], sequence: int, payload: bytes) -> None:
        """Keep the latest segment of a connection no reply has started on, in case it belongs
        after a reply's first segment that is still to come (two segments swapped on the way)."""
        if key not in self._held and len(self._held) >= MAX_STREAMS:
            for stale in list(self._held)[: MAX_STREAMS // 2]:
                del self._held[stale]
        self._held[key] = (sequence, payload[:MAX_STREAM_BYTES])

    def _note_requests(
        self, server: bytes, server_port: int, client: bytes, client_port: int, payload: bytes
    ) -> None:
        """Remember what a local server was asked, to pair with its replies."""
        if self._classify(server) != ADDRESS_LOCAL:
            return
        key = (server, server_port, client, client_port)
        asked = self._requests.get(key)
        if asked is None:
            if len(self._requests) >= MAX_STREAMS:
                for stale in list(self._requests)[: MAX_STREAMS // 2]:
                    del self._requests[stale]
            asked = self._requests[key] = []
        for match in _REQUEST_LINE.finditer(payload):
            if len(asked) < MAX_REQUESTS:
                asked.append((match.group(1).decode(), match.group(2).decode()))

    def _note_mac(self, source: bytes, mac: bytes) -> None:
        macs = self._macs.setdefault(source, set())
        if len(macs) < 2:
            macs.add(mac)
        if len(source) == 4:
            self._last_ipv4[mac] = source
            addresses = self._ipv4_of_mac.setdefault(mac, set())
            if len(addresses) <= MAX_ADDRESSES_PER_MAC:
                addresses.add(source)

    def _add(self, source: bytes, observations: Iterable[Observation]) -> None:
        found = self._found[source]
        for observation in observations:
            if len(found) >= MAX_OBSERVATIONS:
                return
            found.setdefault(replace(observation, probe=PROBE), None)

    def _close_streams(self, count: int | None = None) -> None:
        """Read the oldest ``count`` streams (all by default) and forget them."""
        for key in list(self._streams)[:count]:
            stream = self._streams.pop(key)
            source, port = key[0], key[1]
            asked = self._requests.pop(key, [])
            found = list(_stream_observations(stream, port, asked if stream.paired else []))
            if found:
                self._serving.setdefault(source, set()).add(port)
                self._add(source, found)

    def _own_mac(self, raw: bytes) -> bytes | None:
        """The MAC of the device at ``raw``: its only one, and not a router's."""
        macs = self._macs.get(raw, set())
        mac = next(iter(macs)) if len(macs) == 1 else None
        if mac is None or mac in self._routers:
            return None
        if len(self._ipv4_of_mac.get(mac, ())) > MAX_ADDRESSES_PER_MAC:
            return None
        return mac

    def sightings(self) -> list[Sighting]:
        """Each local device that said something, or whose MAC is its own, in address order."""
        self._close_streams()
        by_device: dict[tuple[bytes | None, bytes], list[bytes]] = {}  # (MAC, address) keys
        for raw in self._found:
            mac = self._own_mac(raw)
            by_device.setdefault((mac, b"") if mac else (None, raw), []).append(raw)
        result = []
        for (mac, _), addresses in by_device.items():
            observations = list(
                dict.fromkeys(item for raw in addresses for item in self._found[raw])
            )[:MAX_OBSERVATIONS]
            if mac is None and not observations:
                continue
            address = self._last_ipv4.get(mac, addresses[0]) if mac else addresses[0]
            ports = {port for raw in addresses for port in self._serving.get(raw, ())}
            result.append(
                Sighting(
                    str(ipaddress.ip_address(address)),
                    ":".join(f"{byte:02X}" for byte in mac) if mac else None,
                    sorted(ports),
                    observations,
                )
            )
        return sorted(result, key=lambda item: _address_order(item.address))


def _address_order(text: str) -> tuple[int, int]:
    address = ipaddress.ip_address(text)
    return address.version, int(address)


def _stream_observations(
    stream: _Stream, port: int, requests: Sequence[tuple[str, str]]
) -> Iterable[Observation]:
    """Observations from one stream a device sent: its replies (paired with ``requests``, the
    method and path of each request it was sent, in order), or its greeting."""
    data = stream.data()
    if _server_hello(data):
        described = describe_certificate(_served_certificate(data) or b"")
        if described is not None:
            yield Observation(PROBE, port, "tls.subject", described.subject)
            yield Observation(PROBE, port, "tls.issuer", described.issuer)
        return
    if not data.startswith(_REPLY_STARTS):
        if port not in BANNER_FIELDS:
            return
        greeting = _greeting(stream.segments.get(0, b""), port)
        if greeting:
            yield Observation(PROBE, port, BANNER_FIELDS[port], greeting)
        return
    yield from stream_replies(data, port, requests)


def stream_replies(
    data: bytes, port: int | None, requests: Sequence[tuple[str, str]] = ()
) -> Iterator[Observation]:
    """Observations from the HTTP and RTSP replies in one TCP stream a device sent; the n-th
    reply answers the n-th of ``requests`` (HTTP/1.1 answers in order), when they are known."""
    for index, reply in enumerate(_split_replies(data, requests)):
        response = parse_response(reply)
        if response is None:
            continue
        if response.protocol == "RTSP":
            yield from reply_observations(response, port)
            continue
        yield from header_observations(PROBE, port, response)
        title = response.title()
        if title:
            yield Observation(PROBE, port, "http.title", title)
        body = response.body
        if _UPNP_DESCRIPTION in body:
            yield from ssdp.parse_description(body, port)
        if _DEVICE_INFORMATION in body:
            root = parse_xml(body)
            if root is not None:
                yield from onvif.device_information_fields(root, port)
        if index < len(requests) and response.status == 200 and body:
            yield from _answer_observations(requests[index], response, port)


def _split_replies(data: bytes, requests: Sequence[tuple[str, str]]) -> Iterator[bytes]:
    """Each reply in a stream, in order. A reply with a Content-Length ends where its body does
    (the next one may follow at once); any other ends where the next reply starts."""
    at = 0
    for index in range(MAX_REQUESTS * 4):
        match = _STATUS_LINE.match(data, at) or _RESPONSE_START.search(data, at)
        if match is None:
            return
        start = match.start(match.lastindex or 0)
        head_end = data.find(b"\r\n\r\n", start)
        length = _body_length(data[start:head_end], requests, index) if head_end >= 0 else None
        if length is None:
            following = _RESPONSE_START.search(data, start + 1)
            end = following.start(1) if following else len(data)
        else:
            end = head_end + 4 + length
        yield data[start:end]
        at = max(end, start + 1)


def _body_length(head: bytes, requests: Sequence[tuple[str, str]], index: int) -> int | None:
    """The length of a reply's body from its head: none after HEAD and for 1xx, 204 and 304;
    else its Content-Length; ``None`` when the head does not say (chunked, or to the close)."""
    status = int(head[9:12]) if head[9:12].isdigit() else 0
    if (
        status < 200
        or status in (204, 304)
        or (index < len(requests) and requests[index][0] == "HEAD")
    ):
        return 0
    return content_length(head)


def _answer_observations(
    request: tuple[str, str], response: Response, port: int | None
) -> list[Observation]:
    """What a whole 200 reply to a known request shows: a favicon's MD5, or the fields of a
    vendor endpoint's reply."""
    method, path = request
    if not response.complete:
        return []  # cut short in the capture: its hash or fields would be wrong
    if method == "GET" and path == _FAVICON:
        digest = hashlib.md5(response.body, usedforsecurity=False).hexdigest()
        return [Observation(PROBE, port, "http.favicon_md5", digest)]
    endpoint = _endpoints().get((method, path))
    if endpoint is None or not endpoint.extract:
        return []
    return extract_fields(endpoint, response.body, PROBE, port)


@functools.cache
def _endpoints() -> dict[tuple[str, str], Endpoint]:
    """The HTTP probe's vendor endpoints by method and path."""
    return {(endpoint.method, endpoint.path): endpoint for endpoint in default_endpoints()}


def _server_hello(data: bytes) -> bool:
    """Whether ``data`` starts with a TLS handshake record carrying a ServerHello."""
    return len(data) > 5 and data[0] == _TLS_HANDSHAKE and data[1] == 3 and data[5] == _SERVER_HELLO


def _served_certificate(data: bytes) -> bytes | None:
    """The first certificate (DER) of the Certificate message in a server's handshake records."""
    handshake = bytearray()
    at = 0
    while at + 5 <= len(data) and data[at] == _TLS_HANDSHAKE:
        length = int.from_bytes(data[at + 3 : at + 5], "big")
        handshake += data[at + 5 : at + 5 + length]
        at += 5 + length
    at = 0
    while at + 4 <= len(handshake):
        kind, length = handshake[at], int.from_bytes(handshake[at + 1 : at + 4], "big")
        body = handshake[at + 4 : at + 4 + length]
        if kind == _CERTIFICATE:
            first = int.from_bytes(body[3:6], "big") if len(body) >= 6 else 0
            der = bytes(body[6 : 6 + first])
            return der if first and len(der) == first else None
        at += 4 + length
    return None


def _greeting(first: bytes, port: int) -> str | None:
    """The greeting of an FTP (``220``), SSH (``SSH-``) or telnet server: the first segment it
    sent, as the banner probe reads it; ``None`` when the capture began after the greeting."""
    if port == 22:
        first = first.split(b"\n", 1)[0]
    text = clean_banner(first)[:512]
    if (port == 21 and not text.startswith("220")) or (port == 22 and not text.startswith("SSH-")):
        return None
    return text or None


def observe_captures(
    paths: Sequence[Path],
    local_networks: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PassiveResult:
    """The local devices sighted in ``paths``, read in order.

    ``local_networks`` (CIDR strings) replaces the egress defaults (RFC 1918, CGNAT, link-local
    and unique-local ranges); ``progress`` is called with the capture bytes read so far.
    Raises :class:`CaptureInputError` for a local network that is not CIDR notation.
    """
    observer = PassiveObserver(local_networks)
    result = PassiveResult([])
    for _, linktype, _, frame in read_captures(paths, result.problems, progress):
        result.packets_read += 1
        observer.feed(linktype, frame)
    result.sightings = observer.sightings()
    return result
