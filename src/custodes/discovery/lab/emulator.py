"""The test lab: emulated devices served on loopback addresses, recording every request."""

from __future__ import annotations

import asyncio
import contextlib
import http
import ipaddress
import os
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from html import escape
from pathlib import Path
from typing import Any, cast

from custodes.discovery.errors import LabError
from custodes.discovery.lab.profiles import (
    Behaviour,
    DeviceProfile,
    HttpService,
    RtspService,
    load_certificates,
    load_profiles,
)
from custodes.discovery.lab.replies import (
    dhip_reply,
    mdns_reply,
    probe_matches,
    sadp_reply,
    snmp_reply,
    soap_reply,
    ssdp_description,
    ssdp_reply,
)

DEFAULT_BASE = "127.0.10.0"
MAX_REQUEST = 64 * 1024
REQUEST_TIMEOUT = 5.0
HOLD_SECONDS = 30.0
SLOW_BYTES = 200
OVERSIZED_BYTES = 8 * 1024 * 1024
UDP_PORTS = {"wsd": 3702, "sadp": 37020, "dhip": 37810, "ssdp": 1900, "mdns": 5353, "snmp": 161}
MULTICAST_GROUPS = {
    "wsd": "239.255.255.250",
    "sadp": "239.255.255.250",
    "dhip": "239.255.255.251",
    "ssdp": "239.255.255.250",
    "mdns": "224.0.0.251",
    "snmp": "239.255.255.250",
}
DEVICE_SERVICE = "/onvif/device_service"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """Everything a lab device received: who, which protocol and port, and the raw bytes."""

    device: str
    protocol: str
    port: int
    data: bytes


@dataclass(frozen=True, slots=True)
class LabDevice:
    """A running emulated device."""

    address: str
    profile: DeviceProfile


class Lab:
    """Emulated devices on ``base + 1``, ``base + 2``, ... (asyncio; use ``async with``)."""

    def __init__(
        self,
        base: str = DEFAULT_BASE,
        port_offset: int = 0,
        profiles: list[DeviceProfile] | None = None,
        multicast_interface: str | None = None,
    ) -> None:
        first = ipaddress.ip_address(base)
        if first.version != 4 or first not in ipaddress.ip_network("127.0.0.0/8"):
            raise LabError(f"lab base {base} must be an IPv4 loopback address (127.0.0.0/8)")
        self.port_offset = port_offset
        self.profiles = profiles if profiles is not None else load_profiles()
        self.multicast_interface = multicast_interface
        if multicast_interface is not None and len(self.profiles) != 1:
            raise LabError("a multicast lab serves exactly one device per interface")
        self.devices = [
            LabDevice(str(first + index), profile)
            for index, profile in enumerate(self.profiles, start=1)
        ]
        self.requests: list[RecordedRequest] = []
        self._servers: list[asyncio.Server] = []
        self._datagrams: list[asyncio.DatagramTransport] = []
        self._handlers: set[asyncio.Task[Any]] = set()
        self._certificate_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def addresses(self) -> list[str]:
        """Addresses of every device, in profile order."""
        return [device.address for device in self.devices]

    def address_of(self, name: str) -> str:
        """Address of the device called ``name``."""
        for device in self.devices:
            if device.profile.name == name:
                return device.address
        raise LabError(f"no lab device called {name!r}")

    async def __aenter__(self) -> Lab:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Bind every service of every device; :class:`LabError` names what could not bind."""
        try:
            for device in self.devices:
                await self._start_device(device)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Close every server, datagram endpoint and open connection."""
        for server in self._servers:
            server.close()
        for transport in self._datagrams:
            transport.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._servers.clear()
        self._datagrams.clear()
        if self._certificate_dir is not None:
            self._certificate_dir.cleanup()
            self._certificate_dir = None

    def _tls_context(self, name: str) -> ssl.SSLContext:
        certificates = load_certificates()
        if name not in certificates:
            raise LabError(f"lab certificate {name!r} is not in certificates.yaml")
        if self._certificate_dir is None:
            self._certificate_dir = tempfile.TemporaryDirectory(prefix="custodes-lab-")
        directory = Path(self._certificate_dir.name)
        cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
        cert_path.write_text(certificates[name].certificate, encoding="ascii")
        key_path.write_text(certificates[name].key, encoding="ascii")
        os.chmod(key_path, 0o600)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        return context

    async def _listen(
        self,
        device: LabDevice,
        port: int,
        handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any],
        context: ssl.SSLContext | None = None,
    ) -> None:
        wire = port + self.port_offset

        async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._handlers.add(task)
            try:
                await handler(reader, writer)
            except (OSError, TimeoutError, ssl.SSLError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()
                if task is not None:
                    self._handlers.discard(task)

        try:
            server = await asyncio.start_server(tracked, device.address, wire, ssl=context)
        except OSError as exc:
            raise LabError(
                f"cannot bind {device.profile.name} on {device.address}:{wire}: {exc}"
                " (ports below 1024 need root; try a --port-offset)"
            ) from exc
        self._servers.append(server)

    async def _start_device(self, device: LabDevice) -> None:
        profile = device.profile
        if profile.http is not None:
            service = profile.http
            for port in service.ports:
                await self._listen(device, port, self._http_handler(device, service, port))
            if service.tls_ports:
                context = self._tls_context(service.tls) if service.tls else None
                if context is None:
                    raise LabError(f"{profile.name}: tls_ports need a tls certificate name")
                for port in service.tls_ports:
                    await self._listen(
                        device, port, self._http_handler(device, service, port), context
                    )
        if profile.rtsp is not None:
            for port in profile.rtsp.ports:
                await self._listen(device, port, self._rtsp_handler(device, profile.rtsp, port))
        for banner in profile.banners:
            await self._listen(device, banner.port, self._banner_handler(device, banner.text))
        for port in profile.silent_ports:
            await self._listen(device, port, self._silent_handler(device, port))
        for kind, port in UDP_PORTS.items():
            if self._answers_udp(profile, kind):
                await self._listen_udp(device, kind, port)

    @staticmethod
    def _answers_udp(profile: DeviceProfile, kind: str) -> bool:
        present = {
            "wsd": profile.onvif,
            "sadp": profile.sadp,
            "dhip": profile.dhip,
            "ssdp": profile.ssdp,
            "mdns": profile.mdns,
            "snmp": profile.snmp,
        }
        return present[kind] is not None

    async def _listen_udp(self, device: LabDevice, kind: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        wire = port + self.port_offset
        try:
            if self.multicast_interface is None:
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _DatagramDevice(self, device, kind, wire),
                    local_addr=(device.address, wire),
                )
            else:
                sock = _group_socket(self.multicast_interface, MULTICAST_GROUPS[kind], wire)
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _DatagramDevice(self, device, kind, wire), sock=sock
                )
        except OSError as exc:
            raise LabError(
                f"cannot bind {device.profile.name} on udp {device.address}:{wire}: {exc}"
            ) from exc
        self._datagrams.append(transport)

    def udp_reply(self, device: LabDevice, kind: str, data: bytes) -> bytes | None:
        """What a device answers to one datagram of protocol ``kind``."""
        profile = device.profile
        offset = self.port_offset
        if kind == "wsd" and profile.onvif is not None:
            return probe_matches(
                profile, profile.onvif, device.address, profile.onvif.http_port + offset, data
            )
        if kind == "sadp" and profile.sadp is not None:
            return sadp_reply(profile.sadp, device.address, data)
        if kind == "dhip" and profile.dhip is not None:
            return dhip_reply(profile.dhip, device.address, data)
        if kind == "mdns" and profile.mdns is not None:
            return mdns_reply(profile.mdns, data)
        if kind == "ssdp" and profile.ssdp is not None:
            return ssdp_reply(
                profile.ssdp, device.address, profile.ssdp.http_port + offset, profile.name, data
            )
        if kind == "snmp" and profile.snmp is not None:
            return snmp_reply(profile.snmp, data)
        return None

    def _record(self, device: LabDevice, protocol: str, port: int, data: bytes) -> None:
        if data:
            self.requests.append(RecordedRequest(device.profile.name, protocol, port, data))

    def _http_handler(
        self, device: LabDevice, service: HttpService, port: int
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request = await _read_request(reader)
            self._record(device, "http", port, request)
            if await _misbehave(service.behaviour, writer, reader):
                return
            writer.write(self._http_response(device, service, request))
            await writer.drain()

        return handle

    def _http_response(self, device: LabDevice, service: HttpService, request: bytes) -> bytes:
        line = request.split(b"\r\n", 1)[0].decode("latin-1").split()
        method, target = (line[0], line[1]) if len(line) >= 2 else ("GET", "/")
        body_start = request.find(b"\r\n\r\n")
        body = request[body_start + 4 :] if body_start >= 0 else b""
        profile = device.profile
        headers: list[tuple[str, str]] = []
        if profile.onvif is not None and target == DEVICE_SERVICE and method == "POST":
            status, payload = soap_reply(profile.onvif, body)
            content_type = "application/soap+xml; charset=utf-8"
        elif profile.ssdp is not None and target == profile.ssdp.location_path and method == "GET":
            status, payload, content_type = (
                200,
                ssdp_description(profile.ssdp, profile.name),
                "text/xml",
            )
        elif target in service.routes and method in service.routes[target].methods:
            route = service.routes[target]
            status, content_type = route.status, route.content_type
            if route.auth:
                headers.append(("WWW-Authenticate", route.auth))
            if route.location:
                headers.append(("Location", route.location))
            if route.body is not None:
                payload = route.body.encode()
            elif route.title is not None:
                payload = _html_page(route.title)
            else:
                payload = _html_page(http.HTTPStatus(status).phrase)
        else:
            status, content_type = service.unknown_status, "text/html"
            payload = _html_page(http.HTTPStatus(status).phrase)
            if service.unknown_auth:
                headers.append(("WWW-Authenticate", service.unknown_auth))
        head = [("Date", formatdate(usegmt=True))]
        if service.server:
            head.append(("Server", service.server))
        head += [
            *headers,
            ("Content-Type", content_type),
            ("Content-Length", str(len(payload))),
            ("Connection", "close"),
        ]
        if service.upper_case_headers:
            head = [(name.upper(), value) for name, value in head]
        status_line = f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
        lines = "".join(f"{name}: {value}\r\n" for name, value in head)
        return (status_line + lines + "\r\n").encode("latin-1") + payload

    def _rtsp_handler(
        self, device: LabDevice, service: RtspService, port: int
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            for _ in range(8):
                request = await _read_request(reader)
                if not request:
                    return
                self._record(device, "rtsp", port, request)
                if await _misbehave(service.behaviour, writer, reader):
                    return
                writer.write(_rtsp_response(service, request))
                await writer.drain()

        return handle

    def _banner_handler(
        self, device: LabDevice, text: str
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(text.encode("utf-8"))
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HOLD_SECONDS):
                    data = await reader.read(MAX_REQUEST)
                    if data:
                        self._record(device, "banner", 0, data)

        return handle

    def _silent_handler(
        self, device: LabDevice, port: int
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HOLD_SECONDS):
                    data = await reader.read(MAX_REQUEST)
                    if data:
                        self._record(device, "tcp", port, data)

        return handle


class _DatagramDevice(asyncio.DatagramProtocol):
    def __init__(self, lab: Lab, device: LabDevice, kind: str, port: int) -> None:
        self.lab = lab
        self.device = device
        self.kind = kind
        self.port = port
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.lab.requests.append(
            RecordedRequest(self.device.profile.name, self.kind, self.port, data[:MAX_REQUEST])
        )
        behaviour = self.device.profile.udp_behaviour
        if behaviour == "silent" or self.transport is None:
            return
        if behaviour == "garbage":
            self.transport.sendto(os.urandom(512), addr)
        elif behaviour == "oversized":
            self.transport.sendto(b"<" * 60000, addr)
        else:
            reply = self.lab.udp_reply(self.device, self.kind, data)
            if reply is not None:
                self.transport.sendto(reply, addr)


def _group_socket(interface: str, group: str, port: int) -> socket.socket:
    """A UDP socket on ``port`` of every address, joined to ``group`` on ``interface``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("", port))
        membership = socket.inet_aton(group) + socket.inet_aton(interface)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _html_page(title: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        "</head><body></body></html>"
    ).encode()


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    """Read one request head plus its Content-Length body, bounded in size and time."""
    data = bytearray()
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            while b"\r\n\r\n" not in data and len(data) < MAX_REQUEST:
                chunk = await reader.read(4096)
                if not chunk:
                    return bytes(data)
                data += chunk
            head, _, body = bytes(data).partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length" and value.strip().isdigit():
                    length = min(int(value.strip()), MAX_REQUEST)
            while len(body) < length:
                chunk = await reader.read(length - len(body))
                if not chunk:
                    break
                body += chunk
                data += chunk
    except TimeoutError:
        pass
    return bytes(data)


async def _misbehave(
    behaviour: Behaviour, writer: asyncio.StreamWriter, reader: asyncio.StreamReader
) -> bool:
    """Act out a hostile behaviour; True when the normal reply must not follow."""
    if behaviour == "normal":
        return False
    if behaviour == "silent":
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(HOLD_SECONDS):
                await reader.read(1)
    elif behaviour == "slow":
        for _ in range(SLOW_BYTES):
            writer.write(b"H")
            await writer.drain()
            await asyncio.sleep(0.25)
    elif behaviour == "oversized":
        writer.write(b"HTTP/1.1 200 OK\r\nServer: ")
        chunk = b"A" * 65536
        for _ in range(OVERSIZED_BYTES // len(chunk)):
            writer.write(chunk)
            await writer.drain()
    elif behaviour == "garbage":
        writer.write(os.urandom(4096))
        await writer.drain()
    return True


def _rtsp_response(service: RtspService, request: bytes) -> bytes:
    lines = request.decode("latin-1").split("\r\n")
    method = lines[0].split(" ", 1)[0] if lines and lines[0] else ""
    sequence = next(
        (line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("cseq:")),
        "0",
    )
    head = [("CSeq", sequence)]
    if service.server:
        head.append(("Server", service.server))
    body = b""
    if method == "OPTIONS":
        status = "200 OK"
        head.append(("Public", service.public))
    elif method == "DESCRIBE" and service.auth:
        status = "401 Unauthorized"
        head.append(("WWW-Authenticate", service.auth))
    elif method == "DESCRIBE" and service.session:
        status = "200 OK"
        body = f"v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns={service.session}\r\nt=0 0\r\n".encode()
        head.append(("Content-Type", "application/sdp"))
    else:
        status = "454 Session Not Found" if method else "400 Bad Request"
    head.append(("Content-Length", str(len(body))))
    text = f"RTSP/1.0 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head) + "\r\n"
    return text.encode("latin-1") + body


class LabThread:
    """Runs a :class:`Lab` on its own event loop in a background thread (for sync code)."""

    def __init__(
        self,
        base: str = DEFAULT_BASE,
        port_offset: int = 0,
        profiles: list[DeviceProfile] | None = None,
    ) -> None:
        self.lab = Lab(base, port_offset, profiles)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> Lab:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self.lab.start(), self._loop)
        try:
            future.result(timeout=30)
        except BaseException:
            self._shutdown()
            raise
        return self.lab

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self.lab.stop(), self._loop).result(timeout=30)
        self._shutdown()

    def _shutdown(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
