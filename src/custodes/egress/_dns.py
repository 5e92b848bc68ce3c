"""Bounded DNS message parsing: question names and A/AAAA/CNAME answers only.

Hand-written rather than ``dpkt.dns`` so that hostile input has one well-defined outcome
(``None``) and the work per message is capped: at most :data:`MAX_QUESTIONS` questions and
:data:`MAX_ANSWERS` answers are read, compression pointers must point strictly backwards and
at most :data:`MAX_POINTER_JUMPS` are followed, and names longer than 255 bytes are rejected.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["DnsMessage", "parse_dns"]

DNS_TYPE_A = 1
DNS_TYPE_CNAME = 5
DNS_TYPE_AAAA = 28
DNS_FLAG_QR = 0x8000  # response flag, RFC 1035 section 4.1.1
DNS_OPCODE_MASK = 0x7800
MAX_QUESTIONS = 4
MAX_ANSWERS = 64
MAX_POINTER_JUMPS = 32
MAX_NAME_LENGTH = 255

_HEADER = struct.Struct("!HHHHHH")
_RR_FIXED = struct.Struct("!HHIH")


@dataclass(slots=True)
class DnsMessage:
    """What the egress analysis needs from one DNS message."""

    is_response: bool
    questions: list[str] = field(default_factory=list)
    addresses: list[tuple[str, bytes]] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)


def parse_dns(data: bytes) -> DnsMessage | None:
    """Parse a DNS message over UDP; ``None`` when it is malformed or not a standard query."""
    try:
        return _parse(data)
    except (struct.error, IndexError, ValueError):
        return None


def _parse(data: bytes) -> DnsMessage | None:
    _id, flags, question_count, answer_count, _ns, _ar = _HEADER.unpack_from(data, 0)
    if flags & DNS_OPCODE_MASK:  # only standard queries (opcode 0)
        return None
    message = DnsMessage(is_response=bool(flags & DNS_FLAG_QR))
    at = 12
    for _ in range(min(question_count, MAX_QUESTIONS)):
        name, at = _read_name(data, at)
        at += 4  # QTYPE, QCLASS
        if at > len(data):
            return None
        message.questions.append(name)
    if question_count > MAX_QUESTIONS:
        return message  # answers follow questions we did not read; stop here
    for _ in range(min(answer_count, MAX_ANSWERS)):
        owner, at = _read_name(data, at)
        record_type, _class, _ttl, length = _RR_FIXED.unpack_from(data, at)
        at += 10
        if at + length > len(data):
            return message
        if record_type == DNS_TYPE_A and length == 4:
            message.addresses.append((owner, data[at : at + 4]))
        elif record_type == DNS_TYPE_AAAA and length == 16:
            message.addresses.append((owner, data[at : at + 16]))
        elif record_type == DNS_TYPE_CNAME:
            target, _end = _read_name(data, at)
            message.aliases.append((owner, target))
        at += length
    return message


def _read_name(data: bytes, at: int) -> tuple[str, int]:
    """Read a possibly compressed name at ``at``; return it and the offset after it."""
    labels: list[str] = []
    total = 0
    resume: int | None = None
    lowest_pointer = at
    for _ in range(MAX_NAME_LENGTH + MAX_POINTER_JUMPS):
        length = data[at]
        if length == 0:
            at += 1
            break
        if length & 0xC0 == 0xC0:
            target = ((length & 0x3F) << 8) | data[at + 1]
            if target >= lowest_pointer:
                raise ValueError("DNS compression pointer does not point backwards")
            lowest_pointer = target
            if resume is None:
                resume = at + 2
            at = target
            continue
        if length & 0xC0:
            raise ValueError("reserved DNS label type")
        label = data[at + 1 : at + 1 + length]
        if len(label) != length:
            raise ValueError("DNS label runs past the end")
        total += length + 1
        if total > MAX_NAME_LENGTH:
            raise ValueError("DNS name longer than 255 bytes")
        labels.append(label.decode("latin-1").lower())
        at += 1 + length
    else:
        raise ValueError("DNS name too long")
    return ".".join(labels), (resume if resume is not None else at)
