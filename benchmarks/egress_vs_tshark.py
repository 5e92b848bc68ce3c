"""Throughput of ``custodes egress`` against tshark doing the equivalent field extraction.

Generates a pcap (1 GiB by default, ``--size`` to change) in a temporary directory from a few
frame templates — bulk TCP video to a remote address, local RTSP, DNS query/answer pairs, TLS
ClientHellos with SNI, HTTP requests, Dahua P2P datagrams and ACKs — then times, in the same
run: the egress core (``custodes.egress.analyse``), passive identification on the same file
(``custodes.discovery.passive.observe_captures``, what ``custodes identify --capture`` runs,
with its ratio to the egress core), and ``tshark -r FILE -T fields -e ip.src -e dns.qry.name
-e tls.handshake.extensions_server_name -e http.host``. Also times the hand-written frame
decoder against dpkt on a sample.

Run: ``.venv/bin/python benchmarks/egress_vs_tshark.py [--size BYTES] [--keep]``.
Needs Debian's tshark (``apt-get install -y tshark``) for the comparison; skipped if absent.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dpkt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from custodes.discovery.passive import observe_captures  # noqa: E402
from custodes.egress import analyse  # noqa: E402
from custodes.egress._decode import decode_frame  # noqa: E402
from egress.builders import (  # noqa: E402
    client_hello,
    dns_answer,
    dns_query,
    http_request,
    tcp,
    udp,
)

BATCH = 20_000


def templates() -> list[bytes]:
    """Frames in a realistic mix: mostly bulk video, some control and vendor traffic."""
    video = bytes(1400)
    frames: list[bytes] = []
    for camera in range(8):
        device = f"192.168.10.{20 + camera}"
        frames += [tcp(device, 554, "192.168.10.2", 40000 + camera, video, seq=i) for i in range(6)]
        frames += [tcp(device, 50000 + camera, "52.16.0.9", 443, video, seq=i) for i in range(4)]
        frames.append(tcp("192.168.10.2", 40000 + camera, device, 554, b"", seq=1))
        frames.append(udp(device, 41000, "192.168.10.1", 53, dns_query("litedev.hik-connect.com")))
        frames.append(
            udp(
                "192.168.10.1",
                53,
                device,
                41000,
                dns_answer("litedev.hik-connect.com", ["47.91.88.171"]),
            )
        )
        frames.append(
            tcp(device, 51000 + camera, "47.91.88.171", 443, client_hello("dev.hik-connect.com"))
        )
        frames.append(tcp(device, 52000 + camera, "52.1.2.5", 80, http_request("www.imoulife.com")))
        frames.append(udp(device, 42000, "52.1.2.7", 8800, b"DHGET /probe/p2psrv HTTP/1.1\r\n\r\n"))
        frames.append(udp(device, 42001, "52.1.2.8", 31234, b"PTCP" + bytes(200)))
    return frames


def generate(path: Path, size: int) -> tuple[int, int]:
    """Write a pcap of at least ``size`` bytes; return (bytes, packets)."""
    frames = templates()
    record = struct.Struct("<IIII")
    written, packets, second = 0, 0, 1_700_000_000
    with path.open("wb") as handle:
        handle.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        written = 24
        while written < size:
            parts = []
            for index in range(BATCH):
                frame = frames[index % len(frames)]
                parts.append(record.pack(second, index * 40, len(frame), len(frame)))
                parts.append(frame)
            chunk = b"".join(parts)
            handle.write(chunk)
            written += len(chunk)
            packets += BATCH
            second += 1
    return written, packets


def time_decoders(frames: list[bytes], rounds: int = 20) -> tuple[float, float]:
    sample = frames * rounds
    start = time.perf_counter()
    for frame in sample:
        decode_frame(1, frame)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for frame in sample:
        dpkt.ethernet.Ethernet(frame)
    theirs = time.perf_counter() - start
    return len(sample) / ours, len(sample) / theirs


def report(label: str, size: int, packets: int, seconds: float) -> None:
    print(
        f"{label:<22} {seconds:8.2f} s  {size / seconds / 1e6:9.1f} MB/s  "
        f"{packets / seconds:12,.0f} packets/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1 << 30, help="capture size in bytes")
    parser.add_argument("--keep", action="store_true", help="keep the generated capture")
    arguments = parser.parse_args()

    ours, dpkt_rate = time_decoders(templates())
    print(
        f"decode: hand-written {ours:,.0f} frames/s, dpkt {dpkt_rate:,.0f} frames/s, "
        f"ratio {ours / dpkt_rate:.1f}x"
    )

    directory = Path(tempfile.mkdtemp(prefix="egress-bench-"))
    try:
        capture = directory / "bench.pcap"
        start = time.perf_counter()
        size, packets = generate(capture, arguments.size)
        print(
            f"generated {size / 1e6:,.0f} MB, {packets:,} packets in "
            f"{time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        result = analyse([capture])
        custodes_seconds = time.perf_counter() - start
        assert result.packets_read == packets, "custodes read a different number of packets"
        report("custodes egress core", size, packets, custodes_seconds)

        start = time.perf_counter()
        sighted = observe_captures([capture])
        passive_seconds = time.perf_counter() - start
        assert sighted.packets_read == packets, "passive read a different number of packets"
        report("custodes passive core", size, packets, passive_seconds)
        print(
            f"ratio (passive identification speed / egress speed): "
            f"{custodes_seconds / passive_seconds:.2f}"
        )

        tshark = shutil.which("tshark")
        if tshark is None:
            print("tshark not found: install Debian's tshark to compare; comparison skipped")
            return
        # Sequence analysis is work our extraction does not do, and the generated flows reuse
        # sequence numbers, which makes it slow: switch it off so tshark is not handicapped.
        command = [
            tshark,
            "-n",
            "-o",
            "tcp.analyze_sequence_numbers:FALSE",
            "-r",
            str(capture),
            "-T",
            "fields",
            "-e",
            "ip.src",
            "-e",
            "dns.qry.name",
            "-e",
            "tls.handshake.extensions_server_name",
            "-e",
            "http.host",
        ]
        start = time.perf_counter()
        completed = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        tshark_seconds = time.perf_counter() - start
        if completed.returncode != 0:
            print(f"tshark exited with {completed.returncode}; its timing may be incomplete")
        report("tshark -T fields", size, packets, tshark_seconds)
        print(f"ratio (custodes speed / tshark speed): {tshark_seconds / custodes_seconds:.2f}")
    finally:
        if arguments.keep:
            print(f"capture kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
