"""Rate limiting, byte caps and the resume-state file."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from custodes.discovery import ScanState, StateFileError
from custodes.discovery.transport import Limits, RateLimiter, Transport


def test_rate_limiter_spaces_connections() -> None:
    async def run() -> float:
        limiter = RateLimiter(rate=100, burst=5)
        started = time.monotonic()
        for _ in range(25):
            await limiter.acquire()
        return time.monotonic() - started

    assert asyncio.run(run()) >= 0.18  # 20 beyond the burst at 100/s: at least 0.2 s


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate=0)


def test_reads_are_capped_and_closed_ports_give_none() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"x" * 200_000)
        await writer.drain()
        writer.close()

    async def run() -> tuple[bytes | None, bytes | None]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        transport = Transport(RateLimiter(1000), Limits(timeout=1.0, max_read=1000))
        try:
            capped = await transport.tcp_exchange("127.0.0.1", port, None)
        finally:
            server.close()
            await server.wait_closed()
        closed = await transport.tcp_exchange("127.0.0.1", port, b"x")
        return capped, closed

    capped, closed = asyncio.run(run())
    assert capped is not None and len(capped) == 1000
    assert closed is None


def test_state_round_trip_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ScanState.load(path)
    assert state.completed == set()
    state.started_at = "2026-01-01T00:00:00+00:00"
    state.record("127.0.0.1", {"address": "127.0.0.1"})
    state.record("127.0.0.2", None)
    state.save()
    again = ScanState.load(path)
    assert again.completed == {"127.0.0.1", "127.0.0.2"}
    assert again.devices == [{"address": "127.0.0.1"}]
    assert again.started_at == "2026-01-01T00:00:00+00:00"
    path.write_text("{not json")
    with pytest.raises(StateFileError, match="cannot read"):
        ScanState.load(path)
    path.write_text('{"version": 99}')
    with pytest.raises(StateFileError, match="not a custodes scan state"):
        ScanState.load(path)
