"""ONVIF probe: unicast WS-Discovery (Types, Scopes, XAddrs) and the calls needing no login."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from custodes.discovery.fields import ONVIF_SCOPE_KEYS
from custodes.discovery.models import Observation
from custodes.discovery.probes.http import http_request
from custodes.discovery.probes.xmlutil import (
    first_text,
    iter_elements,
    local_name,
    parse_xml,
    texts_by_name,
)
from custodes.discovery.transport import Transport

WS_DISCOVERY_PORT = 3702
DEVICE_SERVICE_PATH = "/onvif/device_service"
MAX_SCOPES = 64
_SOAP = "http://www.w3.org/2003/05/soap-envelope"
_SCOPE_PREFIX = "onvif://www.onvif.org/"


def build_probe(
    types: str | None = "dn:NetworkVideoTransmitter", message_id: str | None = None
) -> bytes:
    """A WS-Discovery Probe; ``types=None`` asks every kind of device."""
    message_id = message_id or f"uuid:{uuid.uuid4()}"
    types_element = f"<d:Types>{types}</d:Types>" if types else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<e:Envelope xmlns:e="{_SOAP}" '
        'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
        f"<e:Header><w:MessageID>{message_id}</w:MessageID>"
        '<w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>'
        '<w:Action e:mustUnderstand="true">'
        "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
        f"<e:Body><d:Probe>{types_element}</d:Probe></e:Body></e:Envelope>"
    ).encode()


_ANNOUNCEMENTS = frozenset({"ProbeMatch", "Hello"})


def parse_probe_matches(data: bytes, port: int | None = WS_DISCOVERY_PORT) -> list[Observation]:
    """Observations from a ProbeMatches reply, or from the Hello a device multicasts when it
    joins the network (the same Types, Scopes and XAddrs): types, each scope, XAddrs."""
    root = parse_xml(data)
    if root is None:
        return []
    observations: list[Observation] = []
    for element in iter_elements(root):
        if local_name(element) not in _ANNOUNCEMENTS:
            continue
        found = texts_by_name(element, ("Types", "Scopes", "XAddrs"))
        if "Types" in found:
            observations.append(Observation("onvif", port, "onvif.types", found["Types"][:512]))
        if "XAddrs" in found:
            observations.append(Observation("onvif", port, "onvif.xaddrs", found["XAddrs"][:1024]))
        for scope in found.get("Scopes", "").split()[:MAX_SCOPES]:
            if not scope.lower().startswith(_SCOPE_PREFIX):
                continue
            key, _, value = scope[len(_SCOPE_PREFIX) :].partition("/")
            key = key.lower()
            if key in ONVIF_SCOPE_KEYS and value:
                observations.append(
                    Observation("onvif", port, f"onvif.scope.{key}", unquote(value)[:256])
                )
        break
    return observations


def device_service_urls(xaddrs: str, host: str) -> list[tuple[int, str]]:
    """(port, path) of each XAddr that points back at ``host``; others are never contacted."""
    result: list[tuple[int, str]] = []
    for address in xaddrs.split()[:8]:
        try:
            parts = urlsplit(address)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if parts.scheme == "http" and parts.hostname == host:
            result.append((port, parts.path or DEVICE_SERVICE_PATH))
    return result


def soap_envelope(operation: str) -> bytes:
    """A device-service request body with no WS-Security header."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{_SOAP}" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
        f"<s:Body><tds:{operation}/></s:Body></s:Envelope>"
    ).encode()


_DEVICE_INFORMATION = (
    ("Manufacturer", "onvif.manufacturer"),
    ("Model", "onvif.model"),
    ("FirmwareVersion", "onvif.firmware"),
    ("SerialNumber", "onvif.serial"),
    ("HardwareId", "onvif.hardware_id"),
)


def device_information_fields(root: Element, port: int | None) -> list[Observation]:
    """Manufacturer, model, firmware, serial and hardware id of a GetDeviceInformation reply."""
    fields = texts_by_name(root, tuple(name for name, _ in _DEVICE_INFORMATION))
    return [
        Observation("onvif", port, field, fields[name][:256])
        for name, field in _DEVICE_INFORMATION
        if name in fields
    ]


async def _device_information(
    transport: Transport, host: str, port: int, path: str
) -> list[Observation]:
    observations: list[Observation] = []
    for operation in ("GetSystemDateAndTime", "GetDeviceInformation"):
        reply = await http_request(
            transport,
            host,
            port,
            "POST",
            path,
            body=soap_envelope(operation),
            content_type="application/soap+xml; charset=utf-8",
        )
        root = parse_xml(reply.body) if reply is not None else None
        if root is None:
            continue
        if operation == "GetSystemDateAndTime":
            if first_text(root, "UTCDateTime") or first_text(root, "DateTimeType"):
                observations.append(Observation("onvif", port, "onvif.device_service", path))
            continue
        if first_text(root, "Manufacturer") or first_text(root, "Model"):
            observations.append(Observation("onvif", port, "onvif.device_information", "open"))
            observations.extend(device_information_fields(root, port))
        elif any(local_name(element) == "Fault" for element in iter_elements(root)):
            observations.append(
                Observation("onvif", port, "onvif.device_information", "requires-auth")
            )
    return observations


async def probe_onvif(transport: Transport, host: str, http_ports: list[int]) -> list[Observation]:
    """Unicast WS-Discovery to ``host``, then the unauthenticated device-service calls."""
    replies = await asyncio.gather(
        transport.udp_exchange(host, WS_DISCOVERY_PORT, build_probe()),
        transport.udp_exchange(host, WS_DISCOVERY_PORT, build_probe(types=None)),
    )
    observations: list[Observation] = []
    for reply in (item for batch in replies for item in batch):
        observations = parse_probe_matches(reply)
        if observations:
            break
    services: list[tuple[int, str]] = []
    for observation in observations:
        if observation.field == "onvif.xaddrs":
            services = device_service_urls(observation.value, host)
    if not services and http_ports:
        services = [(http_ports[0], DEVICE_SERVICE_PATH)]
    if services:
        port, path = services[0]
        observations.extend(await _device_information(transport, host, port, path))
    return list(dict.fromkeys(observations))
