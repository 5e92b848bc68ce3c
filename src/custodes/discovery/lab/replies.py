"""Reply builders for the emulated devices: ONVIF SOAP, WS-Discovery, SADP, DHIP, SSDP, SNMP."""

from __future__ import annotations

import datetime
import uuid
from html import escape
from xml.sax.saxutils import escape as xml_escape

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.PTR
import dns.rrset

from custodes.discovery.lab.profiles import (
    DeviceProfile,
    MdnsService,
    OnvifService,
    SnmpService,
    SsdpService,
)
from custodes.discovery.probes import dhip
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
from custodes.discovery.probes.xmlutil import first_text, parse_xml

SOAP = "http://www.w3.org/2003/05/soap-envelope"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"


def device_uuid(name: str) -> str:
    """A stable UUID for a lab device."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.lab.custodes"))


def probe_matches(
    profile: DeviceProfile, onvif: OnvifService, address: str, port: int, probe: bytes
) -> bytes | None:
    """A ProbeMatches reply, or ``None`` when the probe's Types filter excludes this device."""
    root = parse_xml(probe)
    if root is None:
        return None
    wanted = (first_text(root, "Types") or "").split()
    offered = {token.rsplit(":", 1)[-1] for token in onvif.types.split()}
    if wanted and not offered.intersection(token.rsplit(":", 1)[-1] for token in wanted):
        return None
    relates = first_text(root, "MessageID") or ""
    port_text = "" if port == 80 else f":{port}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}" '
        'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
        f"<SOAP-ENV:Header><wsa:MessageID>uuid:{uuid.uuid4()}</wsa:MessageID>"
        f"<wsa:RelatesTo>{xml_escape(relates)}</wsa:RelatesTo>"
        "<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"
        "</SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>"
        "<wsa:EndpointReference><wsa:Address>urn:uuid:"
        f"{device_uuid(profile.name)}</wsa:Address></wsa:EndpointReference>"
        f"<d:Types>{xml_escape(onvif.types)}</d:Types>"
        f"<d:Scopes>{xml_escape(' '.join(onvif.scopes))}</d:Scopes>"
        f"<d:XAddrs>http://{address}{port_text}/onvif/device_service</d:XAddrs>"
        "<d:MetadataVersion>10</d:MetadataVersion>"
        "</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


def soap_reply(onvif: OnvifService, request: bytes) -> tuple[int, bytes]:
    """(status, body) of the device service for GetSystemDateAndTime / GetDeviceInformation."""
    text = request.decode("utf-8", "replace")
    if "GetSystemDateAndTime" in text:
        now = datetime.datetime.now(datetime.UTC)
        body = (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
            "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
            f"<tt:UTCDateTime><tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}"
            f"</tt:Minute><tt:Second>{now.second}</tt:Second></tt:Time><tt:Date><tt:Year>"
            f"{now.year}</tt:Year><tt:Month>{now.month}</tt:Month><tt:Day>{now.day}</tt:Day>"
            "</tt:Date></tt:UTCDateTime></tds:SystemDateAndTime>"
            "</tds:GetSystemDateAndTimeResponse>"
        )
        return 200, _envelope(body)
    if "GetDeviceInformation" in text and onvif.device_information:
        fields = "".join(
            f"<tds:{name}>{xml_escape(value)}</tds:{name}>"
            for name, value in onvif.device_information.items()
        )
        return 200, _envelope(
            f"<tds:GetDeviceInformationResponse>{fields}</tds:GetDeviceInformationResponse>"
        )
    fault = (
        "<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value>"
        "<SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value></SOAP-ENV:Subcode>"
        '</SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">Sender not Authorized'
        "</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>"
    )
    return 400, _envelope(fault)


def _envelope(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
        'xmlns:tt="http://www.onvif.org/ver10/schema" '
        'xmlns:ter="http://www.onvif.org/ver10/error">'
        f"<SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


def sadp_reply(fields: dict[str, str], address: str, request: bytes) -> bytes | None:
    """A SADP ProbeMatch for an inquiry; ``None`` for anything else."""
    root = parse_xml(request)
    if root is None or first_text(root, "Types") != "inquiry":
        return None
    probe_id = first_text(root, "Uuid") or ""
    items = "".join(f"<{name}>{xml_escape(value)}</{name}>" for name, value in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ProbeMatch>'
        f"<Uuid>{xml_escape(probe_id)}</Uuid><Types>inquiry</Types>"
        f"<IPv4Address>{address}</IPv4Address>{items}</ProbeMatch>"
    ).encode()


def dhip_reply(fields: dict[str, str], address: str, request: bytes) -> bytes | None:
    """A DHIP ``client.notifyDevInfo`` for a ``DHDiscover.search``; ``None`` otherwise."""
    message = dhip.unpack(request)
    if not message or message.get("method") != "DHDiscover.search":
        return None
    info: dict[str, object] = dict(fields)
    info["IPv4Address"] = {"IPAddress": address, "SubnetMask": "255.0.0.0", "DhcpEnable": False}
    return dhip.pack({"mac": "", "method": "client.notifyDevInfo", "params": {"deviceInfo": info}})


def ssdp_reply(
    ssdp: SsdpService, address: str, port: int, name: str, request: bytes
) -> bytes | None:
    """The M-SEARCH answer pointing at the description document."""
    if not request.startswith(b"M-SEARCH"):
        return None
    return (
        "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
        f"LOCATION: http://{address}:{port}{ssdp.location_path}\r\n"
        f"SERVER: {ssdp.server}\r\nST: upnp:rootdevice\r\n"
        f"USN: uuid:{device_uuid(name)}::upnp:rootdevice\r\n\r\n"
    ).encode()


def ssdp_description(ssdp: SsdpService, name: str) -> bytes:
    """The UPnP device description document."""
    fields = "".join(f"<{key}>{escape(value)}</{key}>" for key, value in ssdp.description.items())
    return (
        '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">'
        "<specVersion><major>1</major><minor>0</minor></specVersion><device>"
        "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>"
        f"{fields}<UDN>uuid:{device_uuid(name)}</UDN></device></root>"
    ).encode()


def mdns_reply(mdns: MdnsService, request: bytes) -> bytes | None:
    """A unicast DNS-SD answer: the service types for the service listing, else the instance
    of the service type asked for, with its TXT record; nothing for other questions."""
    try:
        query = dns.message.from_wire(request)
    except (dns.exception.DNSException, ValueError):
        return None
    if not query.question:
        return None
    asked = query.question[0].name
    reply = dns.message.make_response(query)
    reply.flags |= dns.flags.AA
    if asked == dns.name.from_text("_services._dns-sd._udp.local."):
        targets = [f"{service}.local." for service in mdns.services]
        reply.answer.append(dns.rrset.from_text_list(asked, 4500, "IN", "PTR", targets))
        return reply.to_wire()
    for service in mdns.services:
        if asked != dns.name.from_text(f"{service}.local."):
            continue
        instance = dns.name.Name((mdns.instance.encode(), *asked.labels))
        reply.answer.append(dns.rrset.from_rdata_list(asked, 4500, [_ptr(instance)]))
        if mdns.txt:
            txt = " ".join(f'"{text}"' for text in mdns.txt)
            reply.additional.append(dns.rrset.from_text(instance, 4500, "IN", "TXT", txt))
        return reply.to_wire()
    return None


def _ptr(target: dns.name.Name) -> dns.rdata.Rdata:
    return dns.rdtypes.ANY.PTR.PTR(dns.rdataclass.IN, dns.rdatatype.PTR, target)


def snmp_reply(snmp: SnmpService, request: bytes) -> bytes | None:
    """A GetResponse for sysDescr/sysObjectID when the community matches."""
    try:
        _, message, _ = read_tlv(request, 0)
        parts = children(message)
        if len(parts) < 3 or parts[2][0] != 0xA0:
            return None
        if parts[1][1].decode("utf-8", "replace") != snmp.community:
            return None
        version = decode_integer(parts[0][1])
        pdu = children(parts[2][1])
        request_id = decode_integer(pdu[0][1])
        bindings = b""
        for _, binding in children(pdu[3][1]):
            oid = decode_oid(children(binding)[0][1])
            if oid == SYS_DESCR:
                value = encode_tlv(0x04, snmp.sysdescr.encode())
            elif oid == SYS_OBJECT_ID:
                value = encode_oid(snmp.sysobjectid)
            else:
                value = encode_tlv(0x80, b"")
            bindings += encode_tlv(0x30, encode_oid(oid) + value)
    except (DerError, IndexError):
        return None
    pdu_bytes = encode_tlv(
        0xA2,
        encode_integer(request_id)
        + encode_integer(0)
        + encode_integer(0)
        + encode_tlv(0x30, bindings),
    )
    return encode_tlv(
        0x30, encode_integer(version) + encode_tlv(0x04, snmp.community.encode()) + pdu_bytes
    )
