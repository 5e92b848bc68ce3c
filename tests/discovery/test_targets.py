"""Targets, ranges, CIDRs and scope files; the scanner refuses anything out of scope."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.discovery import (
    Scanner,
    Scope,
    ScopeError,
    ScopeFileError,
    TargetError,
    expand_targets,
    load_scope,
    parse_span,
)
from custodes.discovery.lab import Lab


def test_single_address_range_and_cidr() -> None:
    assert [str(a) for a in expand_targets(["127.0.0.1"])] == ["127.0.0.1"]
    assert [str(a) for a in expand_targets(["127.0.0.1-3"])] == [
        "127.0.0.1",
        "127.0.0.2",
        "127.0.0.3",
    ]
    assert len(expand_targets(["127.0.5.0/30"])) == 4
    assert len(expand_targets(["127.0.0.250-127.0.1.4"])) == 11


def test_duplicates_are_scanned_once() -> None:
    assert len(expand_targets(["127.0.0.1", "127.0.0.1-2", "127.0.0.0/31"])) == 3


@pytest.mark.parametrize("text", ["", "not-an-ip", "127.0.0.5-2", "127.0.0.1-300", "1.2.3.4/40"])
def test_bad_targets_are_named(text: str) -> None:
    with pytest.raises(TargetError):
        parse_span(text)


def test_target_limit() -> None:
    with pytest.raises(TargetError, match="exceeds"):
        expand_targets(["127.0.0.0/8"])


def test_loopback_is_always_in_scope_and_nothing_else() -> None:
    scope = Scope()
    assert scope.permits(ipaddress.ip_address("127.45.6.7"))
    assert not scope.permits(ipaddress.ip_address("192.0.2.1"))
    with pytest.raises(ScopeError, match=r"192\.0\.2\.1.*--scope"):
        scope.check([ipaddress.ip_address("192.0.2.1")])


def test_scope_file_lists_cidrs_and_ranges(tmp_path: Path) -> None:
    path = tmp_path / "scope.txt"
    path.write_text("# council HQ\n192.0.2.0/28   # cameras VLAN\n\n198.51.100.10-20\n")
    scope = load_scope(path)
    assert scope.permits(ipaddress.ip_address("192.0.2.15"))
    assert not scope.permits(ipaddress.ip_address("192.0.2.16"))
    assert scope.permits(ipaddress.ip_address("198.51.100.20"))
    assert not scope.permits(ipaddress.ip_address("198.51.100.21"))
    planned = Scanner(scope=scope).plan(["192.0.2.1-3"])
    assert [str(a) for a in planned] == ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
    with pytest.raises(ScopeError):
        Scanner(scope=scope).plan(["192.0.2.14-20"])


def test_bad_scope_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "scope.txt"
    path.write_text("192.0.2.0/24\nwhatever\n")
    with pytest.raises(ScopeFileError, match=r"line 2"):
        load_scope(path)
    with pytest.raises(ScopeFileError, match="cannot read"):
        load_scope(tmp_path / "missing.txt")


def test_out_of_scope_target_refused_before_any_packet(lab: Lab) -> None:
    before = len(lab.requests)

    async def run() -> None:
        async for _ in Scanner().scan([lab.addresses[0], "192.0.2.77"]):
            pass

    with pytest.raises(ScopeError, match=r"192\.0\.2\.77"):
        asyncio.run(run())
    assert len(lab.requests) == before, "an in-scope host was probed although the scan was refused"


@given(st.integers(min_value=0, max_value=(1 << 32) - 1))
def test_scope_decision_matches_loopback_network(value: int) -> None:
    address = ipaddress.IPv4Address(value)
    assert Scope().permits(address) == (address in ipaddress.ip_network("127.0.0.0/8"))
