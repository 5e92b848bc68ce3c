"""Bounded network I/O: every connection is rate limited, every read capped and timed out."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_RATE = 200.0
DEFAULT_TIMEOUT = 2.0
DEFAULT_MAX_READ = 64 * 1024
DEFAULT_CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-probe bounds: seconds per exchange and bytes per reply."""

    timeout: float = DEFAULT_TIMEOUT
    max_read: int = DEFAULT_MAX_READ


class RateLimiter:
    """Token bucket bounding new connections and datagrams per second across a scan."""

    def __init__(self, rate: float = DEFAULT_RATE, burst: int | None = None) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        self.capacity = float(burst if burst is not None else max(1, int(rate // 10)))
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more connection may be opened."""
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


@dataclass(slots=True)
class Transport:
    """Network access shared by the probes of one scan: rate, concurrency and size bounds."""

    limiter: RateLimiter
    limits: Limits
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(DEFAULT_CONCURRENCY))

    async def tcp_exchange(
        self,
        host: str,
        port: int,
        payload: bytes | None,
        *,
        tls: bool = False,
        complete: Callable[[bytes], bool] | None = None,
        tls_info: dict[str, bytes] | None = None,
    ) -> bytes | None:
        """Connect, send ``payload`` (if any) and read the reply.

        Reading stops at end of stream, at ``limits.max_read`` bytes, when ``complete`` says the
        reply is whole, or at the timeout; what has arrived by then is returned. ``None`` means
        the connection could not be made. With ``tls_info``, the peer certificate (DER) is
        stored under ``"certificate"``.
        """
        async with self.slots:
            return await self._tcp_exchange(
                host, port, payload, tls=tls, complete=complete, tls_info=tls_info
            )

    async def _tcp_exchange(
        self,
        host: str,
        port: int,
        payload: bytes | None,
        *,
        tls: bool = False,
        complete: Callable[[bytes], bool] | None = None,
        tls_info: dict[str, bytes] | None = None,
    ) -> bytes | None:
        await self.limiter.acquire()
        context = _insecure_tls_context() if tls else None
        try:
            async with asyncio.timeout(self.limits.timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname="" if tls else None
                )
        except (OSError, TimeoutError, ssl.SSLError, ValueError):
            return None
        received = bytearray()
        try:
            if tls_info is not None:
                ssl_object = writer.get_extra_info("ssl_object")
                certificate = ssl_object.getpeercert(binary_form=True) if ssl_object else None
                if certificate:
                    tls_info["certificate"] = certificate
            async with asyncio.timeout(self.limits.timeout):
                if payload:
                    writer.write(payload)
                    await writer.drain()
                while len(received) < self.limits.max_read:
                    chunk = await reader.read(min(8192, self.limits.max_read - len(received)))
                    if not chunk:
                        break
                    received += chunk
                    if complete is not None and complete(bytes(received)):
                        break
        except (OSError, TimeoutError, ssl.SSLError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(0.2):
                    await writer.wait_closed()
        return bytes(received)

    async def tcp_connects(self, host: str, port: int) -> bool:
        """True when a TCP connection to ``host:port`` succeeds within the timeout."""
        async with self.slots:
            await self.limiter.acquire()
            try:
                async with asyncio.timeout(self.limits.timeout):
                    _, writer = await asyncio.open_connection(host, port)
            except (OSError, TimeoutError, ValueError):
                return False
        writer.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(0.2):
                await writer.wait_closed()
        return True

    async def udp_exchange(
        self, host: str, port: int, payload: bytes, *, max_replies: int = 1
    ) -> list[bytes]:
        """Send one datagram and gather up to ``max_replies`` replies before the timeout."""
        async with self.slots:
            return await self._udp_exchange(host, port, payload, max_replies)

    async def _udp_exchange(
        self, host: str, port: int, payload: bytes, max_replies: int
    ) -> list[bytes]:
        await self.limiter.acquire()
        loop = asyncio.get_running_loop()
        collector = _DatagramCollector(self.limits.max_read, max_replies)
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: collector, remote_addr=(host, port)
            )
        except OSError:
            return []
        try:
            transport.sendto(payload)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.limits.timeout):
                    await collector.done.wait()
        finally:
            transport.close()
        return list(collector.replies)


class _DatagramCollector(asyncio.DatagramProtocol):
    """Keeps up to ``max_replies`` datagrams, each cut to ``max_read`` bytes."""

    def __init__(self, max_read: int, max_replies: int) -> None:
        self.max_read = max_read
        self.max_replies = max_replies
        self.replies: list[bytes] = []
        self.done = asyncio.Event()

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if len(self.replies) < self.max_replies:
            self.replies.append(data[: self.max_read])
        if len(self.replies) >= self.max_replies:
            self.done.set()

    def error_received(self, exc: Exception) -> None:
        self.done.set()


@functools.cache
def _insecure_tls_context() -> ssl.SSLContext:
    """A TLS context that accepts any certificate: we read it, we do not trust it.

    Old cameras only speak TLS 1.0, so that is allowed (Python warns it is deprecated).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    with contextlib.suppress(ssl.SSLError):
        context.set_ciphers("ALL:@SECLEVEL=0")
    return context
