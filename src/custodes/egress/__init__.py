"""Does it phone home? Find local devices' traffic to vendor cloud, P2P and update services.

Reads pcap/pcapng captures as streams and reports, per local device, which vendor services it
talked to, with the evidence (DNS, TLS SNI, HTTP Host, P2P signatures), times and volumes.
Endpoints are data: ``custodes/data/egress/endpoints.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from custodes.egress._addresses import (
    ADDRESS_IGNORED,
    ADDRESS_LOCAL,
    ADDRESS_REMOTE,
    DEFAULT_LOCAL_NETWORKS,
    AddressClasses,
)
from custodes.egress._analyser import EgressAnalyser
from custodes.egress._capture import CaptureProblem, file_size, read_captures
from custodes.egress._decode import LINKTYPE_ETHERNET, PROTO_TCP, PROTO_UDP, decode_frame
from custodes.egress.devices import DeviceDirectory, DeviceRecord, load_devices
from custodes.egress.endpoints import EndpointRules, load_endpoint_rules
from custodes.egress.errors import (
    CaptureFormatError,
    DeviceFileError,
    EgressError,
    EndpointDataError,
)
from custodes.egress.report import DeviceTraffic, EgressReport, ServiceUsage

__all__ = [
    "ADDRESS_IGNORED",
    "ADDRESS_LOCAL",
    "ADDRESS_REMOTE",
    "DEFAULT_LOCAL_NETWORKS",
    "LINKTYPE_ETHERNET",
    "PROTO_TCP",
    "PROTO_UDP",
    "AddressClasses",
    "CaptureFormatError",
    "CaptureProblem",
    "DeviceDirectory",
    "DeviceFileError",
    "DeviceRecord",
    "DeviceTraffic",
    "EgressError",
    "EgressReport",
    "EndpointDataError",
    "EndpointRules",
    "ServiceUsage",
    "analyse",
    "decode_frame",
    "file_size",
    "load_devices",
    "load_endpoint_rules",
    "read_captures",
]


def analyse(
    paths: Sequence[Path],
    *,
    devices: DeviceDirectory | None = None,
    local_networks: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
    rules: EndpointRules | None = None,
    tap: Callable[[int, bytes], None] | None = None,
) -> EgressReport:
    """Analyse captures in order and report each local device's vendor-service traffic.

    ``local_networks`` (CIDR strings) replaces :data:`DEFAULT_LOCAL_NETWORKS`. ``progress`` is
    called with the total number of capture bytes read so far, across all ``paths``. ``rules``
    defaults to the packaged endpoint data. ``tap`` (if given) also gets each packet's link type
    and frame, so that another reader (passive identification) shares the one pass. A file that
    is not a capture, cannot be read, or is truncated or corrupt becomes a
    :class:`CaptureProblem` and the analysis goes on.
    Raises :class:`EgressError` when a local network is not valid CIDR notation.
    """
    try:
        analyser = EgressAnalyser(rules or load_endpoint_rules(), local_networks)
    except ValueError as exc:
        raise EgressError(f"invalid local network: {exc}") from exc
    report = EgressReport(with_directory=devices is not None)
    feed = analyser.feed
    for timestamp, linktype, length, frame in read_captures(paths, report.problems, progress):
        report.packets_read += 1
        feed(timestamp, linktype, length, frame)
        if tap is not None:
            tap(linktype, frame)
    report.bytes_read = sum(file_size(Path(path)) for path in paths)
    report.devices = analyser.devices(devices)
    return report
