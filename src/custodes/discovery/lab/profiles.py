"""Emulated-device profiles (YAML data) for the test lab, validated with pydantic."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from custodes.discovery.datafiles import load_records
from custodes.discovery.errors import LabDataError

Behaviour = Literal["normal", "silent", "slow", "oversized", "garbage"]
LAB_DIRECTORY = Path(__file__).resolve().parent


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Route(_Strict):
    """How one HTTP path answers."""

    status: int = Field(default=200, ge=100, le=599)
    methods: tuple[str, ...] = ("GET",)
    auth: str | None = None
    location: str | None = None
    title: str | None = None
    body: str | None = None
    content_type: str = "text/html"


class HttpService(_Strict):
    """An embedded web server, optionally also on TLS ports."""

    ports: tuple[int, ...] = (80,)
    tls_ports: tuple[int, ...] = ()
    tls: str | None = None
    server: str | None = None
    upper_case_headers: bool = False
    routes: dict[str, Route] = Field(default_factory=dict)
    unknown_status: int = 404
    unknown_auth: str | None = None
    behaviour: Behaviour = "normal"


class RtspService(_Strict):
    """An RTSP server that answers OPTIONS and DESCRIBE."""

    ports: tuple[int, ...] = (554,)
    server: str | None = None
    public: str = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"
    auth: str | None = None
    session: str | None = None
    behaviour: Behaviour = "normal"


class OnvifService(_Strict):
    """WS-Discovery answers and the device service on the HTTP port."""

    http_port: int = 80
    types: str = "dn:NetworkVideoTransmitter tds:Device"
    scopes: tuple[str, ...] = ()
    device_information: dict[str, str] | None = None
    behaviour: Behaviour = "normal"


class SsdpService(_Strict):
    """A UPnP root device: M-SEARCH reply and a description document on the HTTP port."""

    server: str
    location_path: str = "/rootDesc.xml"
    http_port: int = 80
    description: dict[str, str] = Field(default_factory=dict)


class MdnsService(_Strict):
    """DNS-SD over mDNS: the service types a device advertises, one instance name each, and
    the TXT strings of its instances; answered to unicast queries on port 5353."""

    instance: str
    services: tuple[str, ...] = Field(min_length=1)
    txt: tuple[str, ...] = ()


class SnmpService(_Strict):
    """An SNMP v2c agent answering sysDescr and sysObjectID for one community."""

    community: str
    sysdescr: str
    sysobjectid: str


class Banner(_Strict):
    """A service that greets first (SSH, FTP, telnet)."""

    port: int
    text: str


class Expectation(_Strict):
    """Ground truth for accuracy measurement; empty for hosts that are not identified."""

    manufacturer: str | None = None
    brand: str | None = None
    device_kind: str | None = None


class DeviceProfile(_Strict):
    """One emulated device."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    expect: Expectation = Field(default_factory=Expectation)
    http: HttpService | None = None
    rtsp: RtspService | None = None
    onvif: OnvifService | None = None
    sadp: dict[str, str] | None = None
    dhip: dict[str, str] | None = None
    ssdp: SsdpService | None = None
    mdns: MdnsService | None = None
    snmp: SnmpService | None = None
    banners: tuple[Banner, ...] = ()
    silent_ports: tuple[int, ...] = ()
    udp_behaviour: Behaviour = "normal"


class Certificate(_Strict):
    """A PEM certificate and key for a TLS-speaking lab device."""

    name: str
    certificate: str
    key: str


def load_profiles(path: Path | None = None) -> list[DeviceProfile]:
    """Device profiles from ``path`` (default: the shipped lab)."""
    return load_records(
        path or LAB_DIRECTORY / "devices.yaml", "devices", DeviceProfile, LabDataError
    )


def load_certificates() -> dict[str, Certificate]:
    """The lab's TLS certificates by name."""
    records = load_records(
        LAB_DIRECTORY / "certificates.yaml", "certificates", Certificate, LabDataError
    )
    return {record.name: record for record in records}
