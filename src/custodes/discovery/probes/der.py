"""Minimal BER/DER reading and writing (certificates and SNMP), bounded against hostile input."""

from __future__ import annotations

MAX_CHILDREN = 256


class DerError(ValueError):
    """Bytes that are not well-formed BER/DER."""


def read_tlv(data: bytes, offset: int) -> tuple[int, bytes, int]:
    """Read one tag-length-value at ``offset``: (tag, value, next offset)."""
    if offset + 2 > len(data):
        raise DerError("truncated header")
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise DerError("bad length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    if offset + length > len(data):
        raise DerError("value runs past the end")
    return tag, data[offset : offset + length], offset + length


def children(data: bytes) -> list[tuple[int, bytes]]:
    """The TLVs inside a constructed value, at most ``MAX_CHILDREN``."""
    items: list[tuple[int, bytes]] = []
    offset = 0
    while offset < len(data) and len(items) < MAX_CHILDREN:
        tag, value, offset = read_tlv(data, offset)
        items.append((tag, value))
    return items


def decode_oid(value: bytes) -> str:
    """Dotted form of an encoded OBJECT IDENTIFIER."""
    if not value or len(value) > 128:
        raise DerError("bad OID length")
    parts = [min(value[0] // 40, 2), value[0] - 40 * min(value[0] // 40, 2)]
    number = 0
    for byte in value[1:]:
        number = (number << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(number)
            number = 0
    return ".".join(str(part) for part in parts)


def decode_integer(value: bytes) -> int:
    """A signed INTEGER value."""
    if not value or len(value) > 8:
        raise DerError("bad INTEGER length")
    return int.from_bytes(value, "big", signed=True)


def encode_tlv(tag: int, value: bytes) -> bytes:
    """Encode one TLV with a definite length."""
    length = len(value)
    if length < 0x80:
        return bytes([tag, length]) + value
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + value


def encode_integer(number: int) -> bytes:
    """Encode an INTEGER."""
    size = max(1, (number.bit_length() + 8) // 8)
    return encode_tlv(0x02, number.to_bytes(size, "big", signed=True))


def encode_oid(dotted: str) -> bytes:
    """Encode an OBJECT IDENTIFIER from dotted form."""
    numbers = [int(part) for part in dotted.strip(".").split(".")]
    body = bytearray([numbers[0] * 40 + numbers[1]])
    for number in numbers[2:]:
        chunk = [number & 0x7F]
        number >>= 7
        while number:
            chunk.append(0x80 | (number & 0x7F))
            number >>= 7
        body.extend(reversed(chunk))
    return encode_tlv(0x06, bytes(body))
