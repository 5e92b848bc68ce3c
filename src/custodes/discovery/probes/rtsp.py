"""RTSP probe: OPTIONS and DESCRIBE without credentials; Server, Public, realm, SDP session."""

from __future__ import annotations

from custodes import __version__
from custodes.discovery.models import Observation
from custodes.discovery.probes.httpwire import Response, head_complete, parse_response
from custodes.discovery.transport import Transport


def build_rtsp_request(method: str, host: str, port: int, sequence: int) -> bytes:
    """An RTSP/1.0 request with no credentials."""
    lines = [
        f"{method} rtsp://{host}:{port}/ RTSP/1.0",
        f"CSeq: {sequence}",
        f"User-Agent: custodes-discovery/{__version__}",
    ]
    if method == "DESCRIBE":
        lines.append("Accept: application/sdp")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def probe_rtsp(transport: Transport, host: str, port: int) -> list[Observation]:
    """Ask OPTIONS and DESCRIBE on one port and record what the server says about itself."""
    observations: list[Observation] = []
    for sequence, method in enumerate(("OPTIONS", "DESCRIBE"), start=1):
        raw = await transport.tcp_exchange(
            host, port, build_rtsp_request(method, host, port, sequence), complete=head_complete
        )
        response = parse_response(raw) if raw else None
        if response is not None and response.protocol == "RTSP":
            observations.extend(reply_observations(response, port))
    return list(dict.fromkeys(observations))


def reply_observations(response: Response, port: int | None) -> list[Observation]:
    """What one RTSP reply says of its server: Server, Public, realm, and an SDP's session name."""
    observations: list[Observation] = []
    for name, field in (
        ("Server", "rtsp.server"),
        ("Public", "rtsp.public"),
        ("WWW-Authenticate", "rtsp.www_authenticate"),
    ):
        value = response.header(name)
        if value:
            observations.append(Observation("rtsp", port, field, value[:512]))
    if response.status == 200:
        for line in response.body[:8192].decode("utf-8", "replace").splitlines()[:200]:
            if line.startswith("s="):
                observations.append(Observation("rtsp", port, "rtsp.sdp_session", line[2:200]))
                break
    return observations
