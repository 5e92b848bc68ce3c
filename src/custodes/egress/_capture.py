"""Streaming reader for pcap and pcapng captures of any size.

The file is read in chunks (1 MiB by default) and parsed record by record with
``struct.unpack_from`` on the chunk, so memory use does not grow with the file. Every length
read from the file is checked before use. A record that is cut short ends the file with a
:class:`CaptureProblem` naming its offset; a record whose header is impossible is reported
and the reader looks for the next plausible record within a bounded window (resync) or stops.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from custodes.egress.errors import CaptureFormatError

__all__ = ["CaptureProblem", "CaptureReader", "RawPacket", "file_size", "read_captures"]

#: ``(timestamp in seconds since the epoch, link type, original length, captured frame)``.
RawPacket = tuple[float, int, int, bytes]

PCAP_MAGIC_MICRO = 0xA1B2C3D4
PCAP_MAGIC_NANO = 0xA1B23C4D
PCAPNG_SHB = 0x0A0D0D0A  # Section Header Block type, pcapng spec (IETF draft) section 4.1
PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D
PCAPNG_IDB = 0x00000001  # Interface Description Block
PCAPNG_OPB = 0x00000002  # obsolete Packet Block
PCAPNG_SPB = 0x00000003  # Simple Packet Block
PCAPNG_EPB = 0x00000006  # Enhanced Packet Block
PCAPNG_KNOWN_BLOCKS = frozenset({PCAPNG_SHB, 1, 2, 3, 4, 5, 6, 7, 9, 10, 0x80000001})
PCAPNG_OPT_END = 0
PCAPNG_OPT_IF_TSRESOL = 9
PCAPNG_OPT_IF_TSOFFSET = 14
GZIP_MAGIC = b"\x1f\x8b"

MAX_PACKET_LENGTH = 262_144  # Wireshark's largest snapshot length for ordinary link types
MAX_BLOCK_LENGTH = 16 * 1024 * 1024
MAX_INTERFACES = 65_536
MAX_OPTIONS = 256
RESYNC_WINDOW = 1024 * 1024
MAX_RESYNCS = 64
DEFAULT_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class CaptureProblem:
    """Something wrong in a capture: file, byte offset from its start, and what."""

    path: Path
    offset: int
    message: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"path": str(self.path), "offset": self.offset, "message": self.message}


@dataclass(slots=True)
class _Interface:
    linktype: int
    snaplen: int
    scale: float
    offset_seconds: int


class _Window:
    """A sliding window over a binary file: ``buffer[pos:]`` starts at file offset ``offset``."""

    def __init__(
        self, handle: BinaryIO, chunk: int, progress: Callable[[int], None] | None
    ) -> None:
        self.handle = handle
        self.chunk = chunk
        self.progress = progress
        self.buffer = b""
        self.pos = 0
        self.base = 0
        self.eof = False

    @property
    def offset(self) -> int:
        return self.base + self.pos

    @property
    def available(self) -> int:
        return len(self.buffer) - self.pos

    def ensure(self, needed: int) -> bool:
        """Make ``needed`` bytes available from ``pos``; ``False`` if the file ends first."""
        while len(self.buffer) - self.pos < needed and not self.eof:
            data = self.handle.read(max(self.chunk, needed - (len(self.buffer) - self.pos)))
            if not data:
                self.eof = True
                break
            self.base += self.pos
            self.buffer = self.buffer[self.pos :] + data
            self.pos = 0
            if self.progress is not None:
                self.progress(self.base + len(self.buffer))
        return len(self.buffer) - self.pos >= needed


class CaptureReader:
    """Iterate over the packets of one pcap or pcapng file, collecting problems on the way.

    ``problems`` receives a :class:`CaptureProblem` for each truncated or corrupt part;
    ``progress`` (if given) is called with the number of bytes of this file read so far.
    Raises :class:`CaptureFormatError` only when the file is not a capture at all.
    """

    def __init__(
        self,
        path: Path,
        problems: list[CaptureProblem],
        progress: Callable[[int], None] | None = None,
        chunk_size: int = DEFAULT_CHUNK,
    ) -> None:
        self.path = Path(path)
        self.problems = problems
        self.progress = progress
        self.chunk_size = max(chunk_size, 4096)

    def _problem(self, offset: int, message: str) -> None:
        self.problems.append(CaptureProblem(self.path, offset, message))

    def packets(self) -> Iterator[RawPacket]:
        """Yield ``(timestamp, linktype, original_length, frame)`` for every readable packet."""
        with self.path.open("rb") as handle:
            window = _Window(handle, self.chunk_size, self.progress)
            if not window.ensure(4):
                if window.available == 0:
                    raise CaptureFormatError(self.path, 0, "empty file")
                raise CaptureFormatError(self.path, 0, "file too short to be a capture")
            head = window.buffer[:4]
            if head[:2] == GZIP_MAGIC:
                raise CaptureFormatError(self.path, 0, "gzip-compressed file; decompress it first")
            if int.from_bytes(head, "little") == PCAPNG_SHB:
                yield from self._pcapng(window)
                return
            magic_le = int.from_bytes(head, "little")
            magic_be = int.from_bytes(head, "big")
            if magic_le in (PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO):
                yield from self._pcap(window, "<", magic_le == PCAP_MAGIC_NANO)
            elif magic_be in (PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO):
                yield from self._pcap(window, ">", magic_be == PCAP_MAGIC_NANO)
            else:
                raise CaptureFormatError(
                    self.path, 0, f"not a pcap or pcapng file (magic 0x{magic_be:08x})"
                )

    #
    # pcap
    #

    def _pcap(self, window: _Window, endian: str, nanoseconds: bool) -> Iterator[RawPacket]:
        if not window.ensure(24):
            raise CaptureFormatError(self.path, 0, "pcap file header cut short (24 bytes)")
        snaplen, network = struct.unpack_from(endian + "II", window.buffer, 16)
        linktype = network & 0x0FFFFFFF
        limit = snaplen if MAX_PACKET_LENGTH < snaplen <= MAX_BLOCK_LENGTH else MAX_PACKET_LENGTH
        frac_limit = 1_000_000_000 if nanoseconds else 1_000_000
        scale = 1e-9 if nanoseconds else 1e-6
        header = struct.Struct(endian + "IIII")
        unpack = header.unpack_from
        window.pos = 24
        resyncs = 0
        last_seconds: int | None = None
        while True:
            buffer, pos = window.buffer, window.pos
            if len(buffer) - pos < 16:
                if not window.ensure(16):
                    if window.available:
                        self._problem(
                            window.offset,
                            f"truncated packet record header: {window.available} of 16 bytes",
                        )
                    return
                buffer, pos = window.buffer, window.pos
            seconds, fraction, captured, original = unpack(buffer, pos)
            if captured > limit or fraction >= frac_limit:
                resyncs += 1
                if not self._pcap_resync(
                    window, header, limit, frac_limit, last_seconds, resyncs, captured
                ):
                    return
                continue
            end = pos + 16 + captured
            if end > len(buffer):
                if not window.ensure(16 + captured):
                    self._problem(
                        window.offset,
                        f"truncated packet record: header says {captured} bytes, "
                        f"{max(window.available - 16, 0)} remain",
                    )
                    return
                buffer, pos = window.buffer, window.pos
                end = pos + 16 + captured
            window.pos = end
            last_seconds = seconds
            yield seconds + fraction * scale, linktype, original, buffer[pos + 16 : end]

    def _pcap_resync(
        self,
        window: _Window,
        header: struct.Struct,
        limit: int,
        frac_limit: int,
        last_seconds: int | None,
        resyncs: int,
        captured: int,
    ) -> bool:
        """Report a corrupt record header and move to the next plausible one, if any."""
        bad_offset = window.offset
        if resyncs > MAX_RESYNCS:
            self._problem(bad_offset, f"more than {MAX_RESYNCS} corrupt records; stopped")
            return False
        window.ensure(RESYNC_WINDOW + 2 * (16 + limit))
        buffer, start = window.buffer, window.pos
        stop = min(len(buffer) - 16, start + RESYNC_WINDOW)

        def plausible(at: int) -> bool:
            seconds, fraction, length, original = header.unpack_from(buffer, at)
            if length > limit or fraction >= frac_limit or length > original:
                return False
            return last_seconds is None or abs(seconds - last_seconds) <= 86_400

        for candidate in range(start + 1, stop + 1):
            if not plausible(candidate):
                continue
            after = candidate + 16 + header.unpack_from(buffer, candidate)[2]
            at_end = after == len(buffer) and window.eof
            if at_end or (after + 16 <= len(buffer) and plausible(after)):
                self._problem(
                    bad_offset,
                    f"corrupt packet record header (captured length {captured}); "
                    f"resumed at offset {window.base + candidate}",
                )
                window.pos = candidate
                return True
        self._problem(
            bad_offset,
            f"corrupt packet record header (captured length {captured}); no valid record in "
            f"the next {RESYNC_WINDOW} bytes, stopped",
        )
        return False

    #
    # pcapng
    #

    def _pcapng(self, window: _Window) -> Iterator[RawPacket]:
        endian = "<"
        interfaces: list[_Interface] = []
        unknown_interface_reported = False
        resyncs = 0
        while True:
            if not window.ensure(12):
                if window.available:
                    self._problem(
                        window.offset, f"truncated block header: {window.available} bytes"
                    )
                return
            buffer, pos = window.buffer, window.pos
            block_type = int.from_bytes(buffer[pos : pos + 4], "little")
            if block_type == PCAPNG_SHB:
                order = buffer[pos + 8 : pos + 12]
                if order == PCAPNG_BYTE_ORDER_MAGIC.to_bytes(4, "little"):
                    endian = "<"
                elif order == PCAPNG_BYTE_ORDER_MAGIC.to_bytes(4, "big"):
                    endian = ">"
                else:
                    self._problem(window.offset, "section header with a bad byte-order magic")
                    resyncs += 1
                    if not self._pcapng_resync(window, endian, resyncs):
                        return
                    continue
                interfaces = []
            else:
                (block_type,) = struct.unpack_from(endian + "I", buffer, pos)
            (length,) = struct.unpack_from(endian + "I", buffer, pos + 4)
            if length < 12 or length % 4 or length > MAX_BLOCK_LENGTH:
                self._problem(window.offset, f"corrupt block length {length}")
                resyncs += 1
                if not self._pcapng_resync(window, endian, resyncs):
                    return
                continue
            if not window.ensure(length):
                self._problem(
                    window.offset,
                    f"truncated block: header says {length} bytes, {window.available} remain",
                )
                return
            buffer, pos = window.buffer, window.pos
            (trailer,) = struct.unpack_from(endian + "I", buffer, pos + length - 4)
            if trailer != length:
                self._problem(
                    window.offset, f"block length {length} does not match its trailer {trailer}"
                )
                resyncs += 1
                if not self._pcapng_resync(window, endian, resyncs):
                    return
                continue
            window.pos = pos + length
            if block_type in (PCAPNG_EPB, PCAPNG_OPB):
                packet = self._packet_block(buffer, pos, length, endian, block_type, interfaces)
            elif block_type == PCAPNG_SPB:
                packet = self._simple_block(buffer, pos, length, endian, interfaces)
            else:
                if block_type == PCAPNG_IDB:
                    self._interface_block(buffer, pos, length, endian, interfaces)
                continue
            if packet is None:
                if not unknown_interface_reported:
                    unknown_interface_reported = True
                    self._problem(
                        window.base + pos,
                        "packet block refers to an undeclared interface or overruns its "
                        "block (further ones skipped silently)",
                    )
                continue
            yield packet

    def _packet_block(
        self,
        buffer: bytes,
        pos: int,
        length: int,
        endian: str,
        block_type: int,
        interfaces: list[_Interface],
    ) -> RawPacket | None:
        if length < 32:
            return None
        if block_type == PCAPNG_EPB:
            interface_id, high, low, captured, original = struct.unpack_from(
                endian + "IIIII", buffer, pos + 8
            )
        else:
            interface_id, _drops, high, low, captured, original = struct.unpack_from(
                endian + "HHIIII", buffer, pos + 8
            )
        if interface_id >= len(interfaces) or 28 + captured > length - 4:
            return None
        interface = interfaces[interface_id]
        timestamp = ((high << 32) | low) * interface.scale + interface.offset_seconds
        data = buffer[pos + 28 : pos + 28 + captured]
        return timestamp, interface.linktype, original, data

    def _simple_block(
        self, buffer: bytes, pos: int, length: int, endian: str, interfaces: list[_Interface]
    ) -> RawPacket | None:
        if not interfaces or length < 16:
            return None
        (original,) = struct.unpack_from(endian + "I", buffer, pos + 8)
        captured = min(original, length - 16)
        if interfaces[0].snaplen:
            captured = min(captured, interfaces[0].snaplen)
        return 0.0, interfaces[0].linktype, original, buffer[pos + 12 : pos + 12 + captured]

    def _interface_block(
        self, buffer: bytes, pos: int, length: int, endian: str, interfaces: list[_Interface]
    ) -> None:
        if length < 20 or len(interfaces) >= MAX_INTERFACES:
            return
        linktype, _reserved, snaplen = struct.unpack_from(endian + "HHI", buffer, pos + 8)
        scale, offset_seconds = 1e-6, 0
        at, end = pos + 16, pos + length - 4
        for _ in range(MAX_OPTIONS):
            if at + 4 > end:
                break
            code, size = struct.unpack_from(endian + "HH", buffer, at)
            if code == PCAPNG_OPT_END or at + 4 + size > end:
                break
            value = buffer[at + 4 : at + 4 + size]
            if code == PCAPNG_OPT_IF_TSRESOL and size >= 1:
                exponent = value[0] & 0x7F
                if exponent <= 63:
                    scale = 2.0**-exponent if value[0] & 0x80 else 10.0**-exponent
            elif code == PCAPNG_OPT_IF_TSOFFSET and size >= 8:
                (offset_seconds,) = struct.unpack_from(endian + "q", value, 0)
            at += 4 + size + (-size % 4)
        interfaces.append(_Interface(linktype, snaplen, scale, offset_seconds))

    def _pcapng_resync(self, window: _Window, endian: str, resyncs: int) -> bool:
        """Look for the next block whose type, length and trailer agree, within a window."""
        bad_offset = window.offset
        if resyncs > MAX_RESYNCS:
            self._problem(bad_offset, f"more than {MAX_RESYNCS} corrupt blocks; stopped")
            return False
        window.ensure(RESYNC_WINDOW + MAX_PACKET_LENGTH + 64)
        buffer, start = window.buffer, window.pos
        stop = min(len(buffer) - 12, start + RESYNC_WINDOW)
        block_header = struct.Struct(endian + "II")
        trailer = struct.Struct(endian + "I")
        for candidate in range(start + 1, stop + 1):
            block_type, length = block_header.unpack_from(buffer, candidate)
            if (
                block_type in PCAPNG_KNOWN_BLOCKS
                and 12 <= length <= MAX_PACKET_LENGTH + 64
                and length % 4 == 0
                and candidate + length <= len(buffer)
                and trailer.unpack_from(buffer, candidate + length - 4)[0] == length
            ):
                self._problem(
                    bad_offset,
                    f"skipped to the next valid block at offset {window.base + candidate}",
                )
                window.pos = candidate
                return True
        self._problem(bad_offset, f"no valid block in the next {RESYNC_WINDOW} bytes; stopped")
        return False


def file_size(path: Path) -> int:
    """The size of ``path`` in bytes; 0 when it cannot be read."""
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def read_captures(
    paths: Sequence[Path],
    problems: list[CaptureProblem],
    progress: Callable[[int], None] | None = None,
) -> Iterator[RawPacket]:
    """Every readable packet of ``paths``, in order. A file that is not a capture, cannot be
    read, or is truncated or corrupt adds a :class:`CaptureProblem` and the next file is read;
    ``progress`` is called with the bytes read so far across all files."""
    done_before = 0
    for path in paths:
        path = Path(path)

        def file_progress(read: int, before: int = done_before) -> None:
            if progress is not None:
                progress(before + read)

        try:
            yield from CaptureReader(path, problems, file_progress).packets()
        except CaptureFormatError as exc:
            problems.append(CaptureProblem(path, exc.offset, exc.message))
        except OSError as exc:
            problems.append(CaptureProblem(path, 0, f"cannot read: {exc.strerror or exc}"))
        done_before += file_size(path)
