"""Vendor endpoint data (YAML, validated by pydantic) and the rules engine that matches it.

A rule set answers three questions, each in (near) constant time:

* :meth:`EndpointRules.match_name` — does a DNS name, TLS SNI or HTTP Host belong to a service?
  Exact names win over wildcard patterns; ``*.example.com`` matches any name *below*
  ``example.com`` (label-aligned, so ``notexample.com`` and ``example.com.evil.test`` do not).
* :meth:`EndpointRules.match_address` — is a remote address inside a listed network?
* :meth:`EndpointRules.match_payload` — does the first payload of a flow carry a listed
  signature (transport, optional ports, payload prefix, minimum length)?
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from custodes.datafile import LineMap, Location, dotted, line_of, load_yaml, validate
from custodes.egress.errors import EndpointDataError

__all__ = [
    "Endpoint",
    "EndpointFile",
    "EndpointRules",
    "PayloadSignature",
    "default_endpoints_path",
    "load_endpoint_rules",
    "match_host",
]

_DOMAIN_PATTERN = re.compile(
    r"^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)
_PORT_SPEC = re.compile(r"^(tcp|udp)/([0-9]{1,5})$")
_MAX_NAME_LENGTH = 253
_MAX_LABELS = 127
PROTO_TCP = 6
PROTO_UDP = 17
_PROTO_BY_NAME = {"tcp": PROTO_TCP, "udp": PROTO_UDP}


def _check_domain_pattern(value: str) -> str:
    if len(value) > _MAX_NAME_LENGTH or not _DOMAIN_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a lower-case domain name or '*.' wildcard pattern (e.g. "
            "'dev.hik-connect.com' or '*.hik-connect.com')"
        )
    return value


def _check_network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a network in CIDR notation: {exc}") from None


def _check_port_spec(value: str) -> str:
    found = _PORT_SPEC.match(value)
    if found is None or not 1 <= int(found.group(2)) <= 65535:
        raise ValueError(f"{value!r} is not 'tcp/PORT' or 'udp/PORT' with PORT in 1..65535")
    return value


def _check_payload_prefix(value: str) -> str:
    if not value or any(ord(char) > 0xFF for char in value):
        raise ValueError("payload_prefix must be a non-empty string of byte values (\\x00-\\xff)")
    return value


def _check_source(value: str) -> str:
    if not value.startswith("https://"):
        raise ValueError(f"source {value!r} must be an https:// URL")
    return value


DomainPattern = Annotated[str, AfterValidator(_check_domain_pattern)]
NetworkText = Annotated[str, AfterValidator(_check_network)]
PortSpec = Annotated[str, AfterValidator(_check_port_spec)]
SourceUrl = Annotated[str, AfterValidator(_check_source)]


class PayloadSignature(BaseModel):
    """A payload signature: first bytes of a datagram or stream sent by a local device."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    transport: Literal["tcp", "udp"]
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(
        default_factory=list, description="remote ports; empty means any port"
    )
    payload_prefix: Annotated[str, AfterValidator(_check_payload_prefix)]
    min_length: int = Field(default=0, ge=0, le=65535)

    @property
    def prefix_bytes(self) -> bytes:
        """The prefix as bytes (each character is one byte value)."""
        return self.payload_prefix.encode("latin-1")


class Endpoint(BaseModel):
    """One vendor service and the names, networks and signatures that identify it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    vendor: str = Field(min_length=1, max_length=80)
    service: str = Field(min_length=1, max_length=80)
    kind: Literal["cloud", "p2p", "update", "telemetry", "ddns", "push"]
    domains: list[DomainPattern] = Field(default_factory=list)
    networks: list[NetworkText] = Field(default_factory=list)
    ports: list[PortSpec] = Field(
        default_factory=list,
        description="documented ports; a network rule only matches on these when given",
    )
    signatures: list[PayloadSignature] = Field(default_factory=list)
    confidence: Literal["high", "medium", "low"] = "medium"
    source: SourceUrl
    date: datetime.date
    note: str = ""


class EndpointFile(BaseModel):
    """The whole endpoint data file."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1]
    endpoints: list[Endpoint] = Field(min_length=1)


def default_endpoints_path() -> Path:
    """Path of the packaged endpoint data (``custodes/data/egress/endpoints.yaml``)."""
    return Path(str(resources.files("custodes") / "data" / "egress" / "endpoints.yaml"))


def load_endpoint_rules(path: Path | None = None) -> EndpointRules:
    """Load and validate an endpoint file (the packaged one by default) into a rule set.

    Raises :class:`EndpointDataError` naming the file, line and field of the first problem.
    """
    path = path or default_endpoints_path()
    document = load_yaml(path, error=EndpointDataError)
    parsed = validate(
        EndpointFile, document.data, document.lines, path=path, error=EndpointDataError
    )
    _check_unique(path, document.lines, parsed.endpoints)
    return EndpointRules(parsed.endpoints)


def _check_unique(path: Path, lines: LineMap, endpoints: Sequence[Endpoint]) -> None:
    seen_ids: set[str] = set()
    seen_domains: set[str] = set()
    for index, endpoint in enumerate(endpoints):
        if endpoint.id in seen_ids:
            where: Location = ("endpoints", index, "id")
            raise EndpointDataError(
                path, line_of(lines, where), dotted(where), f"duplicate id {endpoint.id!r}"
            )
        seen_ids.add(endpoint.id)
        for position, pattern in enumerate(endpoint.domains):
            if pattern in seen_domains:
                where = ("endpoints", index, "domains", position)
                raise EndpointDataError(
                    path,
                    line_of(lines, where),
                    dotted(where),
                    f"domain pattern {pattern!r} is listed twice",
                )
            seen_domains.add(pattern)


@dataclass(frozen=True, slots=True)
class _NetworkRule:
    version: int
    network: int
    mask: int
    endpoint: int
    ports: frozenset[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class _SignatureRule:
    prefix: bytes
    min_length: int
    endpoint: int
    name: str


class EndpointRules:
    """Compiled matchers over a list of :class:`Endpoint` (indexes refer to ``endpoints``)."""

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        self.endpoints: list[Endpoint] = list(endpoints)
        self._exact: dict[str, int] = {}
        self._below: dict[str, int] = {}
        self._networks: list[_NetworkRule] = []
        self._signatures_by_port: dict[tuple[int, int], list[_SignatureRule]] = {}
        self._signatures_any_port: dict[int, list[_SignatureRule]] = {}
        for index, endpoint in enumerate(self.endpoints):
            self._compile(index, endpoint)

    def _compile(self, index: int, endpoint: Endpoint) -> None:
        for pattern in endpoint.domains:
            if pattern.startswith("*."):
                self._below[pattern[2:]] = index
            else:
                self._exact[pattern] = index
        ports = frozenset(
            (_PROTO_BY_NAME[spec.split("/")[0]], int(spec.split("/")[1])) for spec in endpoint.ports
        )
        for text in endpoint.networks:
            network = ipaddress.ip_network(text)
            self._networks.append(
                _NetworkRule(
                    network.version,
                    int(network.network_address),
                    int(network.netmask),
                    index,
                    ports,
                )
            )
        for signature in endpoint.signatures:
            rule = _SignatureRule(
                signature.prefix_bytes, signature.min_length, index, signature.name
            )
            proto = _PROTO_BY_NAME[signature.transport]
            if signature.ports:
                for port in signature.ports:
                    self._signatures_by_port.setdefault((proto, port), []).append(rule)
            else:
                self._signatures_any_port.setdefault(proto, []).append(rule)

    @property
    def has_networks(self) -> bool:
        """Whether any endpoint lists networks (lets callers skip address checks)."""
        return bool(self._networks)

    def match_name(self, name: str) -> int | None:
        """Index of the endpoint a host name belongs to, or ``None``.

        The name is compared case-insensitively, without a trailing dot. Exact names are tried
        first, then ``*.`` patterns from the most specific parent domain upwards.
        """
        name = name.lower().rstrip(".")
        if not name or len(name) > _MAX_NAME_LENGTH:
            return None
        found = self._exact.get(name)
        if found is not None:
            return found
        labels = name.split(".", _MAX_LABELS)
        for start in range(1, len(labels)):
            found = self._below.get(".".join(labels[start:]))
            if found is not None:
                return found
        return None

    def match_address(self, address: bytes, proto: int, port: int) -> int | None:
        """Index of the endpoint whose networks contain ``address`` (4 or 16 raw bytes)."""
        version = 4 if len(address) == 4 else 6
        value = int.from_bytes(address, "big")
        for rule in self._networks:
            if (
                rule.version == version
                and value & rule.mask == rule.network
                and (not rule.ports or (proto, port) in rule.ports)
            ):
                return rule.endpoint
        return None

    def match_payload(self, proto: int, port: int, payload: bytes) -> tuple[int, str] | None:
        """``(endpoint index, signature name)`` for the first signature the payload carries."""
        for rules in (
            self._signatures_by_port.get((proto, port), ()),
            self._signatures_any_port.get(proto, ()),
        ):
            for rule in rules:
                if len(payload) >= rule.min_length and payload.startswith(rule.prefix):
                    return rule.endpoint, rule.name
        return None


def match_host(rules: EndpointRules, name: str) -> dict[str, str | None]:
    """What ``custodes egress match`` prints for one host name: ``name`` as given and the
    matching service's ``vendor``, ``service``, ``kind`` and ``source`` (all None when no
    service matches)."""
    found = rules.match_name(name)
    endpoint = rules.endpoints[found] if found is not None else None
    return {
        "name": name,
        "vendor": endpoint.vendor if endpoint else None,
        "service": endpoint.service if endpoint else None,
        "kind": endpoint.kind if endpoint else None,
        "source": endpoint.source if endpoint else None,
    }
