"""DNS-SD over unicast mDNS: which services a host advertises, and under which names.

A query sent straight to a host's port 5353 from another port is answered by unicast
(RFC 6762, sections 5.5 and 6.7), as nmap's ``dns-service-discovery`` does. The probe asks for
the service types the host offers (``_services._dns-sd._udp.local``, RFC 6763 section 9), then for
the instances of each, and records:

* ``mdns.service``: each service type, e.g. ``_axis-video._tcp``;
* ``mdns.instance``: each instance name, e.g. ``AXIS M3045-V - ACCC8E000000``;
* ``mdns.txt``: each ``key=value`` string of the instances' TXT records.

Messages are built and parsed with dnspython; a malformed reply gives nothing, and so does a
query (on the multicast group other hosts' queries carry their known answers, which are not
theirs).
"""

from __future__ import annotations

import asyncio

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdatatype

from custodes.discovery.models import Observation
from custodes.discovery.transport import Transport

MDNS_PORT = 5353
SERVICES_NAME = "_services._dns-sd._udp.local."
MAX_SERVICE_TYPES = 16
MAX_VALUES = 32  # per field and host
MAX_TEXT = 256
_LOCAL = dns.name.from_text("local.")


def build_query(name: str) -> bytes:
    """A PTR query for ``name`` (a service type, or the list of service types); no flags set,
    as mDNS queries carry none (RFC 6762, section 18)."""
    return dns.message.make_query(name, dns.rdatatype.PTR, flags=0).to_wire()


def _text(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())[:MAX_TEXT]


def _relative(name: dns.name.Name) -> str:
    """A name without ``.local.``, its labels as text (``_axis-video._tcp``)."""
    labels = name.relativize(_LOCAL).labels if name.is_subdomain(_LOCAL) else name.labels
    return ".".join(_text(label) for label in labels if label)


def parse_reply(data: bytes) -> tuple[list[str], list[Observation]]:
    """The service types a reply lists (to ask about next) and the observations it gives."""
    try:
        message = dns.message.from_wire(data, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, UnicodeError):
        return [], []
    if not message.flags & dns.flags.QR:
        return [], []
    services: list[str] = []
    found: dict[tuple[str, str], None] = {}
    listing = dns.name.from_text(SERVICES_NAME)
    for rrset in (*message.answer, *message.additional):
        for rdata in sorted(rrset, key=lambda record: record.to_text()):  # a set: fix the order
            if rdata.rdtype == dns.rdatatype.PTR and rrset.name == listing:
                service = _relative(rdata.target)
                if service:
                    services.append(rdata.target.to_text())
                    found[("mdns.service", service)] = None
            elif rdata.rdtype == dns.rdatatype.PTR and rrset.name.is_subdomain(_LOCAL):
                found[("mdns.service", _relative(rrset.name))] = None
                instance = _text(rdata.target.labels[0]) if rdata.target.labels else ""
                if instance:
                    found[("mdns.instance", instance)] = None
            elif rdata.rdtype == dns.rdatatype.TXT:
                for string in rdata.strings:
                    if string:
                        found[("mdns.txt", _text(string))] = None
    observations: list[Observation] = []
    counts: dict[str, int] = {}
    for field_name, value in found:
        counts[field_name] = counts.get(field_name, 0) + 1
        if value and counts[field_name] <= MAX_VALUES:
            observations.append(Observation("mdns", MDNS_PORT, field_name, value))
    return list(dict.fromkeys(services))[:MAX_SERVICE_TYPES], observations


def instance_questions(data: bytes) -> dict[str, bytes]:
    """For a reply listing service types: a query for each type's instances, by type."""
    return {service: build_query(service) for service in parse_reply(data)[0]}


async def probe_mdns(transport: Transport, host: str) -> list[Observation]:
    """Ask ``host`` which services it advertises, then for each service's instances."""
    observations: list[Observation] = []
    services: list[str] = []
    for reply in await transport.udp_exchange(host, MDNS_PORT, build_query(SERVICES_NAME)):
        services, found = parse_reply(reply)
        observations.extend(found)
        if found:
            break
    asked = [transport.udp_exchange(host, MDNS_PORT, build_query(name)) for name in services]
    for replies in await asyncio.gather(*asked):
        for reply in replies:
            observations.extend(parse_reply(reply)[1])
    return list(dict.fromkeys(observations))
