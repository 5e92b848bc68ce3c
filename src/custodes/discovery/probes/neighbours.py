"""MAC addresses of hosts on the same link, from the kernel's neighbour (ARP) table."""

from __future__ import annotations

import re
from pathlib import Path

ARP_TABLE = Path("/proc/net/arp")
MAX_LINES = 65536
_MAC = re.compile(r"^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$")


def read_neighbours(table: Path = ARP_TABLE) -> dict[str, str]:
    """Map IPv4 address to upper-case MAC for complete entries; empty when unreadable."""
    try:
        lines = table.read_text(encoding="ascii", errors="replace").splitlines()[:MAX_LINES]
    except OSError:
        return {}
    neighbours: dict[str, str] = {}
    for line in lines[1:]:
        columns = line.split()
        if len(columns) < 4:
            continue
        address, _, flags, mac = columns[:4]
        mac = mac.lower()
        if flags != "0x0" and _MAC.match(mac) and mac != "00:00:00:00:00:00":
            neighbours[address] = mac.upper()
    return neighbours


def oui(mac: str) -> str:
    """The first three octets of a MAC, upper case with colons."""
    return mac.upper()[:8]
