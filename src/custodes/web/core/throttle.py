"""One throttle for guessed secrets: failed look-ups of respondent links and agent tokens.

Only failures are limited; a valid link or token always works, whatever its address has tried
before (a force's whole headquarters may sit behind one NAT address). Failures are counted per
client address in a fixed window that starts at the first failure, in the ``FailedLookups``
table, by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement: the database serialises
concurrent increments, so with a limit of ten exactly ten failed look-ups from an address are
answered (404 or 410) in a window, in any number of worker processes, and every later failure
gets 429 with ``Retry-After``. A refusal says nothing about whether the secret ever existed.

What stops guessing is the secrets' 256 bits; the throttle caps how many answers an address
gets that say more than "no" (410: this link existed), and logs the address once it passes the
limit (logger ``custodes.security``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from custodes.web.core.models import FailedLookups

__all__ = ["FailureThrottle", "client_address"]

log = logging.getLogger("custodes.security")


def client_address(request: HttpRequest) -> str:
    """The address failures are counted against (``REMOTE_ADDR``; set it right behind a proxy)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _as_datetime(value: datetime | str) -> datetime:
    """A ``RETURNING`` datetime as an aware one (SQLite returns Django's text form in UTC)."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise ValueError(f"not a datetime from the database: {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


class FailureThrottle:
    """Failed look-ups of one kind of secret, counted per client address."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    @staticmethod
    def _address_hash(address: str) -> str:
        return hashlib.sha256(address.encode()).hexdigest()

    def record_failure(self, address: str) -> int:
        """Counts one failed look-up from ``address``. Returns 0 while the address is within
        ``TOKEN_THROTTLE_LIMIT`` failures in its window (answer the look-up as usual), else the
        seconds until its window ends (refuse with 429 and this ``Retry-After``)."""
        now = timezone.now()
        window = timedelta(seconds=settings.TOKEN_THROTTLE_WINDOW_SECONDS)
        table = connection.ops.quote_name(FailedLookups._meta.db_table)
        # One statement: a new window when there is no row or its window has ended, else one
        # more failure. Each SET expression reads the row as it was before this statement.
        sql = f"""
            INSERT INTO {table} (scope, address_hash, window_started, failures)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT (scope, address_hash) DO UPDATE SET
                failures = CASE WHEN {table}.window_started > %s
                    THEN {table}.failures + 1 ELSE 1 END,
                window_started = CASE WHEN {table}.window_started > %s
                    THEN {table}.window_started ELSE excluded.window_started END
            RETURNING failures, window_started
        """  # the table name is ours; every value is a parameter
        started_after = connection.ops.adapt_datetimefield_value(now - window)
        params = [
            self.scope,
            self._address_hash(address),
            connection.ops.adapt_datetimefield_value(now),
            started_after,
            started_after,
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            failures, window_started = cursor.fetchone()
            if failures == 1:
                # A window began: forget this scope's windows that have ended.
                FailedLookups.objects.filter(
                    scope=self.scope, window_started__lte=now - window
                ).delete()
        limit = settings.TOKEN_THROTTLE_LIMIT
        if failures <= limit:
            return 0
        ends = _as_datetime(window_started) + window
        if failures == limit + 1:
            log.warning(
                "%s: %d failed look-ups from %s since %s; refusing its failures until %s",
                self.scope,
                limit,
                address,
                _as_datetime(window_started).isoformat(timespec="seconds"),
                ends.isoformat(timespec="seconds"),
            )
        return max(1, int((ends - now).total_seconds()))
