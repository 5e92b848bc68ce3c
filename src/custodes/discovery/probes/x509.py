"""Just enough DER to read a certificate's subject and issuer, bounded against hostile input."""

from __future__ import annotations

from dataclasses import dataclass

from custodes.discovery.probes.der import DerError, children, decode_oid, read_tlv

_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "emailAddress",
}
_STRING_TAGS = {0x0C, 0x13, 0x14, 0x16, 0x1A, 0x1E}


@dataclass(frozen=True, slots=True)
class CertificateNames:
    """Subject and issuer of a certificate, written most-specific first (``CN=…,O=…``)."""

    subject: str
    issuer: str


def _decode_string(tag: int, value: bytes) -> str:
    if tag == 0x1E:
        return value.decode("utf-16-be", "replace")
    return value.decode("utf-8", "replace")


def _name(value: bytes) -> str:
    parts: list[str] = []
    for _, rdn in children(value):
        for _, attribute in children(rdn):
            pair = children(attribute)
            if len(pair) != 2 or pair[0][0] != 0x06:
                raise DerError("bad attribute")
            oid = decode_oid(pair[0][1])
            tag, text = pair[1]
            if tag in _STRING_TAGS:
                parts.append(f"{_NAMES.get(oid, oid)}={_decode_string(tag, text)}")
    return ",".join(reversed(parts))


def describe_certificate(der: bytes) -> CertificateNames | None:
    """Subject and issuer of a DER certificate, or ``None`` when it cannot be read."""
    try:
        _, certificate, _ = read_tlv(der, 0)
        tbs_tag, tbs = children(certificate)[0]
        if tbs_tag != 0x30:
            raise DerError("no TBSCertificate")
        fields = children(tbs)
        if fields and fields[0][0] == 0xA0:
            fields = fields[1:]
        if len(fields) < 5:
            raise DerError("too few fields")
        return CertificateNames(subject=_name(fields[4][1]), issuer=_name(fields[2][1]))
    except (DerError, IndexError):
        return None
