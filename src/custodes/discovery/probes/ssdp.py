"""UPnP/SSDP probe: M-SEARCH, then the device description the reply points to (same host only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from custodes.discovery.models import Observation
from custodes.discovery.probes.http import http_request
from custodes.discovery.probes.httpwire import parse_response
from custodes.discovery.probes.xmlutil import parse_xml, texts_by_name
from custodes.discovery.transport import Transport

SSDP_PORT = 1900
SSDP_GROUP = "239.255.255.250"
MAX_ANNOUNCEMENT = 8192
_DESCRIPTION_FIELDS = {
    "manufacturer": "upnp.manufacturer",
    "modelName": "upnp.model_name",
    "modelNumber": "upnp.model_number",
    "serialNumber": "upnp.serial",
    "friendlyName": "upnp.friendly_name",
}


def build_search(target: str = "upnp:rootdevice") -> bytes:
    """An M-SEARCH request."""
    return (
        "M-SEARCH * HTTP/1.1\r\n"
        f"HOST: {SSDP_GROUP}:{SSDP_PORT}\r\n"
        'MAN: "ssdp:discover"\r\n'
        "MX: 1\r\n"
        f"ST: {target}\r\n\r\n"
    ).encode("ascii")


def parse_search_reply(data: bytes) -> tuple[list[Observation], str | None]:
    """The SERVER header as an observation, and the LOCATION URL."""
    response = parse_response(data)
    if response is None or response.status != 200:
        return [], None
    observations = []
    server = response.header("SERVER")
    if server:
        observations.append(Observation("ssdp", SSDP_PORT, "upnp.server", server[:512]))
    return observations, response.header("LOCATION")


def parse_announcement(data: bytes) -> list[Observation]:
    """The SERVER header of a NOTIFY announcement or of a search reply, as an observation."""
    if not data.startswith(b"NOTIFY "):
        return parse_search_reply(data)[0]
    head = data[:MAX_ANNOUNCEMENT].split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"server":
            text = " ".join(value.decode("latin-1").split())
            return [Observation("ssdp", SSDP_PORT, "upnp.server", text[:512])] if text else []
    return []


def parse_description(data: bytes, port: int | None) -> list[Observation]:
    """Observations from a UPnP device description document."""
    root = parse_xml(data)
    if root is None:
        return []
    found = texts_by_name(root, tuple(_DESCRIPTION_FIELDS))
    return [
        Observation("ssdp", port, _DESCRIPTION_FIELDS[name], value[:256])
        for name, value in found.items()
    ]


async def describe(transport: Transport, host: str, location: str) -> list[Observation]:
    """Fetch a description document if ``location`` points at ``host``; never elsewhere."""
    try:
        parts = urlsplit(location)
        port = parts.port or 80
    except ValueError:
        return []
    if parts.scheme != "http" or parts.hostname != host:
        return []
    reply = await http_request(transport, host, port, "GET", parts.path or "/")
    if reply is None or reply.status != 200:
        return []
    return parse_description(reply.body, port)


async def probe_ssdp(transport: Transport, host: str) -> list[Observation]:
    """Unicast M-SEARCH to ``host`` and read its description."""
    for reply in await transport.udp_exchange(host, SSDP_PORT, build_search()):
        observations, location = parse_search_reply(reply)
        if location:
            observations.extend(await describe(transport, host, location))
        if observations:
            return observations
    return []
