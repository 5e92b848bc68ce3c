"""SNMP v2c probe: GET sysDescr.0 and sysObjectID.0, only when the user gives a community."""

from __future__ import annotations

import secrets

from custodes.discovery.models import Observation
from custodes.discovery.probes.der import (
    DerError,
    children,
    decode_integer,
    decode_oid,
    encode_integer,
    encode_oid,
    encode_tlv,
    read_tlv,
)
from custodes.discovery.transport import Transport

SNMP_PORT = 161
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
_FIELDS = {SYS_DESCR: "snmp.sysdescr", SYS_OBJECT_ID: "snmp.sysobjectid"}


def build_get(community: str, request_id: int) -> bytes:
    """A GetRequest for sysDescr.0 and sysObjectID.0."""
    bindings = b"".join(
        encode_tlv(0x30, encode_oid(oid) + encode_tlv(0x05, b"")) for oid in _FIELDS
    )
    pdu = encode_tlv(
        0xA0,
        encode_integer(request_id)
        + encode_integer(0)
        + encode_integer(0)
        + encode_tlv(0x30, bindings),
    )
    return encode_tlv(0x30, encode_integer(1) + encode_tlv(0x04, community.encode("utf-8")) + pdu)


def parse_get_response(data: bytes, request_id: int) -> list[Observation]:
    """Observations from a GetResponse with the given request id."""
    try:
        _, message, _ = read_tlv(data, 0)
        parts = children(message)
        if len(parts) < 3 or parts[2][0] != 0xA2:
            return []
        pdu = children(parts[2][1])
        if len(pdu) < 4 or decode_integer(pdu[0][1]) != request_id:
            return []
        observations = []
        for _, binding in children(pdu[3][1]):
            pair = children(binding)
            if len(pair) != 2 or pair[0][0] != 0x06:
                continue
            field = _FIELDS.get(decode_oid(pair[0][1]))
            tag, value = pair[1]
            if field is None:
                continue
            if tag == 0x04:
                text = value.decode("utf-8", "replace").strip()
            elif tag == 0x06:
                text = decode_oid(value)
            else:
                continue
            if text:
                observations.append(Observation("snmp", SNMP_PORT, field, text[:512]))
        return observations
    except DerError:
        return []


async def probe_snmp(transport: Transport, host: str, community: str) -> list[Observation]:
    """Ask ``host`` for sysDescr and sysObjectID with the community the user supplied."""
    request_id = secrets.randbelow(1 << 30)
    for reply in await transport.udp_exchange(host, SNMP_PORT, build_get(community, request_id)):
        observations = parse_get_response(reply, request_id)
        if observations:
            return observations
    return []
