"""HTTP and HTTPS probe: Server header, realm, title, favicon hash, vendor endpoints, TLS cert."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from custodes import __version__
from custodes.discovery.datafiles import load_records
from custodes.discovery.errors import RuleDataError
from custodes.discovery.fields import FIELDS
from custodes.discovery.models import Observation
from custodes.discovery.probes.httpwire import Response, head_complete, parse_response
from custodes.discovery.probes.x509 import describe_certificate
from custodes.discovery.probes.xmlutil import iter_elements, local_name, parse_xml
from custodes.discovery.transport import Transport

USER_AGENT = f"custodes-discovery/{__version__}"
CONTROL_PATH = "/custodes-absent-path"
MAX_REDIRECTS = 2
MAX_JSON_DEPTH = 8


class Endpoint(BaseModel):
    """A vendor HTTP endpoint that answers without credentials, asked read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["GET", "POST"]
    path: str = Field(pattern=r"^/[\x21-\x7e]*$")
    body: str | None = None
    content_type: str | None = None
    parse: Literal["none", "xml", "json"] = "none"
    extract: dict[str, str] = Field(default_factory=dict)
    source: str = Field(min_length=8)
    date: datetime.date
    note: str = Field(min_length=3)

    def model_post_init(self, context: Any) -> None:
        for target in self.extract.values():
            if target not in FIELDS:
                raise ValueError(f"extract target {target!r} is not an observation field")


def default_endpoints() -> list[Endpoint]:
    """The vendor endpoints shipped with Custodes."""
    path = (
        Path(__file__).resolve().parents[2] / "data" / "fingerprints" / "probes" / "endpoints.yaml"
    )
    return load_records(path, "endpoints", Endpoint, RuleDataError)


def build_request(
    host: str, port: int, method: str, path: str, body: bytes = b"", content_type: str | None = None
) -> bytes:
    """An HTTP/1.1 request with no credentials of any kind."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        "Connection: close",
    ]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
        if content_type:
            lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def http_request(
    transport: Transport,
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    tls: bool = False,
    body: bytes = b"",
    content_type: str | None = None,
    tls_info: dict[str, bytes] | None = None,
) -> Response | None:
    """Send one request and parse the reply; ``None`` when nothing parseable came back."""
    raw = await transport.tcp_exchange(
        host,
        port,
        build_request(host, port, method, path, body, content_type),
        tls=tls,
        complete=head_complete,
        tls_info=tls_info,
    )
    return parse_response(raw) if raw else None


def header_observations(probe: str, port: int | None, response: Response) -> Iterator[Observation]:
    """Server, WWW-Authenticate and (when every name is upper case) the header case."""
    for name, field in (("Server", "http.server"), ("WWW-Authenticate", "http.www_authenticate")):
        value = response.header(name)
        if value:
            yield Observation(probe, port, field, value[:512])
    case = response.header_case()
    if case:
        yield Observation(probe, port, "http.header_case", case)


def _same_host_path(location: str, host: str) -> str | None:
    """The path of a redirect if it stays on ``host``; ``None`` for any other host."""
    parts = urlsplit(location)
    if parts.netloc and parts.hostname != host:
        return None
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path + (f"?{parts.query}" if parts.query else "")


def _walk_json(value: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    if depth > MAX_JSON_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in list(value.items())[:500]:
            yield str(key), item
            yield from _walk_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value[:500]:
            yield from _walk_json(item, depth + 1)


def extract_fields(
    endpoint: Endpoint, body: bytes, probe: str, port: int | None
) -> list[Observation]:
    """Pull the configured fields out of an endpoint reply (XML via defusedxml, or JSON)."""
    found: dict[str, str] = {}
    try:
        if endpoint.parse == "xml":
            root = parse_xml(body)
            if root is None:
                return []
            for element in iter_elements(root):
                name = local_name(element)
                if name in endpoint.extract and element.text and element.text.strip():
                    found.setdefault(endpoint.extract[name], element.text.strip())
        elif endpoint.parse == "json":
            for key, item in _walk_json(json.loads(body.decode("utf-8"))):
                if key in endpoint.extract and isinstance(item, str | int | float) and str(item):
                    found.setdefault(endpoint.extract[key], str(item))
    except (ValueError, RecursionError):
        return []
    return [Observation(probe, port, field, value[:256]) for field, value in found.items()]


async def probe_http(
    transport: Transport, host: str, port: int, endpoints: list[Endpoint], *, tls: bool = False
) -> list[Observation]:
    """Probe one HTTP(S) port: front page, control path, vendor endpoints, favicon."""
    probe = "https" if tls else "http"
    observations: list[Observation] = []
    tls_info: dict[str, bytes] = {}
    path = "/"
    front: Response | None = None
    for hop in range(MAX_REDIRECTS + 1):
        front = await http_request(
            transport, host, port, "GET", path, tls=tls, tls_info=tls_info if hop == 0 else None
        )
        if front is None:
            break
        observations.extend(header_observations(probe, port, front))
        location = front.header("Location") if 300 <= front.status < 400 else None
        location = location or front.refresh_target()
        next_path = _same_host_path(location, host) if location else None
        title = front.title()
        if title and not next_path:
            observations.append(Observation(probe, port, "http.title", title))
        if not next_path or next_path == path:
            break
        path = next_path
    certificate = tls_info.get("certificate")
    if certificate:
        described = describe_certificate(certificate)
        if described is not None:
            observations.append(Observation("tls", port, "tls.subject", described.subject))
            observations.append(Observation("tls", port, "tls.issuer", described.issuer))
    if front is None and not observations:
        return observations
    control = await http_request(transport, host, port, "GET", CONTROL_PATH, tls=tls)
    control_status = control.status if control else None

    async def ask(endpoint: Endpoint) -> list[Observation]:
        body = endpoint.body.encode() if endpoint.body else b""
        reply = await http_request(
            transport,
            host,
            port,
            endpoint.method,
            endpoint.path,
            tls=tls,
            body=body,
            content_type=endpoint.content_type,
        )
        if reply is None or reply.status == control_status:
            return []
        found = [
            Observation(
                probe, port, "http.endpoint", f"{endpoint.method} {endpoint.path} {reply.status}"
            ),
            *header_observations(probe, port, reply),
        ]
        if reply.status == 200 and endpoint.extract:
            found.extend(extract_fields(endpoint, reply.body, probe, port))
        return found

    async def favicon() -> list[Observation]:
        reply = await http_request(transport, host, port, "GET", "/favicon.ico", tls=tls)
        if reply is None or reply.status != 200 or not reply.body:
            return []
        digest = hashlib.md5(reply.body, usedforsecurity=False).hexdigest()
        return [Observation(probe, port, "http.favicon_md5", digest)]

    results = await asyncio.gather(favicon(), *(ask(endpoint) for endpoint in endpoints))
    for found in results:
        observations.extend(found)
    return list(dict.fromkeys(observations))
