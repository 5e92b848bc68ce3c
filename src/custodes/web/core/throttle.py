"""One throttle for guessed secrets: failed look-ups of respondent links and agent tokens.

Failures are counted per client address in a fixed window that starts at the first failure,
kept in Django's cache under a hash of the address. After ``TOKEN_THROTTLE_LIMIT`` failures in
``TOKEN_THROTTLE_WINDOW_SECONDS`` every attempt from that address is refused, good or bad,
until the window ends.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

__all__ = ["FailureThrottle", "client_address"]


def client_address(request: HttpRequest) -> str:
    """The address failures are counted against (``REMOTE_ADDR``; set it right behind a proxy)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


class FailureThrottle:
    """Failed look-ups of one kind of secret, counted per address."""

    def __init__(self, name: str) -> None:
        self.prefix = f"custodes:{name}:failures:"

    def _key(self, address: str) -> str:
        return self.prefix + hashlib.sha256(address.encode()).hexdigest()[:32]

    def _failures(self, address: str) -> tuple[int, float]:
        """(failures, window start) for ``address`` in the current window."""
        now = time.time()
        stored = cache.get(self._key(address))
        if (
            isinstance(stored, tuple)
            and len(stored) == 2
            and now - stored[1] < settings.TOKEN_THROTTLE_WINDOW_SECONDS
        ):
            return int(stored[0]), float(stored[1])
        return 0, now

    def blocked_for(self, address: str) -> int:
        """Seconds until ``address`` may try again; 0 when it may now."""
        count, started = self._failures(address)
        if count < settings.TOKEN_THROTTLE_LIMIT:
            return 0
        return max(1, int(started + settings.TOKEN_THROTTLE_WINDOW_SECONDS - time.time()))

    def record_failure(self, address: str) -> None:
        """Counts one failure. Not atomic: two simultaneous failures may count once, which a
        limit of ten tolerates."""
        count, started = self._failures(address)
        remaining = started + settings.TOKEN_THROTTLE_WINDOW_SECONDS - time.time()
        cache.set(self._key(address), (count + 1, started), timeout=max(1, int(remaining) + 1))
